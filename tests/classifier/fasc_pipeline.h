/* fasc-synth -> composed detector (fasc.h), for the classifier's accuracy
 * test and benchmark: true and detected event rows of one recording. */
#ifndef FASC_TEST_FASC_PIPELINE_H
#define FASC_TEST_FASC_PIPELINE_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/eval.h"
#include "fasc/fasc.h"
#include "fasc/synth.h"

typedef struct fp_rows {
    fasc_event_row *r;
    size_t n, cap;
} fp_rows;

typedef struct fp_result {
    fp_rows truth, found;
    int true_units;   /* distinct units in the truth */
    int found_units;  /* distinct units (fasc_classifier_distinct_units) */
    double seconds;
    double voluntary_s; /* true voluntary time */
} fp_result;

/* "ch1".."ch256", so rows can point at labels that outlive them */
/* Optional change to the composed defaults, for sweeps (NULL: defaults). */
static void (*fp_tweak)(fasc_config *cfg);
/* 2: every recording is fed twice, with fasc_restart() between the passes
 * (the second pass is scored). */
static int fp_passes = 1;

static inline const char *fp_label(int channel)
{
    static char labels[FASC_MAX_CHANNELS][8];
    if (channel < 0 || channel >= FASC_MAX_CHANNELS)
        return NULL;
    if (!labels[channel][0])
        snprintf(labels[channel], sizeof labels[channel], "ch%d", channel + 1);
    return labels[channel];
}

static inline int fp_push(fp_rows *rows, const fasc_event_row *row)
{
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? 2 * rows->cap : 256;
        fasc_event_row *r = realloc(rows->r, sizeof *r * cap);
        if (!r)
            return -1;
        rows->r = r;
        rows->cap = cap;
    }
    rows->r[rows->n++] = *row;
    return 0;
}

typedef struct fp_truth_ctx {
    fp_result *res;
    bool unit_seen[65];
    int failed;
} fp_truth_ctx;

static inline void fp_on_truth(void *user, const fasc_synth_event *ev)
{
    fp_truth_ctx *ctx = user;
    fasc_event_row row = {ev->onset_s, ev->duration_s, ev->peak_s, fp_label(ev->channel),
                          ev->cls, ev->unit, ev->peak_to_peak_uv};
    if (ev->cls == FASC_CLASS_FASCICULATION && ev->unit > 0 && ev->unit <= 64 &&
        !ctx->unit_seen[ev->unit]) {
        ctx->unit_seen[ev->unit] = true;
        ctx->res->true_units++;
    }
    if (ev->cls == FASC_CLASS_VOLUNTARY)
        ctx->res->voluntary_s += ev->duration_s;
    if (fp_push(&ctx->res->truth, &row))
        ctx->failed = 1;
}

static inline int fp_drain(fasc *f, double fs, fp_rows *rows)
{
    fasc_event ev;
    while (fasc_next(f, &ev, NULL, 0) == 1) {
        fasc_event_row row = {(double)ev.onset / fs, (double)(ev.offset - ev.onset + 1) / fs,
                              (double)ev.peak / fs, fp_label(ev.channel), ev.cls, ev.unit,
                              ev.peak_to_peak_uv};
        if (fp_push(rows, &row))
            return -1;
    }
    return 0;
}

/* fasc-synth --all-artefacts: 8 channels, 50 Hz mains, ECG, voluntary
 * epochs, movement, pops and wander. */
static inline void fp_all_artefacts(fasc_synth_config *s, int seed, double snr_db, int units)
{
    fasc_synth_config_default(s);
    s->channels = 8;
    s->seed = (uint64_t)seed;
    s->snr_db = snr_db;
    s->units = units;
    s->mains_hz = 50.0;
    s->ecg = s->voluntary = s->movement = s->pops = s->wander = true;
}

