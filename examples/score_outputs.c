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

/* A sort key: onset, then the order it came in (sorting is stable). */
typedef struct onset_key {
    double onset;
    size_t order;
} onset_key;

static int by_onset(const void *a, const void *b)
{
    const onset_key *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* A table row (its key first, so by_onset sorts rows too). */
typedef struct sort_row {
    onset_key key;
    const char *text;
    size_t len;
} sort_row;

/* The detector hands out discharges in order of peak and epochs when they
 * end; the table reads in order of onset (rows with equal onsets keep
 * their order). Rewrites the finished temporary file at `path`; its rows
 * are held in memory meanwhile, a few MB for a day of events. 0, or -1
 * with errno set. */
static int sort_table(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *buf = NULL;
    size_t size = 0, cap = 0;
    for (;;) {
        if (size + 65536 > cap) {
            char *grown = realloc(buf, cap = 2 * cap + 65536);
            if (!grown) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return -1;
            }
            buf = grown;
        }
        const size_t got = fread(buf + size, 1, cap - size, f);
        size += got;
        if (got == 0)
            break;
    }
    const int read_failed = ferror(f);
    fclose(f);
    if (read_failed) {
        free(buf);
        errno = EIO;
        return -1;
    }
    /* the header, then one row per line */
    size_t rows = 0;
    for (size_t i = 0; i < size; i++)
        rows += buf[i] == '\n';
    sort_row *row = malloc((rows + 1) * sizeof *row);
    if (!row) {
        free(buf);
        errno = ENOMEM;
        return -1;
    }
    const char *end = buf + size, *p = memchr(buf, '\n', size);
    const size_t header = p ? (size_t)(p - buf) + 1 : size;
    size_t n = 0;
    for (p = buf + header; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        row[n] = (sort_row){{strtod(p, NULL), n}, p, len};
        n++;
        p += len;
    }
    qsort(row, n, sizeof *row, by_onset);
    f = fopen(path, "wb");
    int rc = f && fwrite(buf, 1, header, f) == header ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = fwrite(row[i].text, 1, row[i].len, f) == row[i].len ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(row);
    free(buf);
    return rc;
}

int score_outputs_write(score_outputs *out, const score_run *run, char *err, size_t err_len)
{
    if (text_file_finish(&out->events) != 0 || sort_table(out->events.temp) != 0) {
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
    onset_key *order = malloc((run->mark_n + 1) * sizeof *order);
    int rc = a && text && order ? 0 : -1;
    /* in order of onset, as the table */
    for (size_t i = 0; rc == 0 && i < run->mark_n; i++)
        order[i] = (onset_key){run->marks[i].onset_s, i};
    if (rc == 0)
        qsort(order, run->mark_n, sizeof *order, by_onset);
    for (size_t i = 0; rc == 0 && i < run->mark_n; i++) {
        const score_mark *m = &run->marks[order[i].order];
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
    free(order);
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
