/* Configuration defaults and their translation into sample counts. */
#include <math.h>
#include <string.h>

#include "det_internal.h"
#include "../common/config_util.h"
#include "../common/layout_check.h"

/* Smoothing windows of about 2.5, 5 and 10 ms: the shortest matches the
 * main phase of a fasciculation potential, the longest its whole bi- or
 * triphasic shape (6–14 ms), where the energy of weak potentials adds up. */
static const double det_scale_s[DET_SCALES] = {0.0025, 0.005, 0.010};
/* Guard around events kept out of the noise estimate. */
static const double det_guard_s = 0.005;
/* Two maxima of the 2.5 ms energy this far apart are two discharges: 10 %
 * below the 10 ms rule, as the maxima of overlapping potentials 10 ms apart
 * move slightly towards each other. */
static const double det_split_s = 0.009;
/* Pause between two discharges (2.5 ms energy below release) needed to
 * split a run. */
static const double det_split_gap_s = 0.002;
static const double det_warmup_s = 0.5;
/* Weak candidates (template confirmation only) from this wavelet z on. */
static const double det_weak_z = 4.0;
/* The noise estimate uses about this many samples per second: 1024 in the
 * default 4 s window put the MAD within ~2 % (512 gave 1.6 % at twice the
 * cache traffic of the per-channel rings, the detector's costliest part). */
static const double det_noise_rate = 256.0;
/* confirm_threshold is the level for this many channels and for rates up
 * to this many Hz, fasc-synth's default, on which it was set (see
 * family_level) */
static const int det_family_channels = 8;
static const double det_family_rate = 2048.0;

/* Gaussian upper tail Q(z). */
static double upper_tail(double z)
{
    return 0.5 * erfc(z / sqrt(2.0));
}

/* Every channel is tested on its own, so noise crosses a level C / 8 times
 * as often on C channels as on 8 (the Bonferroni argument): the level
 * given for 8 channels is raised to z_C with Q(z_C) = Q(z) 8 / C, which
 * keeps the false detections per recording of 8 channels. Measured on one
 * hour of 64-channel fasc-synth at 20 dB: 3.2 false FPs per minute at 5.5,
 * 0.75 at 5.86, the same true ones found. A candidate's wavelet match is
 * tested at every sample too, and noise reaches a level about fs / 2048
 * times as often at fs as at 2048 Hz: 29 false FPs against 15 in four
 * recordings of 10 minutes without FPs (fasc-synth --units 0
 * --all-artefacts, seeds 101-107 odd) at 4000 Hz and at 2048 Hz, 13 at
 * 4000 Hz with the level raised by the same rule, Q(z') = Q(z) 2048 / fs.
 * Below 2048 Hz the level is kept. */
