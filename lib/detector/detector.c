/* Lifecycle and queries of fasc_detector: one block of memory holds the
 * object, every ring, histogram and the event queue, so `process` never
 * allocates. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "det_internal.h"

typedef struct det_layout {
    size_t ch, hist, zring, acc, inv, tlow, e, xswin, wscale, wz, noise_ring, noise_hist,
        acf, win_acf, acf_x, busy, nbmask, cmr_vec, cmr_net, cmr_tau, pending, queue, qsnip, wtaps, vscratch, zpscratch, lscratch, xscratch, templates, tdata, tscratch, lagscratch,
        total;
} det_layout;

static size_t take(size_t *offset, size_t bytes)
{
    size_t at = *offset;
    *offset += (bytes + DET_ALIGN - 1) / DET_ALIGN * DET_ALIGN;
    return at;
}

static void compute_layout(const det_design *d, det_layout *l)
{
    const size_t c = (size_t)d->channels, lanes = (size_t)d->groups * DET_LANES;
    const size_t lags = (size_t)d->lags + 1;
    size_t off = 0;
    take(&off, sizeof(struct fasc_detector));
    l->ch = take(&off, sizeof(det_channel) * c);
    l->hist = take(&off, sizeof(float) * lanes * (size_t)d->hrows);
    l->zring = take(&off, sizeof(uint32_t) * lanes * (size_t)d->zrows);
    l->acc = take(&off, sizeof(uint32_t) * lanes * 2 * DET_SCALES);
    l->inv = take(&off, sizeof(float) * lanes);
    l->tlow = take(&off, sizeof(float) * lanes * DET_SCALES);
    l->e = take(&off, sizeof(float) * lanes * DET_SCALES * (size_t)d->erows);
    l->xswin = take(&off, sizeof(float) * lanes * (size_t)d->wrows);
    l->wscale = take(&off, sizeof(float) * lanes * DET_WAVELETS);
    l->wz = take(&off, sizeof(float) * lanes * (size_t)d->erows);
    l->noise_ring = take(&off, sizeof(uint16_t) * c * (size_t)d->noise_cap);
    l->noise_hist = take(&off, sizeof(uint32_t) * c * DET_NOISE_BINS);
    l->acf = take(&off, sizeof(double) * c * lags);
    l->win_acf = take(&off, sizeof(double) * DET_SCALES * lags);
    l->acf_x = take(&off, sizeof(float) * DET_LANES * (DET_CHUNK + 2 * lags + 1));
    l->busy = take(&off, sizeof(uint64_t) * c * (size_t)d->busy_words);
    l->nbmask = take(&off, sizeof(uint64_t) * c * DET_WORDS);
    const size_t cmr_vec = d->common_median ? 8 * (2 * c + (size_t)d->cmr_size) : 1;
    l->cmr_vec = take(&off, sizeof(float) * cmr_vec);
    l->cmr_net = take(&off, sizeof(uint16_t) * 2 * (size_t)(d->cmr_pairs > 0 ? d->cmr_pairs : 1));
    l->cmr_tau = take(&off, sizeof(float) * c);
    l->pending = take(&off, sizeof(det_group) * (size_t)d->pending_cap);
    l->queue = take(&off, sizeof(fasc_detection) * (size_t)d->queue_cap);
    l->qsnip = take(&off, sizeof(float) * (size_t)d->queue_cap *
                              FASC_DETECTOR_MAX_EVENT_CHANNELS * (size_t)d->snip_len);
    l->wtaps = take(&off, sizeof(float) * (size_t)(d->w_total > 0 ? d->w_total : 1));
    l->vscratch = take(&off, sizeof(float) * FASC_DETECTOR_MAX_EVENT_CHANNELS * (size_t)d->vwin_max);
    /* zero-phase passes over an event (verify.c) or a template (templates.c) */
    /* zero-phase passes over an event (verify.c: own, sum, neighbour) or a
     * template (templates.c) */
    l->zpscratch = take(&off, sizeof(double) * (2 + DET_ZP_LANES) * (size_t)d->zp_len);
    /* local background (verify.c) or the wavelet noise span of a group */
    size_t lwords = (size_t)(d->loc_n + 2 * d->w_half_max + 64);
    if ((size_t)DET_LANES * (size_t)(2 * d->w_half_max + 49) > lwords)
        lwords = (size_t)DET_LANES * (size_t)(2 * d->w_half_max + 49);
    l->lscratch = take(&off, sizeof(float) * lwords);
    l->xscratch = take(&off, sizeof(float) * FASC_DETECTOR_MAX_EVENT_CHANNELS *
                                 (size_t)(d->vwin_max + 2 * d->w_half_max));
    l->templates = take(&off, sizeof(det_template) * (size_t)d->max_templates);
    l->tdata = take(&off, sizeof(float) * (size_t)d->max_templates * (size_t)d->tslots *
                                (size_t)(2 * d->tw_n + 1));
    l->tscratch = take(&off, sizeof(float) * ((size_t)(2 * (d->tw_n + d->tlag_n) + 1) +
                                              (size_t)(d->tslots - 1) * (size_t)(2 * d->tw_n + 1)));
    l->lagscratch = take(&off, sizeof(float) * 2 * (size_t)(2 * d->tlag_n + 1));
    l->total = off + DET_ALIGN - 1; /* caller memory may have any alignment */
}

