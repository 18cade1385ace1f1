/* The composed detector: filter bank -> detector -> classifier, in one
 * block of memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/fasc.h"
#include "../common/config_util.h"
#include "../common/layout_check.h"

#define FASC_ALIGN 64
/* Input samples per internal step: small enough for the scratch buffers
 * to stay in cache, large enough to amortise the per-call work. */
#define FASC_STEP 256
/* Samples per hand-over between classifier and detector. */
#define FASC_PIECE 256

struct fasc {
    fasc_config cfg;
    void *allocation;
    fasc_filterbank *fb;
    fasc_detector *det;
    fasc_classifier *cls;
    int channels, decim;
    size_t work_cap;       /* working-rate samples per step */
    float **band;          /* channels pointers into band_data */
    const float **in;      /* channels pointers (planar view of a step) */
    const float **cls_band, **cls_raw; /* channels pointers into the rings */
    float *band_data, *deint; /* deint: channels x FASC_STEP */
    /* The classifier leads: it finds heartbeats on the filtered signal,
     * and the detector trails it by `horizon` samples, taking that signal
     * with the confirmed beats' templates removed (ECG cancellation). Each
     * candidate is handed to the classifier exactly when the classifier
     * reaches its offset + `lag` + `horizon` + 1 (the detector's latency
     * guarantees it exists by then), whatever the block sizes. */
    float *band_ring, *raw_ring; /* channels x ring_n */
    size_t ring_n;         /* power of two */
    float *clean;          /* channels x FASC_PIECE: the detector's input */
    float **clean_ptr;
    const float **det_in;  /* channels pointers into band_ring */
    float **ring_out;      /* channels pointers: the bank's output straight
                              into band_ring */
    fasc_index lag, horizon, t_fb, t_det, t_cls, t_raw;
    fasc_detection held;   /* the detector's next candidate, waiting */
    bool have_held;
    float *held_snips;     /* its snippets */
    float *cls_snip;       /* one main-channel row */
    size_t det_snip_cap, snip_len;
    bool mains_applied, flushed;
    fasc_index fed;        /* input samples consumed */
    fasc_index origin;     /* input index that events count from (fasc_restart) */
    uint64_t dropped_before; /* events dropped before it */
};

void fasc_config_default(fasc_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = 2048.0;
    cfg->channels = 1;
    cfg->geometry = FASC_GEOMETRY_LINE;
    cfg->mains = FASC_MAINS_AUTO;
    fasc_filterbank_config_default(&cfg->filterbank);
    cfg->filterbank.band_count = 0;
    cfg->remove_ecg = false;
    fasc_detector_config_default(&cfg->detector);
    /* with ECG, movement and reference pops on every lead, the common
     * median keeps them from hiding discharges (see fasc.h); within its own
     * noise band it is left in place, so that weak units spread over a few
     * leads keep their size */
    cfg->detector.common_median = true;
    cfg->detector.common_median_band = 2.0;
    fasc_classifier_config_default(&cfg->classifier);
}

