/* Configuration, memory layout, lifecycle and queries of fasc_classifier. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cls_internal.h"
#include "../common/config_util.h"
#include "../common/layout_check.h"

void fasc_classifier_config_default(fasc_classifier_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = 2048.0;
    cfg->channels = 1;
    cfg->geometry = FASC_GEOMETRY_LINE;
    cfg->block_s = 0.125;
    cfg->baseline_s = 60.0;
    cfg->voluntary_ratio = 2.0;
    cfg->voluntary_min_s = 0.5;
    cfg->voluntary_min_events_per_s = 8.0;
    cfg->epoch_margin_s = 0.25;
    cfg->artefact_margin_s = 0.0;
    cfg->ecg = true;
    cfg->ecg_window_s = 0.06;
    cfg->unit_pre_s = 0.010;
    cfg->unit_post_s = 0.015;
    /* a discharge of the unit leaves noise only: Σ(x - t)² / (L σ² (1/n + 1))
     * is then χ²_k / k with k = 2BT ≈ 22 (the 25 ms window of 20-450 Hz
     * noise; Slepian, Proc IEEE 64:292, 1976), whose 99.6th percentile is 2 */
    cfg->unit_match = 2.0;
    cfg->unit_min_discharges = 3;
    cfg->snippet_pre_s = 0.020;
    cfg->snippet_post_s = 0.030;
    cfg->queue_capacity = 1024;
    cfg->candidate_delay_s = 0.1;
}

int fasc_classifier_config_check(const fasc_classifier_config *c, const char **why)
{
    FASC_REQUIRE(c, "classifier config is NULL");
    FASC_REQUIRE(fasc_in_range(c->sample_rate, FASC_MIN_SAMPLE_RATE, FASC_MAX_SAMPLE_RATE),
                 "classifier.sample_rate: must be 500 to 48000 Hz");
    FASC_REQUIRE(c->channels >= 1 && c->channels <= FASC_MAX_CHANNELS,
                 "classifier.channels: must be 1 to 256");
    FASC_REQUIRE(fasc_in_range(c->block_s, 0.05, 1.0), "classifier.block_s: must be 0.05 to 1 s");
    FASC_REQUIRE(fasc_in_range(c->baseline_s, 10.0, 600.0),
                 "classifier.baseline_s: must be 10 to 600 s");
    FASC_REQUIRE(fasc_in_range(c->voluntary_ratio, 1.2, 20.0),
                 "classifier.voluntary_ratio: must be 1.2 to 20");
    FASC_REQUIRE(fasc_in_range(c->voluntary_min_s, 0.1, 10.0),
                 "classifier.voluntary_min_s: must be 0.1 to 10 s");
    FASC_REQUIRE(fasc_in_range(c->voluntary_min_events_per_s, 0.0, 1000.0),
                 "classifier.voluntary_min_events_per_s: must be 0 to 1000 per s");
    FASC_REQUIRE(fasc_in_range(c->epoch_margin_s, 0.0, 2.0),
                 "classifier.epoch_margin_s: must be 0 to 2 s");
    FASC_REQUIRE(fasc_in_range(c->artefact_margin_s, 0.0, 2.0),
                 "classifier.artefact_margin_s: must be 0 to 2 s");
    FASC_REQUIRE(fasc_in_range(c->ecg_window_s, 0.0, 0.2),
                 "classifier.ecg_window_s: must be 0 to 0.2 s");
    FASC_REQUIRE(fasc_in_range(c->unit_pre_s, 0.002, 0.05),
                 "classifier.unit_pre_s: must be 0.002 to 0.05 s");
    FASC_REQUIRE(fasc_in_range(c->unit_post_s, 0.002, 0.05),
                 "classifier.unit_post_s: must be 0.002 to 0.05 s");
    FASC_REQUIRE(fasc_in_range(c->unit_match, 1.0, 20.0), "classifier.unit_match: must be 1 to 20");
    FASC_REQUIRE(c->unit_min_discharges >= 1 && c->unit_min_discharges <= 100,
                 "classifier.unit_min_discharges: must be 1 to 100");
    FASC_REQUIRE(fasc_in_range(c->snippet_pre_s, 0.0, 0.5),
                 "classifier.snippet_pre_s: must be 0 to 0.5 s");
    FASC_REQUIRE(fasc_in_range(c->snippet_post_s, 0.0, 0.5),
                 "classifier.snippet_post_s: must be 0 to 0.5 s");
    FASC_REQUIRE(fasc_in_range(c->candidate_delay_s, 0.0, 2.0),
                 "classifier.candidate_delay_s: must be 0 to 2 s");
    FASC_REQUIRE(c->queue_capacity >= 16 && c->queue_capacity <= 65536,
                 "classifier.queue_capacity: must be 16 to 65536");
    FASC_REQUIRE(fasc_layout_known(c->geometry), "classifier.geometry: unknown layout");
    FASC_REQUIRE(fasc_layout_fits(c->geometry, c->grid_rows, c->grid_cols, c->channels),
                 "classifier.grid_rows, grid_cols: rows x columns must equal the channel count");
    return fasc_config_accept(why);
}

