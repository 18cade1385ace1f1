/* Test double of the composed detector (fasc.h) for the tool tests while
 * the real object is not in the tree: the real filter bank and detector,
 * every detection a fasciculation of unit 0, no epochs, no classifier.
 * Linked only into test builds of the tools, never into the shipped ones. */
#include <stdlib.h>
#include <string.h>

#include "fasc/fasc.h"

#define DOUBLE_BLOCK 4096

struct fasc {
    fasc_config cfg;
    fasc_filterbank *fb;
    fasc_detector *det;
    fasc_mains mains_seen;
    float *buf;
    float **out;
    float *planar;
    float **in;
    float *snip;
    size_t snip_cap;
    int flushed;
};

void fasc_config_default(fasc_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = 2048;
    cfg->channels = 1;
    cfg->geometry = FASC_GEOMETRY_LINE;
    cfg->mains = FASC_MAINS_AUTO;
    fasc_filterbank_config_default(&cfg->filterbank);
    cfg->filterbank.band_count = 0;
    fasc_detector_config_default(&cfg->detector);
    fasc_classifier_config_default(&cfg->classifier);
}

void fasc_classifier_config_default(fasc_classifier_config *cfg)
{
    if (cfg)
        memset(cfg, 0, sizeof *cfg);
}

size_t fasc_memory_size(const fasc_config *cfg)
{
    return cfg ? 1 : 0;
}

int fasc_init(void *memory, size_t size, const fasc_config *cfg, fasc **out)
{
    (void)memory; (void)size; (void)cfg; (void)out;
    return FASC_ERR_UNSUPPORTED;
}

int fasc_create(const fasc_config *cfg, fasc **out)
{
    if (!cfg || !out || cfg->channels < 1 || cfg->channels > FASC_MAX_CHANNELS)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = NULL;
    fasc *f = calloc(1, sizeof *f);
    if (!f)
        return FASC_ERR_NO_MEMORY;
    f->cfg = *cfg;
    fasc_filterbank_config fc = cfg->filterbank;
    fc.sample_rate = cfg->sample_rate;
    fc.channels = cfg->channels;
    fc.mains = cfg->mains;
    fc.band_count = 0;
    int rc = fasc_filterbank_create(&fc, &f->fb);
    fasc_detector_config dc = cfg->detector;
    if (rc == FASC_OK) {
        dc.sample_rate = fasc_filterbank_output_rate(f->fb);
        dc.channels = cfg->channels;
        dc.geometry = cfg->geometry;
        dc.grid_rows = cfg->grid_rows;
        dc.grid_cols = cfg->grid_cols;
        size_t ns = 0;
        rc = fasc_filterbank_prefilter(f->fb, dc.prefilter, FASC_DETECTOR_MAX_PREFILTER, &ns);
        dc.prefilter_sections = (int)ns;
    }
    if (rc == FASC_OK)
        rc = fasc_detector_create(&dc, &f->det);
    const size_t nc = (size_t)cfg->channels;
    f->buf = malloc(sizeof(float) * DOUBLE_BLOCK * nc * 2);
    f->out = malloc(sizeof(float *) * nc);
    f->in = malloc(sizeof(float *) * nc);
    f->snip_cap = f->det ? fasc_detector_snippet_capacity(f->det) : 0;
    f->snip = malloc(sizeof(float) * (f->snip_cap + 1));
    if (rc == FASC_OK && (!f->buf || !f->out || !f->in || !f->snip))
        rc = FASC_ERR_NO_MEMORY;
    if (rc != FASC_OK) {
        fasc_destroy(&f);
        return rc;
    }
    for (size_t c = 0; c < nc; c++) {
        f->out[c] = f->buf + c * DOUBLE_BLOCK;
        f->in[c] = f->buf + (nc + c) * DOUBLE_BLOCK;
    }
    f->mains_seen = fasc_filterbank_mains(f->fb);
    *out = f;
    return FASC_OK;
}

void fasc_destroy(fasc **fp)
{
    if (!fp || !*fp)
        return;
    fasc *f = *fp;
    fasc_detector_destroy(&f->det);
    fasc_filterbank_destroy(&f->fb);
    free(f->buf);
    free(f->out);
    free(f->in);
    free(f->snip);
    free(f);
    *fp = NULL;
}

void fasc_reset(fasc *f)
{
    if (!f)
        return;
    fasc_filterbank_reset(f->fb);
    fasc_detector_reset(f->det);
    f->flushed = 0;
}

