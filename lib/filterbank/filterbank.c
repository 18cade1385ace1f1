/* Lifecycle and queries of fasc_filterbank: one block of memory holds the
 * object, the lane-broadcast coefficients, all states and the scratch
 * buffers, so `process` never allocates. */
#include <stdlib.h>
#include <string.h>

#include "fb_design.h"
#include "fb_internal.h"

typedef struct fb_layout {
    size_t coef, state, fir, history, xin, xw, ys, nonfinite, goertzel, join, total;
} fb_layout;

static size_t round_up(size_t n)
{
    return (n + FB_ALIGN - 1) / FB_ALIGN * FB_ALIGN;
}

static size_t take(size_t *offset, size_t bytes)
{
    size_t at = *offset;
    *offset += round_up(bytes);
    return at;
}

static void compute_layout(const fb_design *d, int lanes, fb_layout *l)
{
    size_t groups = (size_t)((d->channels + lanes - 1) / lanes);
    size_t fl = sizeof(float) * (size_t)lanes;
    size_t taps = (size_t)d->fir_taps;
    size_t off = round_up(sizeof(struct fasc_filterbank));
    l->coef = take(&off, fl * 5 * (size_t)d->sections);
    l->state = take(&off, fl * 2 * (size_t)d->sections * groups);
    l->fir = take(&off, fl * taps);
    l->history = take(&off, fl * 2 * taps * groups);
    l->xin = take(&off, fl * FB_CHUNK * (size_t)d->decimation);
    l->xw = take(&off, d->decimation > 1 ? fl * FB_CHUNK : 0);
    l->ys = take(&off, fl * FB_CHUNK * (size_t)d->streams);
    l->nonfinite = take(&off, sizeof(uint64_t) * (size_t)d->channels);
    l->goertzel = take(&off, sizeof(double) * 2 * (size_t)fasc_fb_goertzel_bins(d) *
                                 (size_t)d->channels);
    l->join = take(&off, 2 * fl * groups);
    l->total = off + FB_ALIGN - 1; /* caller memory may have any alignment */
}

size_t fasc_fb_memory_size_isa(const fasc_filterbank_config *cfg, fb_isa isa)
{
    fb_design d;
    fb_kernels k;
    if (fasc_fb_design_from_config(cfg, &d, NULL) != FASC_OK || fasc_fb_kernels_get(isa, d.channels, &k) != 0)
        return 0;
    fb_layout l;
    compute_layout(&d, k.lanes, &l);
    return l.total;
}

size_t fasc_filterbank_memory_size(const fasc_filterbank_config *cfg)
{
    return fasc_fb_memory_size_isa(cfg, FB_ISA_BEST);
}

void fasc_fb_load_coefficients(fasc_filterbank *fb, int first, int count)
{
    const int lanes = fb->lanes;
    for (int s = first; s < first + count; s++) {
        const fasc_biquad *q = &fb->d.sos[s];
        const double c[5] = {q->b0, q->b1, q->b2, q->a1, q->a2};
        float *dst = fb->coef + (size_t)s * 5 * (size_t)lanes;
        for (int j = 0; j < 5; j++)
            for (int l = 0; l < lanes; l++)
                dst[j * lanes + l] = (float)c[j];
    }
}

void fasc_fb_state_clear(fasc_filterbank *fb, int first_section, int count)
{
    const size_t per_section = 2 * (size_t)fb->lanes;
    for (int g = 0; g < fb->groups; g++) {
        float *s = fb->state + ((size_t)g * (size_t)fb->d.sections +
                                (size_t)first_section) * per_section;
        memset(s, 0, (size_t)count * per_section * sizeof(float));
    }
}

static void load_fir(fasc_filterbank *fb)
{
    double taps[FB_MAX_FIR_TAPS];
    if (fb->d.decimation == 1)
        return;
    fasc_fb_decimator_taps(fb->d.decimation, taps);
    for (int j = 0; j < fb->d.fir_taps; j++)
        for (int l = 0; l < fb->lanes; l++)
            fb->fir[(size_t)j * (size_t)fb->lanes + (size_t)l] = (float)taps[j];
}

static void place(fasc_filterbank *fb, unsigned char *base, const fb_layout *l)
{
    fb->coef = (float *)(void *)(base + l->coef);
    fb->state = (float *)(void *)(base + l->state);
    fb->fir = (float *)(void *)(base + l->fir);
    fb->history = (float *)(void *)(base + l->history);
    fb->xin = (float *)(void *)(base + l->xin);
    fb->xw = fb->d.decimation > 1 ? (float *)(void *)(base + l->xw) : fb->xin;
    fb->ys = (float *)(void *)(base + l->ys);
    fb->nonfinite = (uint64_t *)(void *)(base + l->nonfinite);
    fb->goertzel = (double *)(void *)(base + l->goertzel);
    fb->join_last = (float *)(void *)(base + l->join);
    fb->join_step = fb->join_last + (size_t)fb->groups * (size_t)fb->lanes;
}