int fasc_cls_design(const fasc_classifier_config *cfg, cls_design *d)
{
    int status = fasc_classifier_config_check(cfg, NULL);
    if (status != FASC_OK)
        return status;
    memset(d, 0, sizeof *d);
    const double fs = cfg->sample_rate;
    d->rate = fs;
    d->channels = cfg->channels;
    d->geometry = cfg->geometry;
    d->rows = cfg->geometry == FASC_GEOMETRY_GRID ? cfg->grid_rows : 1;
    d->cols = cfg->geometry == FASC_GEOMETRY_GRID ? cfg->grid_cols : cfg->channels;
    d->block_n = fasc_samples(cfg->block_s, fs);
    d->sub_n = d->block_n / CLS_SUB > 0 ? d->block_n / CLS_SUB : 1;
    d->block_n = d->sub_n * CLS_SUB; /* whole sub-blocks */
    const double block_s = d->block_n / fs;
    d->baseline_blocks = (int)lround(cfg->baseline_s / block_s);
    d->vol_blocks = (int)ceil(cfg->voluntary_min_s / block_s - 1e-9);
    d->margin_blocks = (int)ceil(cfg->epoch_margin_s / block_s - 1e-9);
    d->art_margin_blocks = (int)ceil(cfg->artefact_margin_s / block_s - 1e-9);
    const int widest = d->margin_blocks > d->art_margin_blocks ? d->margin_blocks
                                                               : d->art_margin_blocks;
    /* Candidates arrive up to candidate_delay_s after their offset, which
     * is up to one longest event (60 ms) after their peak: the voluntary
     * test of a block waits for them, one block more for the partial one. */
    d->lag_blocks = (int)ceil((cfg->candidate_delay_s + 0.06) * fs / d->block_n) + 1;
    /* Final once the voluntary test has seen vol_blocks after it and the
     * margins are known. */
    d->delay_blocks = d->vol_blocks + widest + d->lag_blocks;
    d->ring_blocks = fasc_pow2_at_least(2 * (d->delay_blocks + widest + 4));
    d->ratio = cfg->voluntary_ratio;
    d->min_events = cfg->voluntary_min_events_per_s;
    d->ecg = cfg->ecg;
    d->common_median_rows = cfg->common_median_rows;
    d->ecg_win_n = fasc_samples(cfg->ecg_window_s, fs);
    d->ecg_smooth_n = fasc_samples(0.020, fs) | 1;
    /* The QRS complex carries its energy below 40 Hz (Pan & Tompkins, IEEE
     * TBME 32:230, 1985, pass 5-15 Hz; of that the band keeps 20-40 Hz),
     * motor-unit potentials theirs at 50-150 Hz: a low-pass of the
     * channels' mean keeps the beats visible through a contraction. A
     * second-order Butterworth delays low frequencies by sqrt(2)/(2 pi fc). */
    const double qrs_hz = 40.0;
    size_t nsec = 0;
    if (fasc_filter_butterworth(FASC_FILTER_LOWPASS, 2, qrs_hz, 0.0, fs, &d->ecg_lp, 1, &nsec) !=
            FASC_OK || nsec != 1)
        d->ecg_lp = (fasc_biquad){1.0, 0.0, 0.0, 0.0, 0.0};
    d->ecg_lp_delay_n = nsec == 1 ? (int)lround(sqrt(2.0) / (2.0 * 3.14159265358979 * qrs_hz) * fs) : 0;
    /* a beat is confirmed at most ~0.25 s after its R wave; its template
     * window and breadth test reach ecg_win_n further back */
    d->beat_ring_n = fasc_pow2_at_least(fasc_samples(0.30, fs) + 3 * d->ecg_win_n + d->sub_n + 4);
    d->upre_n = fasc_samples(cfg->unit_pre_s, fs);
    d->upost_n = fasc_samples(cfg->unit_post_s, fs);
    d->ulen = d->upre_n + d->upost_n + 1;
    /* The detector's peak may sit on any phase of a potential (it moves by
     * 5-15 ms when two phases are nearly equal), so a discharge is aligned
     * with a template over as many lags as keep the template's window
     * inside the snippet, up to the window's own lead (unit_pre_s); at
     * least the 1 ms of sampling jitter. */
    const int snip_post_n = fasc_samples(cfg->snippet_post_s, fs);
    int room = fasc_samples(cfg->snippet_pre_s, fs) - d->upre_n;
    room = snip_post_n - d->upost_n < room ? snip_post_n - d->upost_n : room;
    room = d->upre_n < room ? d->upre_n : room;
    d->ulag_n = room > fasc_samples(0.001, fs) ? room : fasc_samples(0.001, fs);
    /* Two units' templates are compared at lags up to the 15 ms by which
     * the detector's peak may move between two phases of one potential
     * (units timed on different phases are shifted copies), as long as at
     * least 40 % of the window overlaps. */
    d->merge_lag_n = fasc_samples(0.015, fs);
    if (d->merge_lag_n > d->ulen - (2 * d->ulen + 4) / 5)
        d->merge_lag_n = d->ulen - (2 * d->ulen + 4) / 5;
    d->unit_match = cfg->unit_match;
    fasc_cls_rows_levels(d);
    /* half a millisecond: the detector's timing jitter on one phase */
    d->phase_tol_n = fasc_samples(0.0005, fs) > 1 ? fasc_samples(0.0005, fs) : 1;
    d->unit_min = cfg->unit_min_discharges;
    d->snip_pre_n = fasc_samples(cfg->snippet_pre_s, fs);
    d->snip_len = d->snip_pre_n + fasc_samples(cfg->snippet_post_s, fs) + 1;
    d->queue_cap = cfg->queue_capacity;
    /* 10 ms of exact zeros (or replaced non-finite samples): a lead drops
     * out; a real signal with noise is never exactly 0 that long */
    d->dropout_n = fasc_samples(0.010, fs) > 1 ? fasc_samples(0.010, fs) : 2;
    return FASC_OK;
}

