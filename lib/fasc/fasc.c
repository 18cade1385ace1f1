/* The composed detector: filter bank -> detector -> classifier, in one
 * block of memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/fasc.h"

#define FASC_ALIGN 64
/* Input samples per internal step: small enough for the scratch buffers
 * to stay in cache, large enough to amortise the per-call work. */
#define FASC_STEP 256

struct fasc {
    fasc_config cfg;
    void *allocation;
    fasc_filterbank *fb;
    fasc_detector *det;
    fasc_classifier *cls;
    int channels, decim;
    size_t work_cap;       /* working-rate samples per step */
    float **band;          /* channels pointers into band_data */
    float **raw;           /* channels pointers into raw_data (decimated input) */
    const float **in;      /* channels pointers (planar view of a step) */
    float *band_data, *raw_data, *deint; /* deint: channels x FASC_STEP */
    float *det_snips;      /* the detector's snippet capacity */
    float *cls_snip;       /* one main-channel row */
    size_t det_snip_cap, snip_len;
    bool mains_applied, flushed;
    fasc_index fed;        /* input samples consumed */
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
    fasc_detector_config_default(&cfg->detector);
    /* with ECG, movement and reference pops on every lead, the common
     * median keeps them from hiding discharges (see fasc.h) */
    cfg->detector.common_median = true;
    fasc_classifier_config_default(&cfg->classifier);
}

/* The stage configurations with the shared fields filled in. */
static int stage_configs(const fasc_config *cfg, fasc_filterbank_config *fb,
                         fasc_detector_config *det, fasc_classifier_config *cls,
                         double *work_rate)
{
    if (!cfg || !(cfg->sample_rate >= FASC_MIN_SAMPLE_RATE) ||
        !(cfg->sample_rate <= FASC_MAX_SAMPLE_RATE) || cfg->channels < 1 ||
        cfg->channels > FASC_MAX_CHANNELS)
        return FASC_ERR_INVALID_ARGUMENT;
    *fb = cfg->filterbank;
    fb->sample_rate = cfg->sample_rate;
    fb->channels = cfg->channels;
    fb->mains = cfg->mains;
    const double wmax = fb->working_rate_max;
    if (!(wmax >= 2000.0 && wmax <= 48000.0))
        return FASC_ERR_INVALID_ARGUMENT;
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
    return FASC_OK;
}

static size_t round_up(size_t n)
{
    return (n + FASC_ALIGN - 1) / FASC_ALIGN * FASC_ALIGN;
}

typedef struct fasc_sizes {
    size_t fb, det, cls, work_cap, snip_len, det_snip_cap, total;
} fasc_sizes;

static int sizes(const fasc_config *cfg, fasc_sizes *s)
{
    fasc_filterbank_config fb;
    fasc_detector_config det;
    fasc_classifier_config cls;
    double work;
    int status = stage_configs(cfg, &fb, &det, &cls, &work);
    if (status != FASC_OK)
        return status;
    s->fb = fasc_filterbank_memory_size(&fb);
    /* the prefilter only changes coefficients, never the size */
    s->det = fasc_detector_memory_size(&det);
    s->cls = fasc_classifier_memory_size(&cls);
    if (!s->fb || !s->det || !s->cls)
        return FASC_ERR_INVALID_ARGUMENT;
    const size_t c = (size_t)cfg->channels;
    s->work_cap = FASC_STEP;
    s->snip_len = (size_t)(lround(det.snippet_pre_s * work) + lround(det.snippet_post_s * work) + 1);
    s->det_snip_cap = FASC_DETECTOR_MAX_EVENT_CHANNELS * s->snip_len;
    s->total = round_up(sizeof(struct fasc)) + round_up(s->fb) + round_up(s->det) +
               round_up(s->cls) + round_up(3 * c * sizeof(float *)) +
               round_up(2 * c * s->work_cap * sizeof(float)) +
               round_up(c * FASC_STEP * sizeof(float)) +
               round_up((s->det_snip_cap + s->snip_len) * sizeof(float)) + FASC_ALIGN - 1;
    return FASC_OK;
}

