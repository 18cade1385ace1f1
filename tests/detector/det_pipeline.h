/* fasc-synth -> default filter bank -> detector, for the accuracy test and
 * benchmark: detections and true fasciculation peaks of one recording. */
#ifndef FASC_TEST_DET_PIPELINE_H
#define FASC_TEST_DET_PIPELINE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/detector.h"
#include "fasc/filterbank.h"
#include "fasc/synth.h"
#include "fasc/eval.h"

typedef struct pipe_config {
    int channels;
    double seconds;
    double snr_db;
    double snr2_db; /* SNR from half-way on (same seed), or NAN */
    uint64_t seed;
    double mains_hz;
} pipe_config;

typedef struct pipe_point {
    fasc_index peak;
    int channel;
    int unit;   /* truth only: 1-based unit */
    double p2p; /* noise-free (truth) or measured peak-to-peak, µV */
    double score; /* detections only: the detector's score */
} pipe_point;

typedef struct pipe_points {
    pipe_point *p;
    size_t n, cap;
} pipe_points;

typedef struct pipe_result {
    pipe_points det, truth;
    double noise_uv; /* background noise RMS of the first half, µV */
} pipe_result;

static inline int pipe_push(pipe_points *pts, fasc_index peak, int channel)
{
    if (pts->n == pts->cap) {
        size_t cap = pts->cap ? 2 * pts->cap : 256;
        pipe_point *p = realloc(pts->p, sizeof *p * cap);
        if (!p)
            return -1;
        pts->p = p;
        pts->cap = cap;
    }
    pts->p[pts->n++] = (pipe_point){peak, channel, 0, 0.0, 0.0};
    return 0;
}

typedef struct pipe_truth_ctx {
    pipe_points *truth;
    fasc_index from, to; /* keep peaks in [from, to) */
    int failed;
} pipe_truth_ctx;

static inline void pipe_on_truth(void *user, const fasc_synth_event *ev)
{
    pipe_truth_ctx *ctx = user;
    if (ev->cls == FASC_CLASS_FASCICULATION && ev->peak_index >= ctx->from &&
        ev->peak_index < ctx->to) {
        ctx->failed |= pipe_push(ctx->truth, ev->peak_index, ev->channel);
        if (!ctx->failed) {
            ctx->truth->p[ctx->truth->n - 1].unit = ev->unit;
            ctx->truth->p[ctx->truth->n - 1].p2p = ev->peak_to_peak_uv;
        }
    }
}

static inline int pipe_truth_order(const void *a, const void *b)
{
    const pipe_point *p = a, *q = b;
    return (p->peak > q->peak) - (p->peak < q->peak);
}

static inline void pipe_free(pipe_result *r)
{
    free(r->det.p);
    free(r->truth.p);
    memset(r, 0, sizeof *r);
}

/* Optional change to the detector's defaults, for sweeps (NULL: defaults). */
static void (*pipe_tweak)(fasc_detector_config *cfg);