/* The stage configurations with the shared fields filled in. */
static int stage_configs(const fasc_config *cfg, fasc_filterbank_config *fb,
                         fasc_detector_config *det, fasc_classifier_config *cls,
                         double *work_rate, const char **why)
{
    /* the fields copied into the stages are named here, as the caller set
     * them, rather than by the stage that would refuse them */
    FASC_REQUIRE(cfg, "config is NULL");
    FASC_REQUIRE(fasc_in_range(cfg->sample_rate, FASC_MIN_SAMPLE_RATE, FASC_MAX_SAMPLE_RATE),
                 "sample_rate: must be 500 to 48000 Hz");
    FASC_REQUIRE(cfg->channels >= 1 && cfg->channels <= FASC_MAX_CHANNELS,
                 "channels: must be 1 to 256");
    FASC_REQUIRE(fasc_layout_known(cfg->geometry), "geometry: unknown layout");
    FASC_REQUIRE(fasc_layout_fits(cfg->geometry, cfg->grid_rows, cfg->grid_cols, cfg->channels),
                 "grid_rows, grid_cols: rows x columns must equal the channel count");
    FASC_REQUIRE(cfg->mains == FASC_MAINS_OFF || cfg->mains == FASC_MAINS_AUTO ||
                     cfg->mains == FASC_MAINS_50HZ || cfg->mains == FASC_MAINS_60HZ,
                 "mains: must be off, auto, 50 or 60 Hz");
    *fb = cfg->filterbank;
    fb->sample_rate = cfg->sample_rate;
    fb->channels = cfg->channels;
    fb->mains = cfg->mains;
    const double wmax = fb->working_rate_max;
    FASC_REQUIRE(fasc_in_range(wmax, 2000.0, FASC_MAX_SAMPLE_RATE),
                 "filterbank.working_rate_max: must be 2000 to 48000 Hz");
    const int decim = cfg->sample_rate > wmax ? (int)ceil(cfg->sample_rate / wmax) : 1;
    *work_rate = cfg->sample_rate / decim;
    *det = cfg->detector;
    det->sample_rate = *work_rate;
    det->channels = cfg->channels;
    det->geometry = cfg->geometry;
    det->grid_rows = cfg->grid_rows;
    det->grid_cols = cfg->grid_cols;
    if (cfg->channels < 3)
        det->common_median = false; /* the median of one or two leads is themselves */
    *cls = cfg->classifier;
    cls->sample_rate = *work_rate;
    cls->channels = cfg->channels;
    cls->geometry = cfg->geometry;
    cls->grid_rows = cfg->grid_rows;
    cls->grid_cols = cfg->grid_cols;
    cls->snippet_pre_s = det->snippet_pre_s;
    cls->snippet_post_s = det->snippet_post_s;
    cls->ecg = cls->ecg || cfg->remove_ecg;
    cls->common_median_rows = det->common_median && !cfg->remove_ecg;
    return FASC_OK;
}

/* The detector's latency and the ECG-removal horizon (working samples),
 * and the classifier told how late candidates come: both, plus one. */
static int delays(const fasc_config *cfg, fasc_detector_config *det, fasc_classifier_config *cls,
                  double work, fasc_index *lag, fasc_index *horizon)
{
    *lag = fasc_detector_config_latency(det);
    *horizon = cfg->remove_ecg ? fasc_classifier_config_heartbeat_horizon(cls) : 0;
    if (*lag < 0 || *horizon < 0)
        return FASC_ERR_INVALID_ARGUMENT;
    cls->candidate_delay_s = (double)(*lag + *horizon + 2) / work;
    return FASC_OK;
}

static size_t round_up(size_t n)
{
    return (n + FASC_ALIGN - 1) / FASC_ALIGN * FASC_ALIGN;
}

typedef struct fasc_sizes {
    size_t fb, det, cls, work_cap, snip_len, det_snip_cap, ring_n, total;
    fasc_index lag, horizon;
} fasc_sizes;