/* Two-pass layout: with base == NULL only the size is computed. */
static size_t take(unsigned char *base, size_t *off, size_t bytes, void **ptr)
{
    size_t at = *off;
    *off += (bytes + CLS_ALIGN - 1) / CLS_ALIGN * CLS_ALIGN;
    if (base)
        *ptr = base + at;
    return at;
}

static size_t layout(const cls_design *d, unsigned char *base, fasc_classifier *cls)
{
    const size_t c = (size_t)d->channels, q = (size_t)d->queue_cap;
    size_t off = 0;
    void *p = NULL;
#define TAKE(field, bytes)                \
    do {                                  \
        take(base, &off, (bytes), &p);    \
        if (base)                         \
            cls->field = p;               \
    } while (0)
    take(base, &off, sizeof(struct fasc_classifier), &p);
    TAKE(ch, sizeof(cls_channel) * c);
    TAKE(blocks, sizeof(cls_block) * c * (size_t)d->ring_blocks);
    TAKE(overall, (size_t)d->ring_blocks);
    TAKE(beat_ring, sizeof(float) * c * (size_t)d->beat_ring_n);
    TAKE(mean_ring, sizeof(float) * (size_t)d->ecg_smooth_n);
    TAKE(mean_run, sizeof(float) * (size_t)d->sub_n);
    TAKE(ecg_tmpl, sizeof(float) * c * (size_t)(2 * d->ecg_win_n + 1));
    TAKE(ecg_left, sizeof(float) * c * (size_t)(2 * d->ecg_win_n + 1));
    TAKE(ecg_cross, sizeof(float) * 3 * c);
    TAKE(unit_snip, sizeof(float) * CLS_SNIP_ROWS * (size_t)d->snip_len);
    TAKE(ecg_snap, sizeof(float) * CLS_SNAPS * c * (size_t)(2 * d->ecg_win_n + 1));
    TAKE(pend, sizeof(cls_pending) * q);
    TAKE(pend_snip, sizeof(float) * q * CLS_SNIP_ROWS * (size_t)d->snip_len);
    TAKE(out, sizeof(fasc_classified) * q);
    TAKE(out_snip, sizeof(float) * q * (size_t)d->snip_len);
    TAKE(ep_ch_start, sizeof(int64_t) * c);
    TAKE(ep_ch_kind, c);
    TAKE(units, sizeof(cls_unit) * FASC_CLASSIFIER_MAX_UNITS);
    TAKE(unit_data, sizeof(float) * FASC_CLASSIFIER_MAX_UNITS * CLS_UNIT_FLOATS * (size_t)d->ulen);
    TAKE(unit_rows, sizeof(int16_t) * FASC_CLASSIFIER_MAX_UNITS * CLS_UNIT_TEST * CLS_NB_ROWS *
                        (size_t)d->ulen);
    TAKE(scratch, sizeof(float) * 3 * (size_t)(d->ulen + 2 * d->ulag_n + 1));
    TAKE(restored, sizeof(float) * (size_t)d->snip_len);
    TAKE(align_x, sizeof(float) * (size_t)(2 * d->ecg_win_n + 1 + 2 * (d->ecg_win_n / 2)));
    TAKE(align_acc, sizeof(float) * (size_t)(2 * (d->ecg_win_n / 2) + 1));
    TAKE(align_total, sizeof(double) * (size_t)(2 * (d->ecg_win_n / 2) + 1));
    /* histograms: counts and rings of each channel, and the beat energy's */
    for (size_t k = 0; k < c; k++) {
        cls_channel *ch = base ? &cls->ch[k] : NULL;
        take(base, &off, sizeof(uint32_t) * CLS_HIST_SLOTS, &p);
        if (ch)
            ch->h_rms.count = p;
        take(base, &off, sizeof(uint16_t) * (size_t)d->baseline_blocks, &p);
        if (ch)
            ch->h_rms.ring = p;
        take(base, &off, sizeof(uint32_t) * CLS_HIST_SLOTS, &p);
        if (ch)
            ch->h_lf.count = p;
        take(base, &off, sizeof(uint16_t) * (size_t)d->baseline_blocks, &p);
        if (ch)
            ch->h_lf.ring = p;
    }
    take(base, &off, sizeof(uint32_t) * CLS_HIST_SLOTS, &p);
    if (base)
        cls->h_mean.count = p;
    take(base, &off, sizeof(uint16_t) * (size_t)d->baseline_blocks, &p);
    if (base)
        cls->h_mean.ring = p;
#undef TAKE
    return off;
}