size_t fasc_detector_memory_size(const fasc_detector_config *cfg)
{
    det_design d;
    if (fasc_det_design(cfg, &d) != FASC_OK)
        return 0;
    det_layout l;
    compute_layout(&d, &l);
    return l.total;
}

static void place(fasc_detector *det, unsigned char *base, const det_layout *l)
{
    det->ch = (det_channel *)(void *)(base + l->ch);
    det->hist = (float *)(void *)(base + l->hist);
    det->zring = (uint32_t *)(void *)(base + l->zring);
    det->acc = (uint32_t *)(void *)(base + l->acc);
    det->inv = (float *)(void *)(base + l->inv);
    det->tlow = (float *)(void *)(base + l->tlow);
    det->e = (float *)(void *)(base + l->e);
    det->xswin = (float *)(void *)(base + l->xswin);
    det->wscale = (float *)(void *)(base + l->wscale);
    det->wz = (float *)(void *)(base + l->wz);
    det->noise_ring = (uint16_t *)(void *)(base + l->noise_ring);
    det->noise_hist = (uint32_t *)(void *)(base + l->noise_hist);
    det->acf = (double *)(void *)(base + l->acf);
    det->win_acf = (double *)(void *)(base + l->win_acf);
    det->acf_x = (float *)(void *)(base + l->acf_x);
    det->busy = (uint64_t *)(void *)(base + l->busy);
    det->nbmask = (uint64_t *)(void *)(base + l->nbmask);
    det->cmr_vec = (float *)(void *)(base + l->cmr_vec);
    det->cmr_net = (uint16_t *)(void *)(base + l->cmr_net);
    det->cmr_tau = (float *)(void *)(base + l->cmr_tau);
    det->pending = (det_group *)(void *)(base + l->pending);
    det->queue = (fasc_detection *)(void *)(base + l->queue);
    det->qsnip = (float *)(void *)(base + l->qsnip);
    det->wtaps = (float *)(void *)(base + l->wtaps);
    det->vscratch = (float *)(void *)(base + l->vscratch);
    det->zpscratch = (double *)(void *)(base + l->zpscratch);
    det->lscratch = (float *)(void *)(base + l->lscratch);
    det->xscratch = (float *)(void *)(base + l->xscratch);
    det->templates = (det_template *)(void *)(base + l->templates);
    det->tdata = (float *)(void *)(base + l->tdata);
    det->tscratch = (float *)(void *)(base + l->tscratch);
    det->lagscratch = (float *)(void *)(base + l->lagscratch);
}

static void add_neighbour(fasc_detector *det, int c, int nb)
{
    det_channel *ch = &det->ch[c];
    ch->nb[ch->nnb++] = nb;
    fasc_det_bit_set(det->nbmask + (size_t)c * DET_WORDS, nb, true);
}

static void set_neighbours(fasc_detector *det)
{
    const det_design *d = &det->d;
    if (d->geometry == FASC_GEOMETRY_NONE)
        return;
    for (int c = 0; c < d->channels; c++) {
        int row = c / d->cols, col = c % d->cols;
        if (row > 0)
            add_neighbour(det, c, c - d->cols);
        if (col > 0)
            add_neighbour(det, c, c - 1);
        if (col + 1 < d->cols)
            add_neighbour(det, c, c + 1);
        if (row + 1 < d->rows)
            add_neighbour(det, c, c + d->cols);
    }
}

/* Autocorrelation of each unit-sum triangular window h (length 2a - 1):
 * var(e) = 2 Σ_m A(m) r(m)² needs A(m) = Σ_j h_j h_{j+m}. */