static int sizes(const fasc_config *cfg, fasc_sizes *s, const char **why)
{
    fasc_filterbank_config fb;
    fasc_detector_config det;
    fasc_classifier_config cls;
    double work = 0.0;
    int status = stage_configs(cfg, &fb, &det, &cls, &work, why);
    if (status == FASC_OK)
        status = fasc_filterbank_config_check(&fb, why);
    if (status == FASC_OK)
        status = fasc_detector_config_check(&det, why);
    if (status != FASC_OK)
        return status;
    /* the classifier's candidate delay is set here, not by the caller */
    FASC_REQUIRE(delays(cfg, &det, &cls, work, &s->lag, &s->horizon) == FASC_OK &&
                     cls.candidate_delay_s <= 2.0,
                 "detector: its latency exceeds the classifier's 2 s candidate delay");
    status = fasc_classifier_config_check(&cls, why);
    if (status != FASC_OK)
        return status;
    s->fb = fasc_filterbank_memory_size(&fb);
    /* the prefilter only changes coefficients, never the size */
    s->det = fasc_detector_memory_size(&det);
    s->cls = fasc_classifier_memory_size(&cls);
    FASC_REQUIRE(s->fb && s->det && s->cls, "a stage refused its configuration");
    const size_t c = (size_t)cfg->channels;
    s->work_cap = FASC_STEP;
    s->ring_n = 1;
    /* from the detector to the newest sample: the horizon and one step,
     * and for the raw input of a decimating bank the bank's delay (under
     * a step) */
    while (s->ring_n < (size_t)s->horizon + 2 * s->work_cap + 2)
        s->ring_n *= 2;
    s->snip_len = (size_t)(lround(det.snippet_pre_s * work) + lround(det.snippet_post_s * work) + 1);
    s->det_snip_cap = FASC_DETECTOR_MAX_EVENT_CHANNELS * s->snip_len;
    s->total = round_up(sizeof(struct fasc)) + round_up(s->fb) + round_up(s->det) +
               round_up(s->cls) + round_up(7 * c * sizeof(float *)) +
               round_up(c * s->work_cap * sizeof(float)) +
               round_up(c * FASC_STEP * sizeof(float)) +
               round_up(2 * c * s->ring_n * sizeof(float)) +
               round_up(c * FASC_PIECE * sizeof(float)) +
               round_up((s->det_snip_cap + s->snip_len) * sizeof(float)) + FASC_ALIGN - 1;
    return FASC_OK;
}

int fasc_config_check(const fasc_config *cfg, const char **why)
{
    fasc_sizes s;
    const int status = sizes(cfg, &s, why);
    return status == FASC_OK ? fasc_config_accept(why) : status;
}

size_t fasc_memory_size(const fasc_config *cfg)
{
    fasc_sizes s;
    return sizes(cfg, &s, NULL) == FASC_OK ? s.total : 0;
}

/* Streaming state of the object itself (the stages reset their own). */
static void clear_time(fasc *f)
{
    f->mains_applied = fasc_filterbank_mains(f->fb) != FASC_MAINS_AUTO;
    f->flushed = false;
    f->fed = f->origin = 0;
    f->dropped_before = 0;
    f->t_fb = f->t_det = f->t_cls = f->t_raw = 0;
    f->have_held = false;
    memset(f->band_ring, 0, 2 * (size_t)f->channels * f->ring_n * sizeof(float));
}

static void *carve(unsigned char **at, size_t bytes)
{
    void *p = *at;
    *at += round_up(bytes);
    return p;
}