size_t fasc_classifier_memory_size(const fasc_classifier_config *cfg)
{
    cls_design d;
    if (fasc_cls_design(cfg, &d) != FASC_OK)
        return 0;
    return layout(&d, NULL, NULL) + CLS_ALIGN - 1;
}

int fasc_classifier_init(void *memory, size_t size, const fasc_classifier_config *cfg,
                         fasc_classifier **out)
{
    cls_design d;
    if (!memory || !out || fasc_cls_design(cfg, &d) != FASC_OK)
        return FASC_ERR_INVALID_ARGUMENT;
    const size_t need = layout(&d, NULL, NULL);
    if (size < need + CLS_ALIGN - 1)
        return FASC_ERR_BUFFER_TOO_SMALL;
    unsigned char *base = (unsigned char *)memory;
    base += (CLS_ALIGN - (uintptr_t)base % CLS_ALIGN) % CLS_ALIGN;
    memset(base, 0, need);
    fasc_classifier *cls = (fasc_classifier *)(void *)base;
    cls->d = d;
    layout(&d, base, cls);
    for (int k = 0; k < d.channels; k++) {
        cls->ch[k].h_rms.cap = d.baseline_blocks;
        cls->ch[k].h_lf.cap = d.baseline_blocks;
    }
    cls->h_mean.cap = d.baseline_blocks;
    for (int u = 0; u < FASC_CLASSIFIER_MAX_UNITS; u++) {
        cls->units[u].tmpl = cls->unit_data + (size_t)u * CLS_UNIT_FLOATS * (size_t)d.ulen;
        cls->units[u].nb_tmpl = cls->units[u].tmpl + d.ulen;
        cls->units[u].hist = cls->units[u].nb_tmpl + CLS_NB_ROWS * (size_t)d.ulen;
        cls->units[u].hist_nb = cls->unit_rows + (size_t)u * CLS_UNIT_TEST * CLS_NB_ROWS * (size_t)d.ulen;
    }
    fasc_classifier_reset(cls);
    *out = cls;
    return FASC_OK;
}

