#include "score_file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel_select.h"
#include "score_outputs.h"
#include "score_run.h"

/* Frames per read: bounded memory whatever the recording's length. */
#define BLOCK 8192
/* Mains power is measured on the first minute. */
#define SPECTRUM_SECONDS 60.0

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail(score_result *res, const char *path, const char *fmt, ...)
{
    int n = snprintf(res->error, sizeof res->error, "%s: ", path);
    if (n < 0 || (size_t)n >= sizeof res->error)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->error + n, sizeof res->error - (size_t)n, fmt, ap);
    va_end(ap);
}

static void run_free(score_run *r)
{
    fasc_reader_close(&r->reader);
    fasc_destroy(&r->det);
    fasc_summary_destroy(&r->summary);
    fasc_spectrum_destroy(&r->spectrum);
    for (size_t i = 0; i < r->snip_n; i++)
        free(r->snips[i].data);
    free(r->snips);
    free(r->marks);
    free(r->pick);
    free(r->labels);
    free(r->noise_sum);
    free(r->noise_blocks);
    free(r->snippet);
}

static int open_reader(score_run *r, score_result *res)
{
    fasc_reader_options ro;
    fasc_reader_options_default(&ro);
    ro.uv_per_unit = r->opt->uv_per_unit;
    if (fasc_reader_open(r->path, &ro, &r->reader, res->error, sizeof res->error) != FASC_OK)
        return -1;
    r->rate = fasc_reader_sample_rate(r->reader);
    r->file_channels = fasc_reader_channels(r->reader);
    snprintf(res->format, sizeof res->format, "%s", fasc_reader_format(r->reader));
    if (fasc_reader_frames(r->reader) <= 0) {
        fail(res, r->path, "no samples");
        return -1;
    }
    return 0;
}

static int choose_channels(score_run *r, score_result *res)
{
    const int n = r->file_channels;
    const char **all = malloc(sizeof *all * (size_t)n);
    r->pick = malloc(sizeof *r->pick * (size_t)n);
    r->labels = malloc(sizeof *r->labels * (size_t)n);
    if (!all || !r->pick || !r->labels) {
        free(all);
        fail(res, r->path, "out of memory");
        return -1;
    }
    for (int c = 0; c < n; c++)
        all[c] = fasc_reader_label(r->reader, c);
    char why[256];
    const int rc = channel_select(r->opt->channels, all, n, r->pick, &r->channels, why, sizeof why);
    if (rc != 0)
        fail(res, r->path, "%s", why);
    for (int c = 0; rc == 0 && c < r->channels; c++)
        r->labels[c] = all[r->pick[c]];
    free(all);
    return rc;
}

static int create_stages(score_run *r, score_result *res)
{
    fasc_config cfg = r->opt->cfg;
    cfg.sample_rate = r->rate;
    cfg.channels = r->channels;
    if (cfg.geometry == FASC_GEOMETRY_GRID && cfg.grid_rows * cfg.grid_cols != r->channels) {
        fail(res, r->path, "--grid %dx%d does not fit %d channels", cfg.grid_rows, cfg.grid_cols,
             r->channels);
        return -1;
    }
    int rc = fasc_create(&cfg, &r->det);
    if (rc != FASC_OK) {
        /* a refused configuration: which field, from the same checks */
        const char *why = fasc_strerror(rc);
        const char *field = NULL;
        if (rc == FASC_ERR_INVALID_ARGUMENT && fasc_config_check(&cfg, &field) != FASC_OK)
            why = field;
        char text[320];
        score_options_explain(why, text, sizeof text);
        fail(res, r->path, "cannot set up the detector at %g Hz, %d channels: %s", r->rate,
             r->channels, text);
        return -1;
    }
    fasc_summary_config sc;
    fasc_summary_config_default(&sc);
    sc.sample_rate = r->rate;
    sc.channels = r->channels;
    sc.unit_min_discharges = cfg.classifier.unit_min_discharges;
    fasc_spectrum_config pc;
    fasc_spectrum_config_default(&pc);
    pc.sample_rate = r->rate;
    pc.channels = (size_t)r->channels;
    r->spectrum_left = (int64_t)(SPECTRUM_SECONDS * r->rate);
    r->snippet_length = fasc_snippet_length(r->det);
    r->snippet = malloc(sizeof(float) * (r->snippet_length + 1));
    r->noise_sum = calloc((size_t)r->channels, sizeof *r->noise_sum);
    r->noise_blocks = calloc((size_t)r->channels, sizeof *r->noise_blocks);
    if (fasc_summary_create(&sc, &r->summary) != FASC_OK || !r->snippet || !r->noise_sum ||
        !r->noise_blocks) {
        fail(res, r->path, "out of memory");
        return -1;
    }
    /* No spectrum (an odd rate, say) only costs the mains power figure. */
    if (fasc_spectrum_create(&pc, &r->spectrum) != FASC_OK)
        r->spectrum = NULL;
    return 0;
}