int fasc_init(void *memory, size_t size, const fasc_config *cfg, fasc **out)
{
    fasc_sizes s;
    if (!memory || !out || sizes(cfg, &s, NULL) != FASC_OK)
        return FASC_ERR_INVALID_ARGUMENT;
    if (size < s.total)
        return FASC_ERR_BUFFER_TOO_SMALL;
    fasc_filterbank_config fbc;
    fasc_detector_config detc;
    fasc_classifier_config clsc;
    double work = 0.0;
    stage_configs(cfg, &fbc, &detc, &clsc, &work, NULL);
    delays(cfg, &detc, &clsc, work, &s.lag, &s.horizon);
    unsigned char *at = (unsigned char *)memory;
    at += (FASC_ALIGN - (uintptr_t)at % FASC_ALIGN) % FASC_ALIGN;
    memset(at, 0, sizeof(struct fasc));
    fasc *f = carve(&at, sizeof(struct fasc));
    f->cfg = *cfg;
    f->channels = cfg->channels;
    void *fb_mem = carve(&at, s.fb), *det_mem = carve(&at, s.det), *cls_mem = carve(&at, s.cls);
    int status = fasc_filterbank_init(fb_mem, s.fb, &fbc, &f->fb);
    if (status != FASC_OK)
        return status;
    size_t n_sections = 0;
    fasc_filterbank_prefilter(f->fb, detc.prefilter, FASC_DETECTOR_MAX_PREFILTER, &n_sections);
    detc.prefilter_sections = (int)n_sections;
    status = fasc_detector_init(det_mem, s.det, &detc, &f->det);
    if (status != FASC_OK)
        return status;
    status = fasc_classifier_init(cls_mem, s.cls, &clsc, &f->cls);
    if (status != FASC_OK)
        return status;
    const size_t c = (size_t)cfg->channels;
    f->decim = fasc_filterbank_decimation(f->fb);
    f->work_cap = s.work_cap;
    f->snip_len = s.snip_len;
    f->det_snip_cap = s.det_snip_cap;
    float **ptrs = carve(&at, 7 * c * sizeof(float *));
    f->band = ptrs;
    f->in = (const float **)(void *)(ptrs + c);
    f->cls_band = (const float **)(void *)(ptrs + 2 * c);
    f->cls_raw = (const float **)(void *)(ptrs + 3 * c);
    f->clean_ptr = ptrs + 4 * c;
    f->det_in = (const float **)(void *)(ptrs + 5 * c);
    f->ring_out = ptrs + 6 * c;
    f->band_data = carve(&at, c * s.work_cap * sizeof(float));
    f->deint = carve(&at, c * FASC_STEP * sizeof(float));
    f->ring_n = s.ring_n;
    f->band_ring = carve(&at, 2 * c * s.ring_n * sizeof(float));
    f->raw_ring = f->band_ring + c * s.ring_n;
    f->clean = carve(&at, c * FASC_PIECE * sizeof(float));
    f->held_snips = carve(&at, (s.det_snip_cap + s.snip_len) * sizeof(float));
    f->cls_snip = f->held_snips + s.det_snip_cap;
    for (size_t k = 0; k < c; k++) {
        f->band[k] = f->band_data + k * s.work_cap;
        f->clean_ptr[k] = f->clean + k * FASC_PIECE;
    }
    f->lag = s.lag;
    f->horizon = s.horizon;
    clear_time(f);
    *out = f;
    return FASC_OK;
}

int fasc_create(const fasc_config *cfg, fasc **out)
{
    if (!out)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = NULL;
    const size_t size = fasc_memory_size(cfg);
    if (size == 0)
        return FASC_ERR_INVALID_ARGUMENT;
    void *memory = malloc(size);
    if (!memory)
        return FASC_ERR_NO_MEMORY;
    const int status = fasc_init(memory, size, cfg, out);
    if (status != FASC_OK) {
        free(memory);
        *out = NULL;
        return status;
    }
    (*out)->allocation = memory;
    return FASC_OK;
}

void fasc_destroy(fasc **f)
{
    if (!f || !*f)
        return;
    free((*f)->allocation);
    *f = NULL;
}

void fasc_reset(fasc *f)
{
    if (!f)
        return;
    fasc_filterbank_reset(f->fb);
    fasc_detector_reset(f->det);
    fasc_classifier_reset(f->cls);
    /* the detector's timing filter back to the identity notch slots */
    fasc_biquad sos[FASC_DETECTOR_MAX_PREFILTER];
    size_t n = 0;
    fasc_filterbank_prefilter(f->fb, sos, FASC_DETECTOR_MAX_PREFILTER, &n);
    fasc_detector_set_prefilter(f->det, sos, (int)n, 0);
    clear_time(f);
}

/* The detector up to working index `upto` (at most the classifier's
 * position minus the horizon), on the filtered signal with the confirmed
 * heartbeats removed. */