static void window_acf(fasc_detector *det)
{
    const int lags = det->d.lags;
    for (int s = 0; s < DET_SCALES; s++) {
        const int a = det->d.a[s], len = 2 * a - 1;
        double *w = det->win_acf + (size_t)s * (size_t)(lags + 1);
        for (int m = 0; m <= lags; m++) {
            double sum = 0.0;
            for (int j = 0; j + m < len; j++) {
                double hj = a - abs(j - (a - 1)), hm = a - abs(j + m - (a - 1));
                sum += hj * hm;
            }
            w[m] = sum / ((double)a * a * a * a);
        }
    }
}

int fasc_detector_init(void *memory, size_t size, const fasc_detector_config *cfg,
                       fasc_detector **out)
{
    det_design d;
    if (!memory || !out || fasc_det_design(cfg, &d) != FASC_OK)
        return FASC_ERR_INVALID_ARGUMENT;
    det_layout l;
    compute_layout(&d, &l);
    if (size < l.total)
        return FASC_ERR_BUFFER_TOO_SMALL;
    unsigned char *base = (unsigned char *)memory;
    base += (DET_ALIGN - (uintptr_t)base % DET_ALIGN) % DET_ALIGN;
    memset(base, 0, l.total - (DET_ALIGN - 1));
    fasc_detector *det = (fasc_detector *)(void *)base;
    det->d = d;
    det->rows8 = fasc_det_rows8_best();
    det->smooth = fasc_det_smooth_best();
    det->acf_lags = fasc_det_acf_best();
    det->loo = fasc_det_loo_best(&det->loo_lanes);
    place(det, base, &l);
    set_neighbours(det);
    if (d.common_median) {
        fasc_det_sortnet_pairs(d.cmr_size, det->cmr_net);
        det->d.cmr_pairs = fasc_det_sortnet_prune(det->cmr_net, d.cmr_pairs, d.cmr_size,
                                                  d.channels);
    }
    window_acf(det);
    fasc_det_wavelet_taps(det);
    fasc_detector_reset(det);
    *out = det;
    return FASC_OK;
}

int fasc_detector_create(const fasc_detector_config *cfg, fasc_detector **det)
{
    if (!det)
        return FASC_ERR_INVALID_ARGUMENT;
    size_t size = fasc_detector_memory_size(cfg);
    if (size == 0)
        return FASC_ERR_INVALID_ARGUMENT;
    void *memory = malloc(size);
    if (!memory)
        return FASC_ERR_NO_MEMORY;
    int status = fasc_detector_init(memory, size, cfg, det);
    if (status != FASC_OK) {
        free(memory);
        return status;
    }
    (*det)->allocation = memory;
    return FASC_OK;
}

void fasc_detector_destroy(fasc_detector **det)
{
    if (!det || !*det)
        return;
    free((*det)->allocation);
    *det = NULL;
}

void fasc_detector_reset(fasc_detector *det)
{
    if (!det)
        return;
    const det_design *d = &det->d;
    const size_t c = (size_t)d->channels, lanes = (size_t)d->groups * DET_LANES;
    for (size_t i = 0; i < c; i++) {
        det_channel *ch = &det->ch[i];
        det_channel keep = *ch;
        memset(ch, 0, sizeof *ch);
        memcpy(ch->nb, keep.nb, sizeof ch->nb);
        ch->nnb = keep.nnb;
        ch->last_offset = ch->marked_to = -1;
        ch->last_template = -1;
    }
    memset(det->hist, 0, sizeof(float) * lanes * (size_t)d->hrows);
    memset(det->zring, 0, sizeof(uint32_t) * lanes * (size_t)d->zrows);
    memset(det->acc, 0, sizeof(uint32_t) * lanes * 2 * DET_SCALES);
    memset(det->inv, 0, sizeof(float) * lanes);
    memset(det->e, 0, sizeof(float) * lanes * DET_SCALES * (size_t)d->erows);
    memset(det->xswin, 0, sizeof(float) * lanes * (size_t)d->wrows);
    memset(det->wscale, 0, sizeof(float) * lanes * DET_WAVELETS);
    memset(det->wz, 0, sizeof(float) * lanes * (size_t)d->erows);
    memset(det->noise_ring, 0, sizeof(uint16_t) * c * (size_t)d->noise_cap);
    memset(det->noise_hist, 0, sizeof(uint32_t) * c * DET_NOISE_BINS);
    memset(det->acf, 0, sizeof(double) * c * (size_t)(d->lags + 1));
    memset(det->busy, 0, sizeof(uint64_t) * c * (size_t)d->busy_words);
    memset(det->runset, 0, sizeof det->runset);
    fasc_det_thresholds(det);
    det->npending = 0;
    det->qhead = det->qcount = 0;
    det->t = det->now = 0;
    det->flushed = false;
    det->dropped = 0;
    det->suppressed = 0;
    det->pf_next_n = 0;
    det->ntemplates = 0;
    memset(det->cmr_tau, 0, sizeof(float) * c);
    det->cmr_env = det->cmr_gate = det->cmr_decay = 0.0f; /* the decay too: set at the first chunk end, as after init */
    det->pf_from = INT64_MAX;
    det->wq_restart = INT64_MAX;
    memcpy(det->pf_cur, d->pf, sizeof det->pf_cur);
    det->pf_cur_n = d->pf_n;
}