/* Room for one more item in *items (count n, capacity *cap): doubles it. */
static int make_room(void **items, size_t n, size_t *cap, size_t item_size, size_t first)
{
    if (n < *cap)
        return 0;
    const size_t grown = *cap ? 2 * *cap : first;
    void *p = realloc(*items, grown * item_size);
    if (!p)
        return -1;
    *items = p;
    *cap = grown;
    return 0;
}

static int keep_mark(score_run *r, const fasc_event *ev)
{
    if (make_room((void **)&r->marks, r->mark_n, &r->mark_cap, sizeof *r->marks, 1024) != 0)
        return -1;
    r->marks[r->mark_n++] = (score_mark){(double)ev->onset / r->rate,
                                         (double)(ev->offset - ev->onset + 1) / r->rate,
                                         ev->channel, ev->cls, ev->unit};
    return 0;
}

static score_snippets *snippets_of(score_run *r, int unit)
{
    for (size_t i = 0; i < r->snip_n; i++)
        if (r->snips[i].unit == unit)
            return &r->snips[i];
    if (make_room((void **)&r->snips, r->snip_n, &r->snip_cap, sizeof *r->snips, 16) != 0)
        return NULL;
    score_snippets *s = &r->snips[r->snip_n];
    s->data = malloc(sizeof(float) * SCORE_SNIPPETS_PER_UNIT * (r->snippet_length + 1));
    if (!s->data)
        return NULL;
    s->unit = unit;
    s->count = 0;
    r->snip_n++;
    return s;
}

static int keep_snippet(score_run *r, const fasc_event *ev)
{
    if (ev->cls != FASC_CLASS_FASCICULATION || ev->epoch || r->snippet_length == 0)
        return 0;
    score_snippets *s = snippets_of(r, ev->unit);
    if (!s)
        return -1;
    if (s->count < SCORE_SNIPPETS_PER_UNIT)
        memcpy(s->data + (size_t)s->count++ * r->snippet_length, r->snippet,
               r->snippet_length * sizeof(float));
    return 0;
}

static int write_event(score_run *r, FILE *tsv, const fasc_event *ev)
{
    const fasc_event_row row = {
        (double)ev->onset / r->rate, (double)(ev->offset - ev->onset + 1) / r->rate,
        (double)ev->peak / r->rate,
        ev->channel >= 0 && ev->channel < r->channels ? r->labels[ev->channel] : NULL, ev->cls,
        ev->cls == FASC_CLASS_FASCICULATION ? ev->unit : 0,
        ev->epoch ? 0.0 : ev->peak_to_peak_uv};
    const fasc_event_extra extra = {ev->epoch ? 0 : ev->features.phases, ev->confidence};
    return fasc_events_tsv_write_row_scored(tsv, &row, &extra) == FASC_OK ? 0 : -1;
}

/* Hands every finished event to the outputs. 0, or -1 with res->error. */
static int drain(score_run *r, FILE *tsv, score_result *res)
{
    fasc_event ev;
    int got;
    while ((got = fasc_next(r->det, &ev, r->snippet, r->snippet_length)) == 1) {
        if (write_event(r, tsv, &ev) != 0) {
            fail(res, r->path, "cannot write the event table: %s", strerror(errno));
            return -1;
        }
        const int rc = fasc_summary_add(r->summary, &ev);
        if (rc != FASC_OK || keep_mark(r, &ev) != 0 || keep_snippet(r, &ev) != 0) {
            fail(res, r->path, "event at %.3f s: %s", (double)ev.peak / r->rate,
                 fasc_strerror(rc != FASC_OK ? rc : FASC_ERR_NO_MEMORY));
            return -1;
        }
    }
    if (got < 0) {
        fail(res, r->path, "detector: %s", fasc_strerror(got));
        return -1;
    }
    return 0;
}

static void track_noise(score_run *r)
{
    const fasc_detector *d = fasc_get_detector(r->det);
    for (int c = 0; c < r->channels; c++) {
        const double sd = fasc_detector_noise_sd(d, c);
        if (sd > 0.0) {
            r->noise_sum[c] += sd;
            r->noise_blocks[c]++;
        }
    }
}