static void detect_to(fasc *f, fasc_index upto)
{
    const size_t mask = f->ring_n - 1;
    while (f->t_det < upto) {
        const size_t at = (size_t)f->t_det & mask;
        size_t len = (size_t)(upto - f->t_det);
        len = len < FASC_PIECE ? len : FASC_PIECE;
        len = len < f->ring_n - at ? len : f->ring_n - at;
        if (f->cfg.remove_ecg &&
            fasc_classifier_heartbeats_within(f->cls, f->t_det, len) > 0) {
            /* beats are taken out of a copy */
            for (int k = 0; k < f->channels; k++)
                memcpy(f->clean_ptr[k], f->band_ring + (size_t)k * f->ring_n + at,
                       len * sizeof(float));
            fasc_classifier_remove_heartbeats(f->cls, f->clean_ptr, f->t_det, len);
            fasc_detector_process(f->det, (const float *const *)f->clean_ptr, len);
        } else { /* no beat here: the detector reads the ring itself */
            if (f->cfg.remove_ecg) /* (the classifier still learns that its
                                    * candidates come from cleaned input) */
                fasc_classifier_remove_heartbeats(f->cls, NULL, f->t_det, 0);
            for (int k = 0; k < f->channels; k++)
                f->det_in[k] = f->band_ring + (size_t)k * f->ring_n + at;
            fasc_detector_process(f->det, f->det_in, len);
        }
        f->t_det += (fasc_index)len;
    }
}

/* Hands over the waiting candidates whose time has come (their offset +
 * lag + horizon + 1 is reached); returns the next hand-over time, or -1. */
static fasc_index hand_over(fasc *f)
{
    for (;;) {
        if (!f->have_held)
            f->have_held = fasc_detector_next(f->det, &f->held, f->held_snips,
                                              f->det_snip_cap) == 1;
        if (!f->have_held)
            return -1;
        const fasc_index due = f->held.offset + f->lag + f->horizon + 1;
        if (due > f->t_cls)
            return due;
        fasc_classifier_push(f->cls, &f->held, f->held_snips);
        f->have_held = false;
    }
}

/* Classifier to `target`, the detector trailing it, candidates handed over
 * on time. */
static void advance(fasc *f, fasc_index target)
{
    const size_t mask = f->ring_n - 1;
    if (target > f->t_raw)
        target = f->t_raw; /* the raw input of a decimating bank trails */
    while (f->t_cls < target) {
        const fasc_index due = hand_over(f);
        fasc_index stop = due >= 0 && due < target ? due : target;
        const size_t at = (size_t)f->t_cls & mask;
        size_t len = (size_t)(stop - f->t_cls);
        len = len < FASC_PIECE ? len : FASC_PIECE;
        len = len < f->ring_n - at ? len : f->ring_n - at;
        for (int k = 0; k < f->channels; k++) {
            f->cls_band[k] = f->band_ring + (size_t)k * f->ring_n + at;
            f->cls_raw[k] = f->raw_ring + (size_t)k * f->ring_n + at;
        }
        fasc_classifier_process(f->cls, f->cls_band, f->cls_raw, len);
        f->t_cls += (fasc_index)len;
        detect_to(f, f->t_cls - f->horizon);
    }
    hand_over(f);
}

