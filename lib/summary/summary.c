/* fasc_summary: lifecycle, input and queries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "summary_internal.h"

void fasc_summary_config_default(fasc_summary_config *cfg)
{
    if (!cfg)
        return;
    cfg->sample_rate = 2048.0;
    cfg->channels = 1;
    cfg->epoch_s = 60.0;
    cfg->unit_min_discharges = 1;
}

static bool config_valid(const fasc_summary_config *cfg)
{
    return cfg && cfg->sample_rate > 0.0 && isfinite(cfg->sample_rate) && cfg->channels >= 1 &&
           cfg->channels <= FASC_MAX_CHANNELS && cfg->epoch_s >= 1.0 && cfg->epoch_s <= 3600.0 &&
           cfg->unit_min_discharges >= 1 && cfg->unit_min_discharges <= 1000;
}

int fasc_summary_create(const fasc_summary_config *cfg, fasc_summary **out)
{
    if (!out)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!config_valid(cfg))
        return FASC_ERR_INVALID_ARGUMENT;
    fasc_summary *s = calloc(1, sizeof *s);
    if (!s)
        return FASC_ERR_NO_MEMORY;
    s->cfg = *cfg;
    const size_t nc = (size_t)cfg->channels;
    s->noise = calloc(nc, sizeof *s->noise);
    s->figures = calloc(nc + 1, sizeof *s->figures);
    s->excluded = calloc(nc + 1, sizeof *s->excluded);
    if (!s->noise || !s->figures || !s->excluded) {
        fasc_summary_destroy(&s);
        return FASC_ERR_NO_MEMORY;
    }
    *out = s;
    return FASC_OK;
}

void fasc_summary_destroy(fasc_summary **sp)
{
    if (!sp || !*sp)
        return;
    fasc_summary *s = *sp;
    for (int c = 0; s->excluded && c <= s->cfg.channels; c++)
        fasc_span_list_free(&s->excluded[c]);
    free(s->excluded);
    free(s->noise);
    free(s->merged_into);
    free(s->fp);
    free(s->spans);
    free(s->figures);
    free(s->units);
    free(s->epochs);
    free(s);
    *sp = NULL;
}

static bool excludes_time(const fasc_event *ev)
{
    return ev->epoch && (ev->cls == FASC_CLASS_VOLUNTARY || ev->cls == FASC_CLASS_MOVEMENT ||
                         ev->cls == FASC_CLASS_ELECTRODE_POP || ev->cls == FASC_CLASS_NOISE);
}

/* Doubles *cap (from `first`) and reallocs *p to it; 0 or -1. */
static int grow(void **p, size_t *cap, size_t item, size_t first)
{
    const size_t n = *cap ? 2 * *cap : first;
    void *q = realloc(*p, n * item);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static int keep_span(fasc_summary *s, const fasc_event *ev)
{
    if (s->span_n == s->span_cap &&
        grow((void **)&s->spans, &s->span_cap, sizeof *s->spans, 64) != 0)
        return FASC_ERR_NO_MEMORY;
    const double fs = s->cfg.sample_rate;
    s->spans[s->span_n++] = (fasc_summary_span){(double)ev->onset / fs,
                                                (double)(ev->offset + 1) / fs, ev->channel,
                                                ev->cls};
    return FASC_OK;
}

static int keep_fp(fasc_summary *s, const fasc_event *ev)
{
    if (s->fp_n == s->fp_cap && grow((void **)&s->fp, &s->fp_cap, sizeof *s->fp, 256) != 0)
        return FASC_ERR_NO_MEMORY;
    s->fp[s->fp_n++] = (fasc_summary_fp){(double)ev->peak / s->cfg.sample_rate, ev->channel,
                                         ev->unit > 0 ? ev->unit : 0, ev->repeat,
                                         ev->peak_to_peak_uv};
    return FASC_OK;
}

int fasc_summary_add(fasc_summary *s, const fasc_event *ev)
{
    if (!s || !ev || (unsigned)ev->cls >= FASC_CLASS_COUNT || ev->channel < -1 ||
        ev->channel >= s->cfg.channels || ev->offset < ev->onset || ev->onset < 0)
        return FASC_ERR_INVALID_ARGUMENT;
    if (s->finished)
        return FASC_ERR_STATE;
    s->class_count[ev->cls]++;
    if (excludes_time(ev))
        return keep_span(s, ev);
    if (ev->cls == FASC_CLASS_FASCICULATION && !ev->epoch && ev->channel >= 0)
        return keep_fp(s, ev);
    return FASC_OK;
}

int fasc_summary_set_noise(fasc_summary *s, int channel, double rms_uv)
{
    if (!s || channel < 0 || channel >= s->cfg.channels || !(rms_uv >= 0.0))
        return FASC_ERR_INVALID_ARGUMENT;
    s->noise[channel] = rms_uv;
    return FASC_OK;
}

/* Room for unit id in the merge table (entries 0: not merged). */
static int merge_slot(fasc_summary *s, int id)
{
    if (id >= s->merge_cap) {
        const int cap = id + 64;
        int *m = realloc(s->merged_into, (size_t)cap * sizeof *m);
        if (!m)
            return FASC_ERR_NO_MEMORY;
        memset(m + s->merge_cap, 0, (size_t)(cap - s->merge_cap) * sizeof *m);
        s->merged_into = m;
        s->merge_cap = cap;
    }
    return FASC_OK;
}

int fasc_summary_merge_unit(fasc_summary *s, int id, int into)
{
    if (!s || id < 1 || into < 1 || id == into || id > 1000000 || into > 1000000)
        return FASC_ERR_INVALID_ARGUMENT;
    if (s->finished)
        return FASC_ERR_STATE;
    const int rc = merge_slot(s, id);
    if (rc == FASC_OK)
        s->merged_into[id] = into;
    return rc;
}

int fasc_summary_drop_unit(fasc_summary *s, int id)
{
    if (!s || id < 1 || id > 1000000)
        return FASC_ERR_INVALID_ARGUMENT;
    if (s->finished)
        return FASC_ERR_STATE;
    const int rc = merge_slot(s, id);
    if (rc == FASC_OK)
        s->merged_into[id] = -1;
    return rc;
}

int fasc_summary_set_losses(fasc_summary *s, uint64_t nonfinite_samples, uint64_t dropped_events)
{
    if (!s)
        return FASC_ERR_INVALID_ARGUMENT;
    s->nonfinite = nonfinite_samples;
    s->dropped = dropped_events;
    return FASC_OK;
}

int fasc_summary_figures_of(const fasc_summary *s, int channel, fasc_summary_figures *out)
{
    if (!s || !out || channel < -1 || channel >= s->cfg.channels)
        return FASC_ERR_INVALID_ARGUMENT;
    if (!s->finished)
        return FASC_ERR_STATE;
    *out = s->figures[channel < 0 ? s->cfg.channels : channel];
    return FASC_OK;
}

uint64_t fasc_summary_class_count(const fasc_summary *s, fasc_class cls)
{
    return s && (unsigned)cls < FASC_CLASS_COUNT ? s->class_count[cls] : 0;
}

size_t fasc_summary_unit_count(const fasc_summary *s)
{
    return s && s->finished ? s->unit_n : 0;
}

int fasc_summary_unit_at(const fasc_summary *s, size_t i, fasc_summary_unit *out)
{
    if (!s || !out || !s->finished || i >= s->unit_n)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = s->units[i];
    return FASC_OK;
}

size_t fasc_summary_epoch_count(const fasc_summary *s)
{
    return s && s->finished ? s->epoch_n : 0;
}

int fasc_summary_epoch_at(const fasc_summary *s, size_t i, fasc_summary_epoch *out)
{
    if (!s || !out || !s->finished || i >= s->epoch_n)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = s->epochs[i];
    return FASC_OK;
}

const fasc_summary_fp *fasc_summary_fasciculations(const fasc_summary *s, size_t *count)
{
    if (count)
        *count = s && s->finished ? s->fp_n : 0;
    return s && s->finished ? s->fp : NULL;
}

const fasc_summary_span *fasc_summary_excluded(const fasc_summary *s, size_t *count)
{
    if (count)
        *count = s && s->finished ? s->span_n : 0;
    return s && s->finished ? s->spans : NULL;
}

double fasc_summary_duration_s(const fasc_summary *s)
{
    return s && s->finished ? s->duration_s : 0.0;
}