static void feed_spectrum(score_run *r, const float *const *x, size_t n)
{
    if (!r->spectrum || r->spectrum_left <= 0)
        return;
    const size_t take = (int64_t)n < r->spectrum_left ? n : (size_t)r->spectrum_left;
    fasc_spectrum_process(r->spectrum, x, take);
    r->spectrum_left -= (int64_t)take;
}

/* Drops the finished events of a learning pass. */
static int drop_events(score_run *r, score_result *res)
{
    fasc_event ev;
    int got;
    while ((got = fasc_next(r->det, &ev, NULL, 0)) == 1)
        ;
    if (got < 0)
        fail(res, r->path, "detector: %s", fasc_strerror(got));
    return got < 0 ? -1 : 0;
}

/* Streams the recording through the detector in BLOCK-frame reads: the
 * scored pass (tsv not NULL) or a learning pass over its first `limit`
 * frames (events dropped). Progress runs over [done, done + share). */
static int stream(score_run *r, FILE *tsv, int64_t limit, const score_hooks *hooks, double done,
                  double share, score_result *res)
{
    float *buf = malloc(sizeof(float) * BLOCK * (size_t)r->file_channels);
    float **all = malloc(sizeof *all * (size_t)r->file_channels);
    const float **scored = malloc(sizeof *scored * (size_t)r->channels);
    int rc = buf && all && scored ? 0 : -1;
    if (rc)
        fail(res, r->path, "out of memory");
    for (int c = 0; rc == 0 && c < r->file_channels; c++)
        all[c] = buf + (size_t)c * BLOCK;
    for (int c = 0; rc == 0 && c < r->channels; c++)
        scored[c] = all[r->pick[c]];
    const int64_t length = fasc_reader_frames(r->reader);
    const double total = (double)(limit < length ? limit : length);
    int64_t frames = 0;
    size_t got = 0;
    while (rc == 0 && frames < limit) {
        const size_t want = limit - frames < BLOCK ? (size_t)(limit - frames) : BLOCK;
        const int st = fasc_reader_read(r->reader, all, want, &got);
        if (st != FASC_OK) {
            snprintf(res->error, sizeof res->error, "%s", fasc_reader_error(r->reader));
            rc = -1;
            break;
        }
        if (got == 0)
            break;
        if (tsv)
            feed_spectrum(r, scored, got);
        const int pst = fasc_process(r->det, scored, got);
        if (pst != FASC_OK) {
            fail(res, r->path, "detector: %s", fasc_strerror(pst));
            rc = -1;
            break;
        }
        frames += (int64_t)got;
        if (tsv)
            track_noise(r);
        rc = tsv ? drain(r, tsv, res) : drop_events(r, res);
        if (hooks && hooks->progress)
            hooks->progress(hooks->user, done + share * (total > 0 ? (double)frames / total : 1.0));
    }
    if (tsv)
        r->frames = frames;
    if (rc == 0 && tsv && fasc_flush(r->det) == FASC_OK)
        rc = drain(r, tsv, res);
    free(buf);
    free(all);
    free(scored);
    return rc;
}

/* Frames of the learning pass (0: one pass only). */
static int64_t learning_frames(const score_run *r)
{
    if (r->opt->passes != 2)
        return 0;
    const int64_t length = fasc_reader_frames(r->reader);
    const double wanted = r->opt->learn_minutes * 60.0 * r->rate;
    return r->opt->learn_minutes <= 0.0 || wanted >= (double)length ? length : (int64_t)wanted;
}

/* The first of two passes: the recording's first `frames` teach the chain
 * (noise levels, unit and heartbeat templates), then the file is read
 * again from its start (fasc_restart) and scored. Progress: [0, share). */
static int learn(score_run *r, int64_t frames, const score_hooks *hooks, double share,
                 score_result *res)
{
    if (stream(r, NULL, frames, hooks, 0.0, share, res) != 0)
        return -1;
    const int rc = fasc_restart(r->det);
    if (rc != FASC_OK) {
        fail(res, r->path, "detector: %s", fasc_strerror(rc));
        return -1;
    }
    const double rate = r->rate;
    const int channels = r->file_channels;
    fasc_reader_close(&r->reader);
    if (open_reader(r, res) != 0)
        return -1;
    if (r->rate != rate || r->file_channels != channels) {
        fail(res, r->path, "changed while being read (%g Hz, %d channels, then %g Hz, %d)", rate,
             channels, r->rate, r->file_channels);
        return -1;
    }
    /* the labels belong to the reader */
    for (int c = 0; c < r->channels; c++)
        r->labels[c] = fasc_reader_label(r->reader, r->pick[c]);
    return 0;
}