size_t fasc_memory_size(const fasc_config *cfg)
{
    fasc_sizes s;
    return sizes(cfg, &s) == FASC_OK ? s.total : 0;
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
    if (!memory || !out || sizes(cfg, &s) != FASC_OK)
        return FASC_ERR_INVALID_ARGUMENT;
    if (size < s.total)
        return FASC_ERR_BUFFER_TOO_SMALL;
    fasc_filterbank_config fbc;
    fasc_detector_config detc;
    fasc_classifier_config clsc;
    double work;
    stage_configs(cfg, &fbc, &detc, &clsc, &work);
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
    float **ptrs = carve(&at, 3 * c * sizeof(float *));
    f->band = ptrs;
    f->raw = ptrs + c;
    f->in = (const float **)(void *)(ptrs + 2 * c);
    f->band_data = carve(&at, 2 * c * s.work_cap * sizeof(float));
    f->raw_data = f->band_data + c * s.work_cap;
    f->deint = carve(&at, c * FASC_STEP * sizeof(float));
    f->det_snips = carve(&at, (s.det_snip_cap + s.snip_len) * sizeof(float));
    f->cls_snip = f->det_snips + s.det_snip_cap;
    for (size_t k = 0; k < c; k++) {
        f->band[k] = f->band_data + k * s.work_cap;
        f->raw[k] = f->raw_data + k * s.work_cap;
    }
    f->mains_applied = fasc_filterbank_mains(f->fb) != FASC_MAINS_AUTO;
    f->flushed = false;
    f->fed = 0;
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
    f->mains_applied = fasc_filterbank_mains(f->fb) != FASC_MAINS_AUTO;
    f->flushed = false;
    f->fed = 0;
}

/* Detector events into the classifier. */
static void drain_detector(fasc *f)
{
    fasc_detection ev;
    while (fasc_detector_next(f->det, &ev, f->det_snips, f->det_snip_cap) == 1)
        fasc_classifier_push(f->cls, &ev, f->det_snips);
}

/* One step of at most FASC_STEP input samples. */
static void step(fasc *f, const float *const *x, size_t n)
{
    size_t got = 0;
    fasc_filterbank_process(f->fb, x, n, f->band, f->work_cap, &got);
    if (!f->mains_applied && fasc_filterbank_mains(f->fb) != FASC_MAINS_AUTO) {
        fasc_biquad sos[FASC_DETECTOR_MAX_PREFILTER];
        size_t ns = 0;
        fasc_filterbank_prefilter(f->fb, sos, FASC_DETECTOR_MAX_PREFILTER, &ns);
        fasc_detector_set_prefilter(f->det, sos, (int)ns,
                                    fasc_filterbank_mains_decision_index(f->fb));
        f->mains_applied = true;
    }
    if (got == 0)
        return;
    /* the unfiltered input at the working rate, for saturation and
     * low-frequency checks: every D-th input sample of the step */
    const float *const *raw = x;
    if (f->decim > 1) {
        for (int k = 0; k < f->channels; k++)
            for (size_t j = 0; j < got; j++) {
                size_t at = j * (size_t)f->decim;
                f->raw[k][j] = x[k][at < n ? at : n - 1];
            }
        raw = (const float *const *)f->raw;
    }
    fasc_detector_process(f->det, (const float *const *)f->band, got);
    fasc_classifier_process(f->cls, (const float *const *)f->band, raw, got);
    drain_detector(f);
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
    f->fed += (fasc_index)n;
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
    f->fed += (fasc_index)n;
    return FASC_OK;
}

int fasc_flush(fasc *f)
{
    if (!f)
        return FASC_ERR_INVALID_ARGUMENT;
    if (f->flushed)
        return FASC_OK;
    fasc_detector_flush(f->det);
    drain_detector(f);
    fasc_classifier_flush(f->cls);
    f->flushed = true;
    return FASC_OK;
}

static fasc_index to_input(const fasc *f, fasc_index k)
{
    const fasc_index i = fasc_filterbank_input_index(f->fb, k);
    return i < 0 ? 0 : i;
}

int fasc_next(fasc *f, fasc_event *ev, float *snippet, size_t capacity)
{
    if (!f || !ev || (!snippet && capacity > 0))
        return FASC_ERR_INVALID_ARGUMENT;
    if (capacity > 0 && capacity < f->snip_len)
        return FASC_ERR_BUFFER_TOO_SMALL;
    fasc_classified c;
    const int got = fasc_classifier_next(f->cls, &c, capacity ? f->cls_snip : NULL,
                                         capacity ? f->snip_len : 0);
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
    ev->noise_sd_uv = c.channel >= 0 ? (float)fasc_detector_noise_sd(f->det, c.channel) : 0.0f;
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
    return fasc_filterbank_latency(f->fb) +
           (fasc_detector_latency(f->det) + fasc_classifier_latency(f->cls)) * f->decim;
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
    return f ? fasc_detector_dropped(f->det) + fasc_classifier_dropped(f->cls) : 0;
}