int fasc_classifier_create(const fasc_classifier_config *cfg, fasc_classifier **cls)
{
    if (!cls)
        return FASC_ERR_INVALID_ARGUMENT;
    *cls = NULL;
    size_t size = fasc_classifier_memory_size(cfg);
    if (size == 0)
        return FASC_ERR_INVALID_ARGUMENT;
    void *memory = malloc(size);
    if (!memory)
        return FASC_ERR_NO_MEMORY;
    int status = fasc_classifier_init(memory, size, cfg, cls);
    if (status != FASC_OK) {
        free(memory);
        return status;
    }
    (*cls)->allocation = memory;
    return FASC_OK;
}

void fasc_classifier_destroy(fasc_classifier **cls)
{
    if (!cls || !*cls)
        return;
    free((*cls)->allocation);
    *cls = NULL;
}

void fasc_classifier_reset(fasc_classifier *cls)
{
    if (!cls)
        return;
    const cls_design *d = &cls->d;
    for (int k = 0; k < d->channels; k++) {
        cls_channel *ch = &cls->ch[k];
        cls_hist hr = ch->h_rms, hl = ch->h_lf;
        memset(ch, 0, sizeof *ch);
        ch->h_rms = hr;
        ch->h_lf = hl;
        fasc_cls_hist_reset(&ch->h_rms);
        fasc_cls_hist_reset(&ch->h_lf);
        ch->art_until = -1;
        ch->tonic_at = -1;
        cls->ep_ch_start[k] = -1;
        cls->ep_ch_kind[k] = 0;
    }
    fasc_cls_hist_reset(&cls->h_mean);
    memset(cls->blocks, 0, sizeof(cls_block) * (size_t)d->channels * (size_t)d->ring_blocks);
    memset(cls->overall, 0, (size_t)d->ring_blocks);
    memset(cls->beat_ring, 0, sizeof(float) * (size_t)d->channels * (size_t)d->beat_ring_n);
    memset(cls->mean_ring, 0, sizeof(float) * (size_t)d->ecg_smooth_n);
    memset(cls->ecg_tmpl, 0, sizeof(float) * (size_t)d->channels * (size_t)(2 * d->ecg_win_n + 1));
    cls->ecg_left_n = -1;
    cls->t = 0;
    cls->block = 0;
    cls->final_block = 0;
    cls->lead_count = 0;
    cls->onset_window = false;
    cls->flushed = false;
    cls->mean_head = 0;
    cls->lp_z1 = cls->lp_z2 = 0.0;
    cls->mean_sum = 0.0;
    cls->mean_block_sum = 0.0;
    cls->mean_floor = 0.0;
    cls->ring_t = 0;
    cls->peak_val = 0.0f;
    cls->peak_at = cls->above_since = 0;
    cls->in_peak = false;
    cls->beat_pending = -1;
    cls->spk = 0.0;
    cls->spk_since = 0;
    cls->n_beats = cls->n_cand = 0;
    cls->rr = 0.0;
    cls->ecg_tmpl_n = 0;
    cls->snap_next = 0;
    cls->removing = false;
    cls->heartbeats = 0;
    cls->pend_head = cls->pend_len = 0;
    cls->last_peak = -1;
    cls->out_head = cls->out_len = 0;
    cls->dropped = 0;
    cls->ep_vol_start = cls->ep_art_start = -1;
    cls->n_units = 0;
    memset(&cls->tot, 0, sizeof cls->tot);
    cls->count_from = 0;
    cls->raw_join = -1;
    cls->join_at = -1;
}