/* Refuses a recording that is mostly NaN/Inf: its figures would mean nothing. */
static int check_finite(score_run *r, score_result *res)
{
    for (int c = 0; c < r->channels; c++)
        r->nonfinite += fasc_reader_nonfinite(r->reader, r->pick[c]);
    const double share = (double)r->nonfinite / ((double)r->frames * r->channels);
    if (share > 0.5) {
        fail(res, r->path, "%.0f %% of the samples are NaN or Inf", 100.0 * share);
        return -1;
    }
    return 0;
}

static void finish_summary(score_run *r)
{
    for (int c = 0; c < r->channels; c++)
        fasc_summary_set_noise(r->summary, c,
                               r->noise_blocks[c] ? r->noise_sum[c] / (double)r->noise_blocks[c]
                                                  : 0.0);
    const fasc_classifier *cls = fasc_get_classifier(r->det);
    const int units = fasc_classifier_unit_count(cls);
    for (int id = 1; id <= units; id++) {
        fasc_unit_info info;
        if (fasc_classifier_unit(cls, id, &info) != FASC_OK)
            continue;
        if (info.merged_into > 0)
            fasc_summary_merge_unit(r->summary, id, info.merged_into);
        else if (!info.counted) /* locked to the heartbeat, or too few discharges for its size */
            fasc_summary_drop_unit(r->summary, id);
    }
    r->heartbeats = fasc_classifier_heartbeats(cls, &r->heart_rate_bpm);
    fasc_summary_set_losses(r->summary, r->nonfinite, fasc_dropped(r->det));
    fasc_summary_finish(r->summary, r->frames);
    r->mains_measured = r->spectrum &&
        fasc_spectrum_mains_detect(r->spectrum, FASC_SPECTRUM_ALL_CHANNELS, &r->mains) == FASC_OK;
}

static void fill_result(const score_run *r, score_result *res)
{
    fasc_summary_figures f;
    fasc_summary_figures_of(r->summary, -1, &f);
    res->ok = 1;
    res->channels = r->channels;
    res->duration_min = fasc_summary_duration_s(r->summary) / 60.0;
    res->scorable_min = f.scorable_min;
    res->rate_per_min = f.rate_per_min;
    res->fasciculations = f.fasciculations;
    res->doublets = f.doublets;
    res->units = f.units;
    res->noise_rms_uv = f.noise_rms_uv;
    res->mains_hz = (double)fasc_filterbank_mains(fasc_get_filterbank(r->det));
    if (res->mains_hz == (double)FASC_MAINS_AUTO)
        res->mains_hz = 0.0;
    res->heart_rate_bpm = r->heart_rate_bpm;
    snprintf(res->grade, sizeof res->grade, "%s", f.quality.grade);
}

void score_file(const char *path, const score_options *o, const score_hooks *hooks,
                score_result *res)
{
    memset(res, 0, sizeof *res);
    score_run r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.opt = o;
    score_outputs out;
    int rc = open_reader(&r, res);
    if (rc == 0 && hooks && hooks->note)
        for (size_t i = 0; i < fasc_reader_note_count(r.reader); i++)
            hooks->note(hooks->user, path, fasc_reader_note(r.reader, i));
    if (rc == 0)
        rc = choose_channels(&r, res);
    if (rc == 0)
        rc = create_stages(&r, res);
    if (rc == 0)
        rc = score_outputs_open(&out, path, o, res->error, sizeof res->error);
    if (rc == 0) {
        const int64_t learning = learning_frames(&r), length = fasc_reader_frames(r.reader);
        const double share = (double)learning / (double)(learning + length);
        rc = learning > 0 ? learn(&r, learning, hooks, share, res) : 0;
        if (rc == 0)
            rc = stream(&r, out.events.f, INT64_MAX, hooks, share, 1.0 - share, res);
        if (rc == 0)
            rc = check_finite(&r, res);
        if (rc == 0) {
            finish_summary(&r);
            rc = score_outputs_write(&out, &r, res->error, sizeof res->error);
        }
        if (rc == 0)
            rc = score_outputs_commit(&out, &r, res->error, sizeof res->error);
        else
            score_outputs_abort(&out);
    }
    if (rc == 0)
        fill_result(&r, res);
    run_free(&r);
}