static double family_level(double z, int channels, double rate)
{
    double share = 1.0;
    if (channels > det_family_channels)
        share *= (double)det_family_channels / channels;
    if (rate > det_family_rate)
        share *= det_family_rate / rate;
    if (!(z > 0.0) || share >= 1.0)
        return z;
    const double target = upper_tail(z) * share;
    double lo = z, hi = z + 4.0;
    for (int i = 0; i < 60; i++) {
        const double mid = 0.5 * (lo + hi);
        if (upper_tail(mid) > target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static const double det_threshold_update_s = 0.25;
static const double det_acf_average_s = 2.0;
/* z = (x / σ)² is clamped here (|x| = 32 σ, far above any ceiling) so that
 * the integer window sums below cannot overflow. */
static const double det_z_max = 1024.0;

void fasc_detector_config_default(fasc_detector_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = 2048.0;
    cfg->channels = 1;
    cfg->geometry = FASC_GEOMETRY_LINE;
    cfg->threshold = 5.0;
    cfg->release = 2.0;
    cfg->noise_window_s = 4.0;
    cfg->group_window_s = 0.003;
    cfg->dead_time_s = 0.004;
    cfg->max_event_s = 0.060;
    cfg->ceiling_sd = 40.0;
    cfg->ceiling_uv = 0.0;
    cfg->snippet_pre_s = 0.020;
    cfg->snippet_post_s = 0.030;
    cfg->queue_capacity = 256;
    cfg->common_median = false;
    cfg->common_median_band = 0.0;
    cfg->confirm_threshold = 5.5;
    cfg->shadow_s = 0.040;
    cfg->prefilter_sections = 0;
    cfg->timing_highpass_hz = 10.0;
    cfg->wavelet_threshold = 5.0;
}

int fasc_detector_config_check(const fasc_detector_config *cfg, const char **why)
{
    FASC_REQUIRE(cfg, "detector config is NULL");
    FASC_REQUIRE(fasc_in_range(cfg->sample_rate, FASC_MIN_SAMPLE_RATE, FASC_MAX_SAMPLE_RATE),
                 "detector.sample_rate: must be 500 to 48000 Hz");
    FASC_REQUIRE(cfg->channels >= 1 && cfg->channels <= FASC_MAX_CHANNELS,
                 "detector.channels: must be 1 to 256");
    FASC_REQUIRE(fasc_in_range(cfg->threshold, 0.0, 20.0), "detector.threshold: must be 0 to 20");
    FASC_REQUIRE(fasc_in_range(cfg->release, 0.0, cfg->threshold) && cfg->release < cfg->threshold,
                 "detector.release: must be at least 0 and below the threshold");
    FASC_REQUIRE(fasc_in_range(cfg->noise_window_s, 1.0, 60.0),
                 "detector.noise_window_s: must be 1 to 60 s");
    FASC_REQUIRE(fasc_in_range(cfg->group_window_s, 0.0, 0.02),
                 "detector.group_window_s: must be 0 to 0.02 s");
    FASC_REQUIRE(fasc_in_range(cfg->dead_time_s, 0.0, 0.010) && cfg->dead_time_s < 0.010,
                 "detector.dead_time_s: must be at least 0 and below 0.010 s");
    FASC_REQUIRE(fasc_in_range(cfg->max_event_s, 0.02, 0.5),
                 "detector.max_event_s: must be 0.02 to 0.5 s");
    FASC_REQUIRE(cfg->ceiling_sd > 0.0 && cfg->ceiling_sd <= 1e6,
                 "detector.ceiling_sd: must be above 0 and at most 1e6");
    FASC_REQUIRE(fasc_in_range(cfg->ceiling_uv, 0.0, 1e12),
                 "detector.ceiling_uv: must be 0 (off) to 1e12 uV");
    FASC_REQUIRE(fasc_in_range(cfg->snippet_pre_s, 0.0, 0.5),
                 "detector.snippet_pre_s: must be 0 to 0.5 s");
    FASC_REQUIRE(fasc_in_range(cfg->snippet_post_s, 0.0, 0.5),
                 "detector.snippet_post_s: must be 0 to 0.5 s");
    FASC_REQUIRE(cfg->queue_capacity >= 1 && cfg->queue_capacity <= 65536,
                 "detector.queue_capacity: must be 1 to 65536");
    FASC_REQUIRE(fasc_in_range(cfg->confirm_threshold, 0.0, 20.0),
                 "detector.confirm_threshold: must be 0 (off) to 20");
    FASC_REQUIRE(fasc_in_range(cfg->shadow_s, 0.0, 0.1), "detector.shadow_s: must be 0 (off) to 0.1 s");
    FASC_REQUIRE(fasc_in_range(cfg->wavelet_threshold, 0.0, 20.0),
                 "detector.wavelet_threshold: must be 0 (off) to 20");
    FASC_REQUIRE(cfg->prefilter_sections >= 0 &&
                     cfg->prefilter_sections <= FASC_DETECTOR_MAX_PREFILTER,
                 "detector.prefilter_sections: must be 0 to 16");
    for (int k = 0; k < cfg->prefilter_sections; k++) {
        const fasc_biquad *q = &cfg->prefilter[k];
        FASC_REQUIRE(isfinite(q->b0) && isfinite(q->b1) && isfinite(q->b2) && isfinite(q->a1) &&
                         isfinite(q->a2),
                     "detector.prefilter: a coefficient is not finite");
    }
    FASC_REQUIRE(fasc_in_range(cfg->timing_highpass_hz, 0.0, 0.25 * cfg->sample_rate),
                 "detector.timing_highpass_hz: must be 0 (off) to a quarter of the sample rate");
    FASC_REQUIRE(fasc_layout_known(cfg->geometry), "detector.geometry: unknown layout");
    FASC_REQUIRE(fasc_layout_fits(cfg->geometry, cfg->grid_rows, cfg->grid_cols, cfg->channels),
                 "detector.grid_rows, grid_cols: rows x columns must equal the channel count");
    FASC_REQUIRE(fasc_in_range(cfg->common_median_band, 0.0, 10.0),
                 "detector.common_median_band: must be 0 to 10");
    /* The median of one or two channels is (a mean of) the signal itself. */
    FASC_REQUIRE(!cfg->common_median || cfg->channels >= 3,
                 "detector.common_median: needs at least 3 channels");
    return fasc_config_accept(why);
}

static void design_scales(det_design *d)
{
    for (int s = 0; s < DET_SCALES; s++) {
        /* nearest odd length >= 3; two boxes of a give a triangle 2a - 1 */
        int len = 2 * (int)floor(det_scale_s[s] * d->rate / 2.0) + 1;
        if (det_scale_s[s] * d->rate - len > 1.0)
            len += 2;
        if (len < 3)
            len = 3;
        d->a[s] = (len + 1) / 2;
    }
    /* z is quantised to multiples of 1 / qscale and summed exactly in 32-bit
     * integers (no drift over hours, bit-identical on every SIMD width);
     * qscale is the largest power of two keeping the longest window's sum
     * of clamped z below 2^31. */
    const double amax = d->a[DET_SCALES - 1];
    d->qscale = 1.0f;
    while (2.0 * d->qscale * amax * amax * det_z_max < 2147483647.0)
        d->qscale *= 2.0f;
    d->z_max = (float)det_z_max;
    for (int s = 0; s < DET_SCALES; s++)
        d->norm[s] = (float)(1.0 / ((double)d->a[s] * d->a[s] * d->qscale));
    d->d_max = d->a[DET_SCALES - 1] - 1;
    for (int s = 0; s < DET_SCALES; s++)
        d->off[s] = d->a[DET_SCALES - 1] - d->a[s];
    /* z from t back to t - off - 2a = t - amax - a (kernel_template.h) */
    d->zrows = fasc_pow2_at_least(2 * d->a[DET_SCALES - 1] + 1);
    d->lags = 2 * d->a[DET_SCALES - 1] - 2;
}

static void design_events(const fasc_detector_config *cfg, det_design *d)
{
    const double fs = d->rate;
    d->max_n = fasc_samples(cfg->max_event_s, fs);
    d->dead_n = fasc_samples(cfg->dead_time_s, fs);
    if (d->dead_n < 1)
        d->dead_n = 1;
    d->gw_n = fasc_samples(cfg->group_window_s, fs);
    d->pre_n = fasc_samples(cfg->snippet_pre_s, fs);
    d->post_n = fasc_samples(cfg->snippet_post_s, fs);
    d->snip_len = d->pre_n + d->post_n + 1;
    d->max_pre_n = 2 * d->a[DET_SCALES - 1] - 1;
    d->split_n = fasc_samples(det_split_s, fs);
    d->split_gap_n = fasc_samples(det_split_gap_s, fs);
    if (d->split_gap_n < 1)
        d->split_gap_n = 1;
    d->guard_n = fasc_samples(det_guard_s, fs);
    /* A group is ready once its snippets are complete and no neighbouring
     * run that could still join it is open; such a run started within the
     * group window of the group's last crossing and lasts at most
     * max_n + dead_n. */
    long wait = (long)d->gw_n + d->max_n + d->dead_n;
    /* Verification (verify.c) reads 4 ms around the event plus a wavelet's
     * half span, and the zero-phase pass 10 ms before and 30 ms after. */
    d->confirm = family_level(cfg->confirm_threshold, cfg->channels, d->rate);
    d->shadow_n = fasc_samples(cfg->shadow_s, fs);
    /* Two accepted peaks closer than this on one or neighbouring channels
     * are one discharge: below the 10 ms of the shortest repeat discharge
     * the issue and the literature count (Bashford et al. 2020). */
    d->refractory_n = fasc_samples(0.008, fs);
    fasc_det_wavelet_design(d);
    /* candidate wavelets: orders 1 and 2 of the widest width whose half
     * span fits in the centring delay (1.2 ms at 2048 Hz; the other widths
     * and order 3 added no recall on the synthetic recordings) */
    d->ncw = 0;
    for (int w = 0; d->confirm > 0.0 && cfg->wavelet_threshold > 0.0 && w < d->nw; w++)
        if (d->w_order[w] == 1 && d->w_half[w] <= d->d_max)
            for (int v = 0; v < d->nw; v++)
                if (d->w_order[v] == 2 && d->w_half[v] == d->w_half[w]) {
                    d->cw[0] = w;
                    d->cw[1] = v;
                    d->ncw = 2;
                }
    /* Below the candidate level, down to det_weak_z, a wavelet crossing is
     * a weak candidate that only a known unit's template can confirm. */
    d->strong_z = cfg->wavelet_threshold < cfg->threshold ? cfg->wavelet_threshold : cfg->threshold;
    const double weak = det_weak_z < cfg->wavelet_threshold ? det_weak_z : cfg->wavelet_threshold;
    d->wthr2 = (float)(weak * weak);
    d->wrows = DET_CHUNK + 2 * d->d_max; /* a chunk and its span */
    d->vpad_n = fasc_samples(0.004, fs);
    d->zp_left_n = fasc_samples(0.010, fs);
    d->zp_right_n = fasc_samples(0.030, fs);
    /* local background: 50 ms ending 5 ms before the onset */
    d->loc_n = fasc_samples(0.050, fs);
    d->loc_gap_n = fasc_samples(0.005, fs);
    /* templates: ±15 ms main-channel windows (potentials of up to 20 ms,
     * centred on any of their phases), aligned over ±16 ms: a discharge
     * timed on another phase than the template's centre is up to a whole
     * potential away (at ±8 ms, 10-20 ms flips found no template) */
    d->tw_n = fasc_samples(0.015, fs);
    d->tlag_n = fasc_samples(0.016, fs);
    /* the main channel's trace, then one per neighbour (a line has two, a
     * grid four) */
    d->tslots = 1 + (d->geometry == FASC_GEOMETRY_NONE ? 0
                     : d->geometry == FASC_GEOMETRY_GRID ? 4 : 2);
    /* templates are read from the event's zero-phase signal */
    if (d->tw_n + d->tlag_n > d->zp_left_n)
        d->zp_left_n = d->tw_n + d->tlag_n;
    /* Room for a few units per channel besides the one-member templates
     * that ECG, voluntary MUAPs and noise leave behind. */
    d->max_templates = 32 + 4 * d->channels;
    d->vwin_max = d->max_n + 2 * d->vpad_n + 1;
    d->ready_n = d->post_n;
    if (d->vpad_n + d->w_half_max > d->ready_n)
        d->ready_n = d->vpad_n + d->w_half_max;
    if (d->zp_right_n > d->ready_n)
        d->ready_n = d->zp_right_n;
    if (d->tw_n + d->tlag_n > d->ready_n)
        d->ready_n = d->tw_n + d->tlag_n;
    d->tail = wait > d->ready_n ? wait : d->ready_n;
    /* A group also waits for an earlier group on its own or a neighbouring
     * channel (groups.c: a discharge is verified before its tail), which
     * lasts at most max_n longer than it. */
    d->tail += d->max_n;
    d->zp_len = d->max_n + d->zp_left_n + d->zp_right_n + 2;
    d->pf_n = cfg->prefilter_sections;
    for (int k = 0; k < d->pf_n; k++)
        d->pf[k] = cfg->prefilter[k];
    /* bilinear-transform corner of the timing high-pass (0: off) */
    const double pi = 3.14159265358979323846;
    d->zp_hp_k = tan(pi * cfg->timing_highpass_hz / fs);
}

static void design_memory(const fasc_detector_config *cfg, det_design *d)
{
    const double fs = d->rate;
    d->erows = fasc_pow2_at_least(DET_CHUNK + d->max_pre_n + 1);
    /* Noise is fed once its samples can no longer be claimed by an event:
     * a run found at tau marks back to its onset - guard. */
    long fd = d->d_max + d->max_pre_n + d->guard_n + 1;
    d->feed_delay = (int)((fd + DET_CHUNK - 1) / DET_CHUNK * DET_CHUNK);
    long left = d->pre_n;
    if (d->vpad_n + d->w_half_max > left)
        left = d->vpad_n + d->w_half_max;
    if (d->zp_left_n > left)
        left = d->zp_left_n;
    if (d->loc_n + d->loc_gap_n > left)
        left = d->loc_n + d->loc_gap_n;
    if (d->tw_n + d->tlag_n > left)
        left = d->tw_n + d->tlag_n;
    long snippet_need = (long)d->d_max + d->tail + d->max_n + left + 2;
    long noise_need = (long)d->feed_delay + DET_CHUNK + d->lags + 2;
    d->hrows = fasc_pow2_at_least(snippet_need > noise_need ? snippet_need : noise_need);
    /* busy bits are kept long enough for the autocorrelation windows and
     * for the wavelet noise windows (verify.c) */
    d->keep_n = d->lags > 2 * d->w_half_max + 48 ? d->lags : 2 * d->w_half_max + 48;
    int lag_words = (d->keep_n + 63) / 64;
    long span = ((long)d->feed_delay + DET_CHUNK + d->guard_n) / 64 + lag_words + 4;
    d->busy_words = fasc_pow2_at_least(span);
    d->noise_step = (int)floor(fs / det_noise_rate);
    if (d->noise_step < 1)
        d->noise_step = 1;
    d->noise_cap = (int)lround(cfg->noise_window_s * fs / d->noise_step);
    d->warm_n = (int)ceil(det_warmup_s * fs / d->noise_step);
    d->thr_chunks = (int)lround(det_threshold_update_s * fs / DET_CHUNK);
    if (d->thr_chunks < 1)
        d->thr_chunks = 1;
    d->acf_alpha = 4.0 * DET_CHUNK / (det_acf_average_s * fs);
    if (d->acf_alpha > 1.0)
        d->acf_alpha = 1.0;
    d->busy_alpha = DET_CHUNK / (0.5 * fs);
    if (d->busy_alpha > 1.0)
        d->busy_alpha = 1.0;
    d->queue_cap = cfg->queue_capacity;
    d->pending_cap = 64 + 4 * d->channels;
}

int fasc_det_design(const fasc_detector_config *cfg, det_design *d)
{
    int status = fasc_detector_config_check(cfg, NULL);
    if (status != FASC_OK)
        return status;
    memset(d, 0, sizeof *d);
    d->channels = cfg->channels;
    d->groups = (cfg->channels + DET_LANES - 1) / DET_LANES;
    d->rate = cfg->sample_rate;
    d->geometry = cfg->geometry;
    d->rows = cfg->geometry == FASC_GEOMETRY_GRID ? cfg->grid_rows : 1;
    d->cols = cfg->geometry == FASC_GEOMETRY_GRID ? cfg->grid_cols : cfg->channels;
    d->common_median = cfg->common_median;
    d->cmr_band = (float)cfg->common_median_band;
    d->cmr_size = 1;
    while (d->cmr_size < cfg->channels)
        d->cmr_size *= 2;
    d->cmr_pairs = cfg->common_median ? fasc_det_sortnet_pairs(d->cmr_size, NULL) : 0;
    d->threshold = cfg->threshold;
    d->release = cfg->release;
    d->ceiling_sd = cfg->ceiling_sd;
    d->ceiling_uv = cfg->ceiling_uv;
    design_scales(d);
    design_events(cfg, d);
    design_memory(cfg, d);
    return FASC_OK;
}