/* 0 on success. */
static inline int pipe_run(const pipe_config *pc, pipe_result *res)
{
    enum { BLOCK = 2048, MAXC = 64 };
    memset(res, 0, sizeof *res);
    fasc_synth_config sc;
    fasc_synth_config_default(&sc);
    sc.channels = pc->channels;
    sc.seed = pc->seed;
    sc.snr_db = pc->snr_db;
    sc.mains_hz = pc->mains_hz;
    fasc_synth *syn[2] = {NULL, NULL};
    int status = fasc_synth_create(&sc, &syn[0]);
    const bool splice = !isnan(pc->snr2_db);
    sc.snr_db = pc->snr2_db;
    if (status == FASC_OK && splice)
        status = fasc_synth_create(&sc, &syn[1]);
    fasc_filterbank_config fc;
    fasc_filterbank_config_default(&fc);
    fc.sample_rate = sc.sample_rate;
    fc.channels = pc->channels;
    fasc_filterbank *fb = NULL;
    if (status == FASC_OK)
        status = fasc_filterbank_create(&fc, &fb);
    fasc_detector_config dc;
    fasc_detector_config_default(&dc);
    dc.channels = pc->channels;
    if (pipe_tweak)
        pipe_tweak(&dc);
    fasc_detector *det = NULL;
    if (status == FASC_OK) {
        dc.sample_rate = fasc_filterbank_output_rate(fb);
        size_t ns = 0;
        status = fasc_filterbank_prefilter(fb, dc.prefilter, FASC_DETECTOR_MAX_PREFILTER, &ns);
        dc.prefilter_sections = (int)ns;
        if (status == FASC_OK)
            status = fasc_detector_create(&dc, &det);
    }
    const int streams = fb ? fasc_filterbank_streams(fb) : 0;
    res->noise_uv = syn[0] ? fasc_synth_noise_rms_uv(syn[0]) : 0.0;
    const size_t total = (size_t)(pc->seconds * sc.sample_rate);
    const fasc_index half = splice ? (fasc_index)(total / 2) : (fasc_index)total;
    float *buf = malloc(sizeof(float) * BLOCK * (size_t)pc->channels * (size_t)(2 + streams));
    float *in[2][MAXC], *out[MAXC * 17];
    if (!buf || pc->channels > MAXC)
        status = FASC_ERR_NO_MEMORY;
    for (int c = 0; buf && c < pc->channels; c++) {
        in[0][c] = buf + (size_t)c * BLOCK;
        in[1][c] = buf + (size_t)(pc->channels + c) * BLOCK;
    }
    for (int i = 0; buf && i < streams * pc->channels; i++)
        out[i] = buf + (size_t)(2 * pc->channels + i) * BLOCK;
    pipe_truth_ctx tctx[2] = {{&res->truth, 0, half, 0},
                              {&res->truth, half, (fasc_index)total, 0}};
    fasc_detection ev;
    fasc_mains mains_seen = fb ? fasc_filterbank_mains(fb) : FASC_MAINS_OFF;
    for (size_t pos = 0; status == FASC_OK && pos < total; pos += BLOCK) {
        size_t n = total - pos < BLOCK ? total - pos : BLOCK, produced = 0;
        for (int k = 0; k < (splice ? 2 : 1); k++)
            status |= fasc_synth_generate(syn[k], in[k], n, pipe_on_truth, &tctx[k]);
        for (size_t j = 0; splice && j < n; j++)
            if ((fasc_index)(pos + j) >= half)
                for (int c = 0; c < pc->channels; c++)
                    in[0][c][j] = in[1][c][j];
        if (status == FASC_OK)
            status = fasc_filterbank_process(fb, (const float *const *)in[0], n, out,
                                             BLOCK, &produced);
        /* The automatic mains notch switches on at a known index: time
         * peaks through it from there on. */
        if (status == FASC_OK && fasc_filterbank_mains(fb) != mains_seen) {
            mains_seen = fasc_filterbank_mains(fb);
            fasc_biquad sos[FASC_DETECTOR_MAX_PREFILTER];
            size_t ns = 0;
            status = fasc_filterbank_prefilter(fb, sos, FASC_DETECTOR_MAX_PREFILTER, &ns);
            if (status == FASC_OK)
                status = fasc_detector_set_prefilter(det, sos, (int)ns,
                                                     fasc_filterbank_mains_decision_index(fb));
        }
        if (status == FASC_OK)
            status = fasc_detector_process(det, (const float *const *)out, produced);
        if (status == FASC_OK && pos + n >= total)
            status = fasc_detector_flush(det);
        while (status == FASC_OK && fasc_detector_next(det, &ev, NULL, 0) == 1) {
            status = pipe_push(&res->det, ev.peak, ev.main_channel);
            if (status == 0) {
                res->det.p[res->det.n - 1].p2p = ev.peak_to_peak_uv;
                res->det.p[res->det.n - 1].score = ev.score;
            }
        }
    }
    if (tctx[0].failed || tctx[1].failed)
        status = FASC_ERR_NO_MEMORY;
    qsort(res->truth.p, res->truth.n, sizeof *res->truth.p, pipe_truth_order);
    free(buf);
    fasc_detector_destroy(&det);
    fasc_filterbank_destroy(&fb);
    fasc_synth_destroy(&syn[0]);
    fasc_synth_destroy(&syn[1]);
    if (status != FASC_OK)
        pipe_free(res);
    return status;
}

typedef struct pipe_score {
    double sensitivity, precision, per_minute;
} pipe_score;

/* Points as event rows for fasc_eval_match (labels ch1..chN). */
static inline fasc_event_row *pipe_rows(const pipe_points *pts, double rate, char (*labels)[8])
{
    fasc_event_row *rows = calloc(pts->n + 1, sizeof *rows);
    for (size_t i = 0; rows && i < pts->n; i++) {
        rows[i].peak_s = rows[i].onset_s = (double)pts->p[i].peak / rate;
        rows[i].channel = labels[pts->p[i].channel];
        rows[i].cls = FASC_CLASS_FASCICULATION;
    }
    return rows;
}

/* The project's accuracy rule, as fasc-eval applies it: peaks within 5 ms
 * on the same or a neighbouring channel, one to one. */
static inline pipe_score pipe_evaluate(const pipe_result *r, double seconds,
                                       double rate)
{
    static char labels[FASC_MAX_CHANNELS][8];
    for (int c = 0; c < FASC_MAX_CHANNELS; c++)
        snprintf(labels[c], sizeof labels[c], "ch%d", c + 1);
    fasc_event_row *det = pipe_rows(&r->det, rate, labels);
    fasc_event_row *truth = pipe_rows(&r->truth, rate, labels);
    long *match = calloc(r->truth.n + 1, sizeof *match);
    fasc_eval_config cfg;
    fasc_eval_config_default(&cfg);
    cfg.tolerance_s = 0.005;
    long tp = det && truth && match
                  ? fasc_eval_match(truth, r->truth.n, det, r->det.n, &cfg, match)
                  : -1;
    free(det);
    free(truth);
    free(match);
    pipe_score s;
    s.sensitivity = r->truth.n ? (double)tp / (double)r->truth.n : 1.0;
    s.precision = r->det.n ? (double)tp / (double)r->det.n : 1.0;
    s.per_minute = (double)r->det.n / (seconds / 60.0);
    return s;
}

#endif