int fasc_fb_init_isa(void *memory, size_t size, const fasc_filterbank_config *cfg,
                fb_isa isa, fasc_filterbank **out)
{
    fb_design d;
    fb_kernels k;
    if (!memory || !out || fasc_fb_design_from_config(cfg, &d, NULL) != FASC_OK ||
        fasc_fb_kernels_get(isa, d.channels, &k) != 0)
        return FASC_ERR_INVALID_ARGUMENT;
    fb_layout l;
    compute_layout(&d, k.lanes, &l);
    if (size < l.total)
        return FASC_ERR_BUFFER_TOO_SMALL;
    unsigned char *base = (unsigned char *)memory;
    base += (FB_ALIGN - (uintptr_t)base % FB_ALIGN) % FB_ALIGN;
    memset(base, 0, l.total - (FB_ALIGN - 1));
    fasc_filterbank *fb = (fasc_filterbank *)(void *)base;
    fb->d = d;
    fb->k = k;
    fb->lanes = k.lanes;
    fb->groups = (d.channels + k.lanes - 1) / k.lanes;
    place(fb, base, &l);
    fb->plan = (fb_plan){
        .lanes = k.lanes,
        .pre_sections = d.hp_sections + d.lp_sections + d.notch_slots,
        .bands = d.bands,
        .band_sections = d.band_sections,
        .coef = fb->coef,
        .decimation = d.decimation,
        .fir_taps = d.fir_taps,
        .fir = fb->fir,
    };
    load_fir(fb);
    fasc_filterbank_reset(fb);
    *out = fb;
    return FASC_OK;
}

int fasc_filterbank_init(void *memory, size_t size,
                         const fasc_filterbank_config *cfg,
                         fasc_filterbank **fb)
{
    return fasc_fb_init_isa(memory, size, cfg, FB_ISA_BEST, fb);
}

int fasc_fb_create_isa(const fasc_filterbank_config *cfg, fb_isa isa,
                  fasc_filterbank **fb)
{
    if (!fb)
        return FASC_ERR_INVALID_ARGUMENT;
    size_t size = fasc_fb_memory_size_isa(cfg, isa);
    if (size == 0)
        return FASC_ERR_INVALID_ARGUMENT;
    void *memory = malloc(size);
    if (!memory)
        return FASC_ERR_NO_MEMORY;
    int status = fasc_fb_init_isa(memory, size, cfg, isa, fb);
    if (status != FASC_OK) {
        free(memory);
        return status;
    }
    (*fb)->allocation = memory;
    return FASC_OK;
}

int fasc_filterbank_create(const fasc_filterbank_config *cfg,
                           fasc_filterbank **fb)
{
    return fasc_fb_create_isa(cfg, FB_ISA_BEST, fb);
}

void fasc_filterbank_destroy(fasc_filterbank **fb)
{
    if (!fb || !*fb)
        return;
    free((*fb)->allocation);
    *fb = NULL;
}

void fasc_filterbank_reset(fasc_filterbank *fb)
{
    if (!fb)
        return;
    const fb_design *d = &fb->d;
    int notch_first = d->hp_sections + d->lp_sections;
    if (d->mains == FASC_MAINS_AUTO)
        for (int k = 0; k < d->notch_slots; k++)
            fb->d.sos[notch_first + k] = (fasc_biquad){1.0, 0.0, 0.0, 0.0, 0.0};
    fasc_fb_load_coefficients(fb, 0, d->sections);
    fasc_fb_state_clear(fb, 0, d->sections);
    size_t lanes = (size_t)fb->lanes, groups = (size_t)fb->groups;
    memset(fb->history, 0, sizeof(float) * 2 * (size_t)d->fir_taps * groups * lanes);
    memset(fb->nonfinite, 0, sizeof(uint64_t) * (size_t)d->channels);
    memset(fb->goertzel, 0,
           sizeof(double) * 2 * (size_t)fasc_fb_goertzel_bins(d) * (size_t)d->channels);
    fb->mains_active = d->mains;
    fb->in_index = 0;
    fb->out_index = 0;
    fb->fir_pos = 0;
    memset(fb->join_last, 0, 2 * sizeof(float) * (size_t)fb->groups * lanes);
    fb->join_at = -1;
    fb->join_pending = 0;
}
