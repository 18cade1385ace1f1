#include "score_outputs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/io.h"

int score_outputs_base(char *base, size_t len, const char *input, const char *out_dir)
{
    const char *slash = strrchr(input, '/');
    const char *name = slash ? slash + 1 : input;
    const char *dot = strrchr(name, '.');
    const size_t name_len = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    int n;
    if (out_dir)
        n = snprintf(base, len, "%s/%.*s", out_dir, (int)name_len, name);
    else if (slash)
        n = snprintf(base, len, "%.*s%.*s", (int)(name - input), input, (int)name_len, name);
    else
        n = snprintf(base, len, "%.*s", (int)name_len, name);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int open_one(text_file *tf, const char *base, const char *suffix, char *err, size_t err_len)
{
    char path[4200];
    snprintf(path, sizeof path, "%s%s", base, suffix);
    if (text_file_open(tf, path) != 0) {
        snprintf(err, err_len, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int score_outputs_open(score_outputs *out, const char *input, const score_options *o, char *err,
                       size_t err_len)
{
    memset(out, 0, sizeof *out);
    out->edf = o->edf_annotations;
    out->report_wanted = o->report;
    if (score_outputs_base(out->base, sizeof out->base, input, o->out_dir) != 0) {
        snprintf(err, err_len, "%s: output path too long", input);
        return -1;
    }
    if (open_one(&out->events, out->base, ".events.tsv", err, err_len) != 0)
        return -1;
    if (fasc_events_tsv_write_header_scored(out->events.f) != FASC_OK) {
        snprintf(err, err_len, "%s: cannot write: %s", out->events.path, strerror(errno));
        score_outputs_abort(out);
        return -1;
    }
    return 0;
}

typedef int (*writer_fn)(const char *path, const score_run *run);

static int sidecar_writer(const char *path, const score_run *run)
{
    (void)run;
    return score_write_sidecar(path);
}

/* Writes one output to SUFFIX.part through fn; published by commit. */
static int write_one(text_file *tf, const char *base, const char *suffix, writer_fn fn,
                     const score_run *run, char *err, size_t err_len)
{
    if (open_one(tf, base, suffix, err, err_len) != 0)
        return -1;
    /* The writers produce a whole file at a path: point them at the
     * temporary one, which stays unpublished until commit. */
    fclose(tf->f);
    tf->f = NULL;
    if (fn(tf->temp, run) != 0) {
        snprintf(err, err_len, "%s%s: cannot write: %s", base, suffix, strerror(errno));
        return -1;
    }
    return 0;
}

int score_outputs_write(score_outputs *out, const score_run *run, char *err, size_t err_len)
{
    if (text_file_finish(&out->events) != 0) {
        snprintf(err, err_len, "%s: cannot write: %s", out->events.path, strerror(errno));
        return -1;
    }
    if (write_one(&out->sidecar, out->base, ".events.json", sidecar_writer, run, err, err_len) ||
        write_one(&out->summary, out->base, ".summary.json", score_write_summary, run, err, err_len) ||
        (out->report_wanted &&
         write_one(&out->report, out->base, ".report.svg", score_write_report, run, err, err_len)))
        return -1;
    return 0;
}

static int write_edf(const score_outputs *out, const score_run *run, char *err, size_t err_len)
{
    fasc_edf_annotation *a = malloc((run->mark_n + 1) * sizeof *a);
    char (*text)[FASC_EDF_ANNOTATION_TEXT_MAX + 1] = malloc((run->mark_n + 1) * sizeof *text);
    int rc = a && text ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < run->mark_n; i++) {
        const score_mark *m = &run->marks[i];
        const char *where = m->channel >= 0 ? run->labels[m->channel] : "all";
        if (m->cls == FASC_CLASS_FASCICULATION && m->unit > 0)
            snprintf(text[i], sizeof text[i], "%s %s u%d", fasc_class_name(m->cls), where,
                     score_run_unit_root(run, m->unit));
        else
            snprintf(text[i], sizeof text[i], "%s %s", fasc_class_name(m->cls), where);
        a[i] = (fasc_edf_annotation){m->onset_s, m->duration_s, text[i]};
    }
    char path[4200];
    snprintf(path, sizeof path, "%s.events.edf", out->base);
    if (rc != 0)
        snprintf(err, err_len, "%s: out of memory", path);
    else if (fasc_edf_annotations_write(path, a, run->mark_n,
                                        fasc_summary_duration_s(run->summary), err, err_len) != FASC_OK)
        rc = -1;
    free(a);
    free(text);
    return rc;
}

int score_outputs_commit(score_outputs *out, const score_run *run, char *err, size_t err_len)
{
    if (out->edf && write_edf(out, run, err, err_len) != 0) {
        score_outputs_abort(out);
        return -1;
    }
    text_file *all[] = {&out->events, &out->sidecar, &out->summary, &out->report};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (!all[i]->temp)
            continue;
        if (text_file_publish(all[i]) != 0) {
            snprintf(err, err_len, "%s: cannot move into place: %s", all[i]->path, strerror(errno));
            score_outputs_abort(out);
            return -1;
        }
    }
    return 0;
}

void score_outputs_abort(score_outputs *out)
{
    text_file_abort(&out->events);
    text_file_abort(&out->sidecar);
    text_file_abort(&out->summary);
    text_file_abort(&out->report);
}