int fasc_classifier_count_from(fasc_classifier *cls, fasc_index from)
{
    if (!cls || from < cls->t)
        return FASC_ERR_INVALID_ARGUMENT;
    if (cls->flushed)
        return FASC_ERR_STATE;
    cls->count_from = from;
    /* finished events not read yet are all earlier: they go */
    cls->out_head = cls->out_len = 0;
    memset(&cls->tot, 0, sizeof cls->tot);
    for (int k = 0; k < cls->d.channels; k++)
        memset(&cls->ch[k].tot, 0, sizeof cls->ch[k].tot);
    cls->heartbeats = 0;
    /* The trains (intervals, repeats, the tonic test) start again too.
     * Units with fewer than unit_min discharges so far are retired: their
     * templates are one or two discharges, mostly noise, which next to
     * units known from the start would gather those units' outlying
     * discharges (units within 1 of the truth on 63 of 72 recordings
     * kept, 66 retired; bench_classifier_accuracy ... 2). */
    for (int i = 0; i < cls->n_units; i++) {
        cls->units[i].retired |= cls->units[i].discharges < (uint64_t)cls->d.unit_min;
        cls->units[i].discharges = cls->units[i].repeats = 0;
        cls->units[i].n_times = 0;
        /* the split test's windows too: a second pass over one recording
         * brings the same discharges again, whose noise is no new evidence */
        cls->units[i].n_hist = cls->units[i].n_new = 0;
    }
    return FASC_OK;
}

int fasc_classifier_join(fasc_classifier *cls, fasc_index at)
{
    if (!cls || at < cls->t)
        return FASC_ERR_INVALID_ARGUMENT;
    if (cls->flushed)
        return FASC_ERR_STATE;
    cls->raw_join = at;
    cls->join_at = at;
    return FASC_OK;
}

bool fasc_cls_neighbours(const fasc_classifier *cls, int a, int b)
{
    if (a == b)
        return true;
    const cls_design *d = &cls->d;
    if (d->geometry == FASC_GEOMETRY_NONE)
        return false;
    const int ra = a / d->cols, ca = a % d->cols, rb = b / d->cols, cb = b % d->cols;
    return abs(ra - rb) + abs(ca - cb) == 1;
}

int64_t fasc_cls_block_of(const fasc_classifier *cls, fasc_index t)
{
    return t >= 0 ? (int64_t)(t / cls->d.block_n) : -1;
}

cls_block *fasc_cls_block(fasc_classifier *cls, int64_t b, int channel)
{
    const size_t slot = (size_t)(b & (cls->d.ring_blocks - 1));
    return &cls->blocks[slot * (size_t)cls->d.channels + (size_t)channel];
}

uint8_t *fasc_cls_overall(fasc_classifier *cls, int64_t b)
{
    return &cls->overall[(size_t)(b & (cls->d.ring_blocks - 1))];
}

/* ---- queries ---- */

fasc_index fasc_classifier_latency(const fasc_classifier *cls)
{
    return cls ? (fasc_index)(cls->d.delay_blocks + 1) * cls->d.block_n : 0;
}