static int run(fasc *f, const float *const *x, size_t n)
{
    size_t produced = 0;
    int rc = fasc_filterbank_process(f->fb, x, n, f->out, DOUBLE_BLOCK, &produced);
    if (rc == FASC_OK && fasc_filterbank_mains(f->fb) != f->mains_seen) {
        f->mains_seen = fasc_filterbank_mains(f->fb);
        fasc_biquad sos[FASC_DETECTOR_MAX_PREFILTER];
        size_t ns = 0;
        rc = fasc_filterbank_prefilter(f->fb, sos, FASC_DETECTOR_MAX_PREFILTER, &ns);
        if (rc == FASC_OK)
            rc = fasc_detector_set_prefilter(f->det, sos, (int)ns,
                                             fasc_filterbank_mains_decision_index(f->fb));
    }
    if (rc == FASC_OK)
        rc = fasc_detector_process(f->det, (const float *const *)f->out, produced);
    return rc;
}

int fasc_process(fasc *f, const float *const *x, size_t n)
{
    if (!f || (n && !x))
        return FASC_ERR_INVALID_ARGUMENT;
    if (f->flushed)
        return FASC_ERR_STATE;
    const float *part[FASC_MAX_CHANNELS];
    for (size_t done = 0; done < n;) {
        const size_t k = n - done < DOUBLE_BLOCK ? n - done : DOUBLE_BLOCK;
        for (int c = 0; c < f->cfg.channels; c++)
            part[c] = x[c] + done;
        const int rc = run(f, part, k);
        if (rc != FASC_OK)
            return rc;
        done += k;
    }
    return FASC_OK;
}

int fasc_process_interleaved(fasc *f, const float *x, size_t n)
{
    if (!f || (n && !x))
        return FASC_ERR_INVALID_ARGUMENT;
    const size_t nc = (size_t)f->cfg.channels;
    for (size_t done = 0; done < n;) {
        const size_t k = n - done < DOUBLE_BLOCK ? n - done : DOUBLE_BLOCK;
        for (size_t i = 0; i < k; i++)
            for (size_t c = 0; c < nc; c++)
                f->in[c][i] = x[(done + i) * nc + c];
        const int rc = fasc_process(f, (const float *const *)f->in, k);
        if (rc != FASC_OK)
            return rc;
        done += k;
    }
    return FASC_OK;
}

int fasc_flush(fasc *f)
{
    if (!f)
        return FASC_ERR_INVALID_ARGUMENT;
    f->flushed = 1;
    return fasc_detector_flush(f->det);
}

static fasc_index to_input(const fasc *f, fasc_index k)
{
    const fasc_index i = fasc_filterbank_input_index(f->fb, k);
    return i < 0 ? 0 : i;
}

int fasc_next(fasc *f, fasc_event *ev, float *snippet, size_t capacity)
{
    if (!f || !ev)
        return FASC_ERR_INVALID_ARGUMENT;
    fasc_detection d;
    const int rc = fasc_detector_next(f->det, &d, f->snip, f->snip_cap);
    if (rc != 1)
        return rc;
    memset(ev, 0, sizeof *ev);
    ev->onset = to_input(f, d.onset);
    ev->peak = to_input(f, d.peak);
    ev->offset = to_input(f, d.offset);
    ev->channel = d.main_channel;
    ev->cls = FASC_CLASS_FASCICULATION;
    ev->peak_to_peak_uv = d.peak_to_peak_uv;
    ev->confidence = d.score > 10.0f ? 1.0f : d.score / 10.0f;
    ev->noise_sd_uv = d.noise_sd_uv;
    ev->flags = d.flags;
    ev->channel_count = d.channel_count;
    memcpy(ev->channels, d.channels, sizeof ev->channels);
    ev->features.peak_to_peak_uv = d.peak_to_peak_uv;
    ev->features.phases = 2;
    if (snippet && capacity >= d.snippet_length)
        memcpy(snippet, f->snip, d.snippet_length * sizeof *snippet);
    return 1;
}

size_t fasc_snippet_length(const fasc *f)
{
    return f ? fasc_detector_snippet_length(f->det) : 0;
}

fasc_index fasc_latency(const fasc *f)
{
    return f ? fasc_detector_latency(f->det) * fasc_filterbank_decimation(f->fb) +
                   fasc_filterbank_latency(f->fb)
             : 0;
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
    (void)f;
    return NULL;
}

uint64_t fasc_dropped(const fasc *f)
{
    return f ? fasc_detector_dropped(f->det) : 0;
}

int fasc_classifier_unit_count(const fasc_classifier *cls)
{
    (void)cls;
    return 0;
}

int fasc_classifier_unit(const fasc_classifier *cls, int id, fasc_unit_info *out)
{
    (void)cls; (void)id; (void)out;
    return FASC_ERR_INVALID_ARGUMENT;
}

long fasc_classifier_unit_template(const fasc_classifier *cls, int id, float *out, size_t capacity)
{
    (void)cls; (void)id; (void)out; (void)capacity;
    return FASC_ERR_INVALID_ARGUMENT;
}

uint64_t fasc_classifier_heartbeats(const fasc_classifier *cls, double *rate_bpm)
{
    (void)cls;
    if (rate_bpm)
        *rate_bpm = 0.0;
    return 0;
}