/* One step of at most FASC_STEP input samples. */
static void step(fasc *f, const float *const *x, size_t n)
{
    size_t got = 0;
    const size_t mask = f->ring_n - 1;
    /* the bank writes into the ring itself where a whole step fits before
     * the ring wraps, else into band_data, copied after */
    const size_t at = (size_t)f->t_fb & mask;
    const bool direct = at + f->work_cap <= f->ring_n;
    for (int k = 0; direct && k < f->channels; k++)
        f->ring_out[k] = f->band_ring + (size_t)k * f->ring_n + at;
    fasc_filterbank_process(f->fb, x, n, direct ? f->ring_out : f->band, f->work_cap, &got);
    if (!f->mains_applied && fasc_filterbank_mains(f->fb) != FASC_MAINS_AUTO) {
        fasc_biquad sos[FASC_DETECTOR_MAX_PREFILTER];
        size_t ns = 0;
        fasc_filterbank_prefilter(f->fb, sos, FASC_DETECTOR_MAX_PREFILTER, &ns);
        fasc_detector_set_prefilter(f->det, sos, (int)ns,
                                    fasc_filterbank_mains_decision_index(f->fb));
        f->mains_applied = true;
    }
    /* the unfiltered input at the working rate, for saturation and
     * low-frequency checks: input sample k D for working index k */
    const size_t d = (size_t)f->decim;
    if (d == 1) {
        const size_t raw_at = (size_t)f->fed & mask;
        const size_t first = raw_at + n <= f->ring_n ? n : f->ring_n - raw_at;
        for (int k = 0; k < f->channels; k++) {
            float *ring = f->raw_ring + (size_t)k * f->ring_n;
            memcpy(ring + raw_at, x[k], first * sizeof(float));
            memcpy(ring, x[k] + first, (n - first) * sizeof(float));
        }
        f->t_raw = f->fed + (fasc_index)n;
    }
    for (size_t j = 0; d > 1 && j < n; j++) {
        const size_t i = (size_t)f->fed + j;
        if (i % d != 0)
            continue;
        const size_t slot = (i / d) & mask;
        for (int k = 0; k < f->channels; k++)
            f->raw_ring[(size_t)k * f->ring_n + slot] = x[k][j];
        f->t_raw = (fasc_index)(i / d) + 1;
    }
    f->fed += (fasc_index)n;
    if (got == 0)
        return;
    const size_t first = at + got <= f->ring_n ? got : f->ring_n - at;
    for (int k = 0; !direct && k < f->channels; k++) {
        float *ring = f->band_ring + (size_t)k * f->ring_n;
        memcpy(ring + at, f->band[k], first * sizeof(float));
        memcpy(ring, f->band[k] + first, (got - first) * sizeof(float));
    }
    f->t_fb += (fasc_index)got;
    advance(f, f->t_fb);
}

int fasc_process(fasc *f, const float *const *x, size_t n)
{
    if (!f || (n > 0 && !x))
        return FASC_ERR_INVALID_ARGUMENT;
    if (f->flushed)
        return FASC_ERR_STATE;
    for (int k = 0; k < f->channels && n > 0; k++)
        if (!x[k])
            return FASC_ERR_INVALID_ARGUMENT;
    for (size_t done = 0; done < n;) {
        const size_t len = n - done < FASC_STEP ? n - done : FASC_STEP;
        for (int k = 0; k < f->channels; k++)
            f->in[k] = x[k] + done;
        step(f, f->in, len);
        done += len;
    }
    return FASC_OK;
}

int fasc_process_interleaved(fasc *f, const float *x, size_t n)
{
    if (!f || (n > 0 && !x))
        return FASC_ERR_INVALID_ARGUMENT;
    if (f->flushed)
        return FASC_ERR_STATE;
    const size_t c = (size_t)f->channels;
    for (size_t done = 0; done < n;) {
        const size_t len = n - done < FASC_STEP ? n - done : FASC_STEP;
        for (size_t k = 0; k < c; k++) {
            float *dst = f->deint + k * FASC_STEP;
            for (size_t j = 0; j < len; j++)
                dst[j] = x[(done + j) * c + k];
            f->in[k] = dst;
        }
        step(f, f->in, len);
        done += len;
    }
    return FASC_OK;
}

int fasc_flush(fasc *f)
{
    if (!f)
        return FASC_ERR_INVALID_ARGUMENT;
    if (f->flushed)
        return FASC_OK;
    advance(f, f->t_fb);
    detect_to(f, f->t_cls); /* the last horizon, with the beats known now */
    fasc_detector_flush(f->det);
    /* every candidate left, in the detector's order */
    while (f->have_held || fasc_detector_next(f->det, &f->held, f->held_snips,
                                              f->det_snip_cap) == 1) {
        fasc_classifier_push(f->cls, &f->held, f->held_snips);
        f->have_held = false;
    }
    fasc_classifier_flush(f->cls);
    f->flushed = true;
    return FASC_OK;
}