int fasc_classifier_totals(const fasc_classifier *cls, int channel, fasc_channel_totals *out)
{
    if (!cls || !out || channel < -1 || channel >= cls->d.channels)
        return FASC_ERR_INVALID_ARGUMENT;
    if (channel < 0) {
        *out = cls->tot;
        double sum = 0.0;
        for (int k = 0; k < cls->d.channels; k++)
            sum += cls->ch[k].rest;
        out->rest_rms_uv = sum / cls->d.channels;
    } else {
        *out = cls->ch[channel].tot;
        out->rest_rms_uv = cls->ch[channel].rest;
    }
    return FASC_OK;
}

int fasc_classifier_unit_count(const fasc_classifier *cls)
{
    return cls ? cls->n_units : 0;
}

/* Peak-to-peak, in noise σ, under which a unit's template counts only from
 * one discharge more than unit_min. The detector's false alarms on Gaussian
 * noise are 5.7-9.8 σ peak-to-peak (median 7.6; 41 alarms in 12 ten-minute
 * recordings of fasc-synth --units 0, 8 channels, at its defaults), and a
 * few of them on one lead match one another as noise windows do; averaged,
 * their template keeps the aligned peak and loses the rest, while a motor
 * unit's keeps its size. */
static const float small_unit_sd = 7.0f;

/* Whether u counts as a distinct fasciculating unit. */
static bool unit_counts(const fasc_classifier *cls, const cls_unit *u)
{
    if (u->merged_into || u->beat_locked)
        return false;
    const bool small = u->sd > 0.0f && u->p2p < small_unit_sd * u->sd;
    return u->discharges >= (uint64_t)cls->d.unit_min + small;
}

int fasc_classifier_distinct_units(const fasc_classifier *cls)
{
    int n = 0;
    for (int i = 0; cls && i < cls->n_units; i++)
        n += unit_counts(cls, &cls->units[i]);
    return n;
}

int fasc_classifier_unit(const fasc_classifier *cls, int id, fasc_unit_info *out)
{
    if (!cls || !out || id < 1 || id > cls->n_units)
        return FASC_ERR_INVALID_ARGUMENT;
    const cls_unit *u = &cls->units[id - 1];
    out->id = u->id;
    out->main_channel = u->main_channel;
    out->discharges = u->discharges;
    out->repeats = u->repeats;
    out->peak_to_peak_uv = u->p2p;
    out->merged_into = u->merged_into;
    out->retired = u->retired;
    out->heartbeat_locked = u->beat_locked;
    out->counted = unit_counts(cls, u);
    return FASC_OK;
}

long fasc_classifier_unit_template(const fasc_classifier *cls, int id, float *out,
                                   size_t capacity)
{
    if (!cls || id < 1 || id > cls->n_units || (!out && capacity > 0))
        return FASC_ERR_INVALID_ARGUMENT;
    if (capacity < (size_t)cls->d.ulen)
        return FASC_ERR_BUFFER_TOO_SMALL;
    memcpy(out, cls->units[id - 1].tmpl, sizeof(float) * (size_t)cls->d.ulen);
    return cls->d.ulen;
}

static fasc_index horizon_of(const cls_design *d)
{
    /* a QRS excursion ends at most 0.15 s after it starts (heartbeat.c);
     * the beat is judged 1.5 template windows plus half an energy window
     * after its peak; its template reaches one window further */
    return (fasc_index)ceil(0.15 * d->rate) + 3 * d->ecg_win_n + d->ecg_smooth_n + 2;
}

fasc_index fasc_classifier_heartbeat_horizon(const fasc_classifier *cls)
{
    return cls ? horizon_of(&cls->d) : 0;
}

fasc_index fasc_classifier_config_heartbeat_horizon(const fasc_classifier_config *cfg)
{
    cls_design d;
    return fasc_cls_design(cfg, &d) == FASC_OK ? horizon_of(&d) : -1;
}

uint64_t fasc_classifier_heartbeats(const fasc_classifier *cls, double *rate_bpm)
{
    if (rate_bpm)
        *rate_bpm = cls && cls->rr > 0.0 ? 60.0 * cls->d.rate / cls->rr : 0.0;
    return cls ? cls->heartbeats : 0;
}

uint64_t fasc_classifier_dropped(const fasc_classifier *cls)
{
    return cls ? cls->dropped : 0;
}