static void segment(fasc_detector *det, const float *const *x, size_t pos,
                    fasc_index t0, int len)
{
    const det_design *d = &det->d;
    uint8_t hot[FASC_MAX_CHANNELS / DET_LANES];
    fasc_det_load_input(det, x, pos, t0, len);
    det->smooth(det, 0, d->groups, t0, len, hot);
    uint64_t cand[DET_WORDS];
    memcpy(cand, det->runset, sizeof cand);
    uint64_t any = 0;
    for (int g = 0; g < d->groups; g++)
        for (unsigned m = hot[g]; m; m &= m - 1) {
            int c = g * DET_LANES + __builtin_ctz(m);
            const uint64_t *nb = det->nbmask + (size_t)c * DET_WORDS;
            fasc_det_bit_set(cand, c, true);
            for (int w = 0; w < DET_WORDS; w++)
                cand[w] |= nb[w];
        }
    for (int w = 0; w < DET_WORDS; w++)
        any |= cand[w];
    if (!any && det->npending == 0)
        return;
    int list[FASC_MAX_CHANNELS], n = 0;
    for (int w = 0; w < DET_WORDS; w++)
        for (uint64_t m = cand[w]; m; m &= m - 1) {
            int c = w * 64 + __builtin_ctzll(m);
            if (c < d->channels)
                list[n++] = c;
        }
    for (int j = 0; j < len; j++) {
        const fasc_index t = t0 + j;
        if (t < d->d_max)
            continue;
        det->now = t + 1;
        for (int k = 0; k < n; k++)
            fasc_det_step(det, list[k], t);
        if (det->npending)
            fasc_det_finalise_ready(det, t - d->d_max, false);
    }
}

int fasc_detector_process(fasc_detector *det, const float *const *x, size_t n)
{
    if (!det || (n > 0 && !x))
        return FASC_ERR_INVALID_ARGUMENT;
    for (int c = 0; n > 0 && c < det->d.channels; c++)
        if (!x[c])
            return FASC_ERR_INVALID_ARGUMENT;
    if (det->flushed)
        return FASC_ERR_STATE;
    for (size_t pos = 0; pos < n;) {
        const fasc_index t0 = det->t;
        size_t len = DET_CHUNK - (size_t)(t0 % DET_CHUNK);
        if (len > n - pos)
            len = n - pos;
        segment(det, x, pos, t0, (int)len);
        det->t += (fasc_index)len;
        pos += len;
        if (det->t % DET_CHUNK == 0)
            fasc_det_chunk_end(det);
    }
    return FASC_OK;
}

int fasc_detector_flush(fasc_detector *det)
{
    if (!det)
        return FASC_ERR_INVALID_ARGUMENT;
    if (det->flushed)
        return FASC_OK;
    det->now = det->t;
    fasc_det_close_all(det);
    fasc_det_finalise_ready(det, 0, true);
    det->flushed = true;
    return FASC_OK;
}

int fasc_detector_next(fasc_detector *det, fasc_detection *ev, float *snippets,
                       size_t capacity)
{
    if (!det || !ev || (!snippets && capacity > 0))
        return FASC_ERR_INVALID_ARGUMENT;
    if (det->qcount == 0)
        return 0;
    const fasc_detection *q = &det->queue[det->qhead];
    const size_t need = (size_t)fasc_detection_rows(q) * q->snippet_length;
    *ev = *q;
    if (capacity > 0 && capacity < need)
        return FASC_ERR_BUFFER_TOO_SMALL;
    if (capacity > 0)
        memcpy(snippets, det->qsnip + det->qhead * FASC_DETECTOR_MAX_EVENT_CHANNELS *
                                          (size_t)det->d.snip_len,
               sizeof(float) * need);
    det->qhead = (det->qhead + 1) % (size_t)det->d.queue_cap;
    det->qcount--;
    return 1;
}