/* Runs one recording; `scfg` is a complete synth configuration. */
static inline int fp_run(const fasc_synth_config *scfg, double seconds, fp_result *res)
{
    memset(res, 0, sizeof *res);
    fasc_synth *sy = NULL;
    fasc *f = NULL;
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.sample_rate = scfg->sample_rate;
    cfg.channels = scfg->channels;
    if (fp_tweak)
        fp_tweak(&cfg);
    enum { BLOCK = 2048 };
    float *buf = malloc(sizeof(float) * BLOCK * (size_t)scfg->channels);
    float *ptr[FASC_MAX_CHANNELS];
    fp_truth_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.res = res;
    int rc = buf && fasc_synth_create(scfg, &sy) == FASC_OK && fasc_create(&cfg, &f) == FASC_OK
                 ? 0 : -1;
    const size_t total = (size_t)(seconds * scfg->sample_rate);
    for (int c = 0; rc == 0 && c < scfg->channels; c++)
        ptr[c] = buf + (size_t)c * BLOCK;
    if (rc == 0 && fp_passes == 2) {
        /* the same recording from a second generator: the first pass's
         * events are read and dropped */
        fasc_synth *first = NULL;
        fp_rows discard = {0};
        rc = fasc_synth_create(scfg, &first) == FASC_OK ? 0 : -1;
        for (size_t done = 0; rc == 0 && done < total;) {
            size_t n = total - done < BLOCK ? total - done : BLOCK;
            if (fasc_synth_generate(first, ptr, n, NULL, NULL) != FASC_OK ||
                fasc_process(f, (const float *const *)ptr, n) != FASC_OK ||
                fp_drain(f, scfg->sample_rate, &discard))
                rc = -1;
            discard.n = 0;
            done += n;
        }
        free(discard.r);
        fasc_synth_destroy(&first);
        if (rc == 0 && fasc_restart(f) != FASC_OK)
            rc = -1;
    }
    for (size_t done = 0; rc == 0 && done < total;) {
        size_t n = total - done < BLOCK ? total - done : BLOCK;
        if (fasc_synth_generate(sy, ptr, n, fp_on_truth, &ctx) != FASC_OK ||
            fasc_process(f, (const float *const *)ptr, n) != FASC_OK ||
            fp_drain(f, scfg->sample_rate, &res->found))
            rc = -1;
        done += n;
    }
    if (rc == 0 && (fasc_flush(f) != FASC_OK || fp_drain(f, scfg->sample_rate, &res->found)))
        rc = -1;
    if (rc == 0)
        res->found_units = fasc_classifier_distinct_units(fasc_get_classifier(f));
    res->seconds = (double)total / scfg->sample_rate;
    rc = rc ? rc : -ctx.failed;
    fasc_destroy(&f);
    fasc_synth_destroy(&sy);
    free(buf);
    return rc;
}

static inline void fp_free(fp_result *res)
{
    free(res->truth.r);
    free(res->found.r);
    memset(res, 0, sizeof *res);
}

/* Rows of one class (epochs included or not). */
static inline size_t fp_select(const fp_rows *in, fasc_class cls, bool epochs, double epoch_min_s,
                               fasc_event_row *out)
{
    size_t n = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->r[i].cls == cls && (epochs || in->r[i].duration_s < epoch_min_s))
            out[n++] = in->r[i];
    return n;
}

static inline bool fp_inside(const fp_rows *rows, fasc_class cls, double t)
{
    for (size_t i = 0; i < rows->n; i++)
        if (rows->r[i].cls == cls && t >= rows->r[i].onset_s &&
            t <= rows->r[i].onset_s + rows->r[i].duration_s)
            return true;
    return false;
}

/* A wider matching tolerance that also takes a detection timed on another
 * phase of the potential (5-15 ms from the largest) as found: the share of
 * the misses that are timing, not detection. */
static const double fp_phase_tolerance_s = 0.020;

static inline bool fp_scorable(const fp_result *res, double t)
{
    return !fp_inside(&res->truth, FASC_CLASS_VOLUNTARY, t) &&
           !fp_inside(&res->truth, FASC_CLASS_MOVEMENT, t);
}

/* The figures the classifier issue asks for. */
typedef struct fp_score {
    size_t fp_true, fp_true_scorable, fp_found, fp_matched, fp_matched_scorable;
    /* scorable ones matched within fp_phase_tolerance_s instead */
    size_t fp_matched_scorable_phase;
    size_t ecg_true, ecg_matched;
    size_t fp_in_voluntary;
    double voluntary_min;
    /* true units with at least unit_min_discharges scorable discharges:
     * those a clustering that needs that many could count at all */
    int identifiable_units;
    /* agreement of the found units with the true ones over the matched
     * fasciculations (fp_unit_ari); NAN with fewer than 2 matched */
    double unit_ari;
} fp_score;

/* Adjusted Rand index (Hubert & Arabie, J Classif 2:193, 1985) of the found
 * units' partition of the matched fasciculations against the true units':
 * 1 when they are the same, about 0 for a chance one. A unit count can be
 * right with units merged and split elsewhere, or wrong by one fragment;
 * this scores every matched discharge's unit. t[i] matched d[m[i]]. */