static fasc_index to_input(const fasc *f, fasc_index k)
{
    const fasc_index i = fasc_filterbank_input_index(f->fb, k) - f->origin;
    return i < 0 ? 0 : i;
}

int fasc_restart(fasc *f)
{
    if (!f)
        return FASC_ERR_INVALID_ARGUMENT;
    if (f->flushed)
        return FASC_ERR_STATE;
    /* The stages run on without a break; the first working index whose
     * input index (k D - bank latency) is at or after the next input
     * sample is where the classifier counts from. */
    const fasc_index d = f->decim, from = f->fed + fasc_filterbank_latency(f->fb);
    const int rc = fasc_classifier_count_from(f->cls, (from + d - 1) / d);
    if (rc == FASC_OK) {
        /* the recording's end and its start meet here: the bank bridges
         * the jump, and the raw input (working index ceil(fed / D)) is
         * not a movement there */
        fasc_filterbank_join(f->fb);
        fasc_classifier_join(f->cls, (f->fed + d - 1) / d);
        f->origin = f->fed;
        /* a first pass whose events were not read filled the queues */
        f->dropped_before = fasc_detector_dropped(f->det) + fasc_classifier_dropped(f->cls);
    }
    return rc;
}

int fasc_next(fasc *f, fasc_event *ev, float *snippet, size_t capacity)
{
    if (!f || !ev || (!snippet && capacity > 0))
        return FASC_ERR_INVALID_ARGUMENT;
    /* a short buffer fails only for an event that has a snippet to write
     * (the classifier checks, and keeps the event) */
    fasc_classified c;
    const size_t cap = capacity == 0 ? 0 : capacity < f->snip_len ? capacity : f->snip_len;
    const int got = fasc_classifier_next(f->cls, &c, cap ? f->cls_snip : NULL, cap);
    if (got != 1)
        return got;
    memset(ev, 0, sizeof *ev);
    ev->onset = to_input(f, c.onset);
    ev->peak = to_input(f, c.peak);
    ev->offset = to_input(f, c.offset);
    ev->channel = c.channel;
    ev->cls = c.cls;
    ev->epoch = c.epoch;
    ev->unit = c.unit;
    ev->repeat = c.repeat;
    ev->peak_to_peak_uv = c.peak_to_peak_uv;
    ev->confidence = c.confidence;
    ev->noise_sd_uv = c.noise_sd_uv;
    ev->flags = c.flags;
    ev->channel_count = c.channel_count;
    memcpy(ev->channels, c.channels, sizeof ev->channels);
    ev->features = c.features;
    if (capacity > 0 && !c.epoch)
        memcpy(snippet, f->cls_snip, sizeof(float) * f->snip_len);
    return 1;
}

size_t fasc_snippet_length(const fasc *f)
{
    return f ? f->snip_len : 0;
}

fasc_index fasc_latency(const fasc *f)
{
    if (!f)
        return 0;
    /* candidates reach the classifier lag + horizon after their offset; its
     * decision delay already waits for them (candidate_delay_s) */
    return fasc_filterbank_latency(f->fb) + fasc_classifier_latency(f->cls) * f->decim;
}

double fasc_working_rate(const fasc *f)
{
    return f ? fasc_filterbank_output_rate(f->fb) : 0.0;
}

const fasc_filterbank *fasc_get_filterbank(const fasc *f)
{
    return f ? f->fb : NULL;
}

const fasc_detector *fasc_get_detector(const fasc *f)
{
    return f ? f->det : NULL;
}

const fasc_classifier *fasc_get_classifier(const fasc *f)
{
    return f ? f->cls : NULL;
}

uint64_t fasc_dropped(const fasc *f)
{
    return f ? fasc_detector_dropped(f->det) + fasc_classifier_dropped(f->cls) - f->dropped_before
             : 0;
}