static inline double fp_unit_ari(const fasc_event_row *t, size_t a, const fasc_event_row *d,
                                 const long *m)
{
    enum { U = FASC_CLASSIFIER_MAX_UNITS + 1 };
    long n[U][U] = {{0}}, row[U] = {0}, col[U] = {0}, total = 0;
    for (size_t i = 0; i < a; i++) {
        if (m[i] < 0)
            continue;
        const int tu = t[i].unit, fu = d[m[i]].unit;
        if (tu < 0 || tu >= U || fu < 0 || fu >= U)
            continue;
        n[tu][fu]++;
        row[tu]++;
        col[fu]++;
        total++;
    }
    if (total < 2)
        return NAN;
    double pairs = 0.0, rows = 0.0, cols = 0.0;
    for (int i = 0; i < U; i++) {
        rows += 0.5 * (double)row[i] * (double)(row[i] - 1);
        cols += 0.5 * (double)col[i] * (double)(col[i] - 1);
        for (int j = 0; j < U; j++)
            pairs += 0.5 * (double)n[i][j] * (double)(n[i][j] - 1);
    }
    const double expected = rows * cols / (0.5 * (double)total * (double)(total - 1));
    const double top = 0.5 * (rows + cols) - expected;
    return top > 0.0 ? (pairs - expected) / top : 1.0;
}

static inline void fp_score_add(fp_score *sum, const fp_score *sc)
{
    sum->fp_true += sc->fp_true;
    sum->fp_true_scorable += sc->fp_true_scorable;
    sum->fp_found += sc->fp_found;
    sum->fp_matched += sc->fp_matched;
    sum->fp_matched_scorable += sc->fp_matched_scorable;
    sum->fp_matched_scorable_phase += sc->fp_matched_scorable_phase;
    sum->ecg_true += sc->ecg_true;
    sum->ecg_matched += sc->ecg_matched;
    sum->fp_in_voluntary += sc->fp_in_voluntary;
    sum->voluntary_min += sc->voluntary_min;
}

static inline int fp_evaluate(const fp_result *res, double tolerance_s, fp_score *s)
{
    memset(s, 0, sizeof *s);
    fasc_eval_config ec;
    fasc_eval_config_default(&ec);
    ec.tolerance_s = tolerance_s;
    const size_t nt = res->truth.n, nf = res->found.n;
    fasc_event_row *t = malloc(sizeof *t * (nt ? nt : 1)), *d = malloc(sizeof *d * (nf ? nf : 1));
    long *m = malloc(sizeof *m * (nt ? nt : 1));
    int rc = t && d && m ? 0 : -1;
    if (rc == 0) {
        size_t a = fp_select(&res->truth, FASC_CLASS_FASCICULATION, false, ec.epoch_min_s, t);
        size_t b = fp_select(&res->found, FASC_CLASS_FASCICULATION, false, ec.epoch_min_s, d);
        long k = fasc_eval_match(t, a, d, b, &ec, m);
        rc = k < 0 ? -1 : 0;
        s->fp_true = a;
        s->fp_found = b;
        s->fp_matched = k > 0 ? (size_t)k : 0;
        s->unit_ari = rc == 0 ? fp_unit_ari(t, a, d, m) : NAN;
        int per_unit[65] = {0};
        fasc_classifier_config cc;
        fasc_classifier_config_default(&cc);
        for (size_t i = 0; i < a; i++) {
            /* voluntary and artefact epochs are excluded from the counts
             * by the classifier issue's definition (scorable rest only) */
            const bool scorable = fp_scorable(res, t[i].peak_s);
            s->fp_true_scorable += scorable;
            s->fp_matched_scorable += scorable && m[i] >= 0;
            if (scorable && t[i].unit > 0 && t[i].unit <= 64 &&
                ++per_unit[t[i].unit] == cc.unit_min_discharges)
                s->identifiable_units++;
        }
        for (size_t j = 0; j < b; j++)
            s->fp_in_voluntary += fp_inside(&res->truth, FASC_CLASS_VOLUNTARY, d[j].peak_s);
        s->voluntary_min = res->voluntary_s / 60.0;
        fasc_eval_config phase = ec;
        phase.tolerance_s = fp_phase_tolerance_s;
        if (rc == 0 && fasc_eval_match(t, a, d, b, &phase, m) < 0)
            rc = -1;
        for (size_t i = 0; rc == 0 && i < a; i++)
            s->fp_matched_scorable_phase += m[i] >= 0 && fp_scorable(res, t[i].peak_s);
    }
    if (rc == 0) {
        size_t a = fp_select(&res->truth, FASC_CLASS_ECG, true, ec.epoch_min_s, t);
        size_t b = 0;
        for (size_t j = 0; j < res->found.n; j++) /* the beats, not candidates */
            if (res->found.r[j].cls == FASC_CLASS_ECG && res->found.r[j].duration_s >= ec.epoch_min_s)
                d[b++] = res->found.r[j];
        long k = fasc_eval_match(t, a, d, b, &ec, m);
        rc = k < 0 ? -1 : 0;
        s->ecg_true = a;
        s->ecg_matched = k > 0 ? (size_t)k : 0;
    }
    free(t);
    free(d);
    free(m);
    return rc;
}

#endif
