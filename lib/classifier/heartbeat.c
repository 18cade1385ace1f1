/* Heartbeat (QRS) detection on the mean of all channels, beat templates
 * per channel, and the ECG test for candidates. */
#include <math.h>
#include <string.h>

#include "cls_internal.h"
#include "../common/clones.h"
#include "../common/correlate.h"
#include "../detector/loo_median.h"

/* A beat's smoothed energy must exceed this many times the rest floor of
 * that energy, and this fraction of the typical beat (Pan & Tompkins, IEEE
 * TBME 32:230, 1985 set their threshold a quarter of the way from the noise
 * to the signal peak level). */
static const double floor_ratio = 6.0;
static const double signal_fraction = 0.3;
/* An artefact taken for a beat must not hold the threshold above every
 * real beat for the rest of the recording. A beat raises the typical level
 * by at most as much as one four times the typical would (respiration
 * changes QRS amplitude by tens of percent, its energy well under 4-fold);
 * and without a beat for four times the longest RR interval (a contraction
 * may hide beats for seconds) the level halves, as Pan & Tompkins lower
 * their threshold when a beat is overdue. */
static const double spk_step_max = 4.0;
static const double spk_overdue_rr = 4.0;
static const double spk_lower = 0.5;
/* A QRS complex lasts under 120 ms; a longer excursion is not one. */
static const double qrs_max_s = 0.15;
/* Heart rates of 30-200 bpm. */
static const double rr_min_s = 0.3, rr_max_s = 2.0;
/* Intervals that agree within this fraction form a rhythm. */
static const double rr_tolerance = 0.2;
/* A candidate is part of a beat when the beat template leaves at most
 * this much around its peak (noise variance per sample: 1 plus about six
 * standard deviations of a band-limited noise estimate over ~25 samples;
 * a median FP riding on the beat leaves about 8), with a scale within a
 * factor 2 of the average beat. */
static const double ecg_residual = 4.0;
/* half-width of the residual window: a potential's main phases */
static const double focus_s = 0.006;
static const double min_scale = 0.5;
/* ... and when the scaled template carries at least this share of the
 * candidate's own energy there: a weak discharge on the flat stretch
 * beside a QRS leaves little residual energy, but the template, near zero
 * there, cannot have been what the detector found. */
static const double ecg_explained = 0.5;

static float ring_at(const fasc_classifier *cls, int k, fasc_index t)
{
    const size_t slot = (size_t)t & ((size_t)cls->d.beat_ring_n - 1);
    return cls->beat_ring[(size_t)k * (size_t)cls->d.beat_ring_n + slot];
}

/* Samples from..to have been seen (up to the current sample) and are
 * still held (the history is written a run ahead of the current sample). */
static bool in_ring(const fasc_classifier *cls, fasc_index from, fasc_index to)
{
    return from >= 0 && from >= cls->ring_t - cls->d.beat_ring_n && to <= cls->t;
}

/* Most channels must show the complex: an FP touches one to four
 * electrodes, the heart's field all of them. */
static bool broad(const fasc_classifier *cls, fasc_index r)
{
    const cls_design *d = &cls->d;
    const int w = d->ecg_win_n / 2 > 1 ? d->ecg_win_n / 2 : 1;
    if (!in_ring(cls, r - w, r + w))
        return false;
    int seen = 0;
    for (int k = 0; k < d->channels; k++) {
        const float level = 3.0f * cls->ch[k].rest;
        float top = 0.0f;
        for (fasc_index t = r - w; t <= r + w; t++) {
            const float a = fabsf(ring_at(cls, k, t));
            top = a > top ? a : top;
        }
        seen += level > 0.0f && top > level;
    }
    const int need = d->channels >= 3 ? (int)ceil(0.6 * d->channels) : d->channels;
    return seen >= need;
}

static bool update_templates(fasc_classifier *cls, fasc_index r)
{
    const cls_design *d = &cls->d;
    const int w = d->ecg_win_n, len = 2 * w + 1;
    if (!in_ring(cls, r - w, r + w))
        return false;
    const float a = cls->ecg_tmpl_n < 16 ? 1.0f / (float)(cls->ecg_tmpl_n + 1) : 1.0f / 16.0f;
    for (int k = 0; k < d->channels; k++) {
        float *tm = cls->ecg_tmpl + (size_t)k * (size_t)len;
        for (int j = 0; j < len; j++)
            tm[j] += a * (ring_at(cls, k, r - w + j) - tm[j]);
    }
    cls->ecg_tmpl_n++;
    return true;
}

/* Least-squares scale of the beat at r to the templates (all channels),
 * and a snapshot of the templates for its removal (they keep changing with
 * later beats; removal must not depend on when it runs). */
static void keep_for_removal(fasc_classifier *cls, fasc_index r)
{
    const cls_design *d = &cls->d;
    const int w = d->ecg_win_n, len = 2 * w + 1;
    const size_t per = (size_t)d->channels * (size_t)len;
    double sxy = 0.0, syy = 0.0;
    for (int k = 0; k < d->channels; k++) {
        const float *tm = cls->ecg_tmpl + (size_t)k * (size_t)len;
        for (int j = 0; j < len; j++) {
            sxy += (double)tm[j] * ring_at(cls, k, r - w + j);
            syy += (double)tm[j] * tm[j];
        }
    }
    const int slot = cls->snap_next;
    cls->snap_next = (cls->snap_next + 1) % CLS_SNAPS;
    memcpy(cls->ecg_snap + (size_t)slot * per, cls->ecg_tmpl, sizeof(float) * per);
    cls->beat_gain[0] = syy > 0.0 ? (float)(sxy / syy) : 0.0f;
    cls->beat_snap[0] = slot;
    /* an older beat whose snapshot is being reused can no longer be removed */
    for (int j = 1; j < cls->n_beats; j++)
        if (cls->beat_snap[j] == slot)
            cls->beat_snap[j] = -1;
}

/* acc[l] = sum over j < len of t[j] x[j + l], for l < lags (the sums in
 * registers, fasc_correlate), in the caller's instruction-set clone. */
FASC_CLONES static void lagged_products(const float *t, int len, const float *x, int lags,
                                        float *acc)
{
    fasc_correlate(t, len, x, lags, acc);
}

/* Once templates exist, a beat is placed where it best matches them (all
 * channels, within half a template window: the energy peak of a high-passed
 * QRS may fall on either of its lobes), so that the templates average
 * aligned beats and candidates are compared at the right time. */
static fasc_index align(fasc_classifier *cls, fasc_index r)
{
    const cls_design *d = &cls->d;
    const int w = d->ecg_win_n, len = 2 * w + 1, s = d->ecg_win_n / 2, lags = 2 * s + 1;
    if (cls->ecg_tmpl_n < 1 || !in_ring(cls, r - s - w, r + s + w))
        return r;
    double *total = cls->align_total;
    float *x = cls->align_x, *acc = cls->align_acc;
    for (int l = 0; l < lags; l++)
        total[l] = 0.0;
    for (int k = 0; k < d->channels; k++) {
        const float *tm = cls->ecg_tmpl + (size_t)k * (size_t)len;
        for (int i = 0; i < len + lags - 1; i++)
            x[i] = ring_at(cls, k, r - s - w + i);
        lagged_products(tm, len, x, lags, acc);
        for (int l = 0; l < lags; l++)
            total[l] += acc[l];
    }
    fasc_index best = r;
    double top = -INFINITY;
    for (int l = 0; l < lags; l++)
        if (total[l] > top) {
            top = total[l];
            best = r + l - s;
        }
    return best;
}

static void confirm(fasc_classifier *cls, fasc_index r)
{
    r = align(cls, r);
    memmove(cls->beats + 1, cls->beats, sizeof(fasc_index) * (CLS_BEATS - 1));
    memmove(cls->beat_gain + 1, cls->beat_gain, sizeof(float) * (CLS_BEATS - 1));
    memmove(cls->beat_snap + 1, cls->beat_snap, sizeof(int) * (CLS_BEATS - 1));
    cls->beats[0] = r;
    cls->beat_gain[0] = 0.0f;
    cls->beat_snap[0] = -1;
    if (cls->n_beats < CLS_BEATS)
        cls->n_beats++;
    cls->heartbeats += r >= cls->count_from;
    /* removal uses the templates of the earlier beats (this beat's own
     * noise and any discharge riding on it stay), once they average three */
    /* ... and only beats confirmed within the horizon: a bootstrap beat
     * confirmed later could meet samples already cleaned or not, depending
     * on when the cleaning ran */
    if (cls->ecg_tmpl_n >= 3 && in_ring(cls, r - cls->d.ecg_win_n, r + cls->d.ecg_win_n) &&
        cls->t - r <= fasc_classifier_heartbeat_horizon(cls) - cls->d.ecg_win_n)
        keep_for_removal(cls, r);
    update_templates(cls, r);
    fasc_classified ev;
    memset(&ev, 0, sizeof ev);
    /* the P wave starts about 0.25 s before R, the T wave ends about 0.4 s
     * after it at resting rates */
    ev.onset = r - (fasc_index)lround(0.25 * cls->d.rate);
    ev.offset = r + (fasc_index)lround(0.40 * cls->d.rate);
    if (ev.onset < 0)
        ev.onset = 0;
    ev.peak = r;
    ev.channel = -1;
    ev.cls = FASC_CLASS_ECG;
    ev.epoch = true;
    ev.confidence = 1.0f;
    ev.channel_count = 0;
    fasc_cls_queue_beat(cls, &ev);
}

/* The energy peak is broad (its window is 20 ms); the R wave is the
 * largest |mean| within half a window of it. */
static fasc_index refine(const fasc_classifier *cls, fasc_index r)
{
    const cls_design *d = &cls->d;
    const int w = d->ecg_smooth_n / 2;
    if (!in_ring(cls, r - w, r + w))
        return r;
    fasc_index best = r;
    double top = -1.0;
    for (fasc_index t = r - w; t <= r + w; t++) {
        double m = 0.0;
        for (int k = 0; k < d->channels; k++)
            m += ring_at(cls, k, t);
        if (fabs(m) > top) {
            top = fabs(m);
            best = t;
        }
    }
    return best;
}

/* A QRS-like peak at r: keep it if it continues the rhythm, or if the last
 * four candidates form one. */
static void candidate(fasc_classifier *cls, fasc_index r)
{
    const double fs = cls->d.rate;
    r = refine(cls, r);
    if (!broad(cls, r))
        return;
    memmove(cls->cand + 1, cls->cand, sizeof(fasc_index) * (CLS_BEATS - 1));
    cls->cand[0] = r;
    if (cls->n_cand < CLS_BEATS)
        cls->n_cand++;
    if (cls->rr > 0.0 && cls->n_beats > 0) {
        const double gap = (double)(r - cls->beats[0]);
        const double k = floor(gap / cls->rr + 0.5);
        if (k >= 1.0 && k <= 3.0 && fabs(gap - k * cls->rr) <= rr_tolerance * cls->rr) {
            if (k == 1.0)
                cls->rr += 0.125 * (gap - cls->rr);
            confirm(cls, r);
            return;
        }
        /* after a gap (beats hidden by a contraction or artefact), two
         * candidates one interval apart resume the rhythm */
        if (cls->n_cand >= 2 && cls->cand[1] > cls->beats[0]) {
            const double iv = (double)(r - cls->cand[1]);
            if (fabs(iv - cls->rr) <= rr_tolerance * cls->rr) {
                confirm(cls, cls->cand[1]);
                confirm(cls, r);
                return;
            }
        }
        if (gap > 8.0 * cls->rr) /* rhythm lost: start over */
            cls->rr = 0.0;
        else
            return;
    }
    if (cls->n_cand < 4)
        return;
    double lo = 1e300, hi = 0.0, iv[3];
    for (int j = 0; j < 3; j++) {
        iv[j] = (double)(cls->cand[j] - cls->cand[j + 1]);
        lo = iv[j] < lo ? iv[j] : lo;
        hi = iv[j] > hi ? iv[j] : hi;
    }
    if (lo < rr_min_s * fs || hi > rr_max_s * fs || hi > (1.0 + rr_tolerance) * lo)
        return;
    /* median of the three intervals */
    double m = iv[0] + iv[1] + iv[2] - lo - hi;
    cls->rr = m;
    for (int j = 3; j >= 0; j--)
        if (cls->n_beats == 0 || cls->cand[j] > cls->beats[0])
            confirm(cls, cls->cand[j]);
}

/* Stores a run of `len` samples (from index `from` of each channel) in the
 * band history and sums the channels into cls->mean_run. */
FASC_CLONES void fasc_cls_beat_store(fasc_classifier *cls, const float *const *band, size_t from, int len)
{
    const cls_design *d = &cls->d;
    const size_t mask = (size_t)d->beat_ring_n - 1;
    float *m = cls->mean_run;
    for (int j = 0; j < len; j++)
        m[j] = 0.0f;
    const size_t at = (size_t)cls->t & mask;
    const size_t first = at + (size_t)len <= mask + 1 ? (size_t)len : mask + 1 - at;
    for (int k = 0; k < d->channels; k++) {
        const float *x = band[k] + from;
        float *ring = cls->beat_ring + (size_t)k * (size_t)d->beat_ring_n;
        memcpy(ring + at, x, sizeof(float) * first);
        memcpy(ring, x + first, sizeof(float) * ((size_t)len - first));
        /* the lines the next run writes (as long as this one), for
         * writing: 64 rings take more streams than the hardware follows */
        for (int j = 0; j < len; j += 16)
            __builtin_prefetch(ring + ((at + (size_t)len + (size_t)j) & mask), 1);
        for (int j = 0; j < len; j++)
            m[j] += x[j];
    }
    cls->ring_t = cls->t + len;
}

/* The QRS detector's step for sample j of the stored run (cls->t is its
 * index). */
void fasc_cls_beat_sample(fasc_classifier *cls, int j)
{
    const cls_design *d = &cls->d;
    if (!d->ecg)
        return;
    const double in = (double)cls->mean_run[j] / d->channels;
    const fasc_biquad *q = &d->ecg_lp;
    const double m = q->b0 * in + cls->lp_z1;
    cls->lp_z1 = q->b1 * in - q->a1 * m + cls->lp_z2;
    cls->lp_z2 = q->b2 * in - q->a2 * m;
    const float sq = (float)(m * m);
    cls->mean_sum += (double)sq - cls->mean_ring[cls->mean_head];
    cls->mean_ring[cls->mean_head] = sq;
    cls->mean_head = cls->mean_head + 1 == d->ecg_smooth_n ? 0 : cls->mean_head + 1;
    const double e = cls->mean_sum > 0.0 ? cls->mean_sum / d->ecg_smooth_n : 0.0;
    cls->mean_block_sum += e;
    const double floor = cls->mean_floor;
    if (floor <= 0.0)
        return;
    if (cls->spk > 0.0 && (double)(cls->t - cls->spk_since) > spk_overdue_rr * rr_max_s * d->rate) {
        cls->spk *= spk_lower;
        cls->spk_since = cls->t;
    }
    double thr = floor_ratio * floor;
    if (signal_fraction * cls->spk > thr)
        thr = signal_fraction * cls->spk;
    const fasc_index centre = cls->t - (d->ecg_smooth_n - 1) / 2 - d->ecg_lp_delay_n;
    if (e > thr) {
        if (!cls->in_peak) {
            cls->in_peak = true;
            cls->above_since = cls->t;
            cls->peak_val = 0.0f;
        }
        if (e > cls->peak_val) {
            cls->peak_val = (float)e;
            cls->peak_at = centre;
        }
    } else if (cls->in_peak) {
        cls->in_peak = false;
        if ((double)(cls->t - cls->above_since) <= qrs_max_s * d->rate && cls->beat_pending < 0) {
            cls->beat_pending = cls->peak_at;
            cls->beat_pending_val = cls->peak_val;
        }
    }
    /* judged once the template window after it has been seen */
    if (cls->beat_pending >= 0 && cls->t >= cls->beat_pending + d->ecg_win_n + d->ecg_win_n / 2 + d->ecg_smooth_n / 2 + 1) {
        const uint64_t before = cls->heartbeats;
        candidate(cls, cls->beat_pending);
        if (cls->heartbeats > before) {
            const double v = cls->beat_pending_val;
            cls->spk = cls->spk > 0.0 ? 0.875 * cls->spk + 0.125 * fmin(v, spk_step_max * cls->spk)
                                      : v;
            cls->spk_since = cls->t;
        }
        cls->beat_pending = -1;
    }
}

void fasc_cls_beat_block_end(fasc_classifier *cls)
{
    if (!cls->d.ecg)
        return;
    /* recompute the running sum exactly, so rounding never accumulates */
    double s = 0.0;
    for (int j = 0; j < cls->d.ecg_smooth_n; j++)
        s += cls->mean_ring[j];
    cls->mean_sum = s;
    fasc_cls_hist_add(&cls->h_mean, cls->mean_block_sum / cls->d.block_n);
    cls->mean_block_sum = 0.0;
    cls->mean_floor = cls->h_mean.len >= 8 ? fasc_cls_hist_quantile(&cls->h_mean, 0.2) : 0.0;
}

fasc_index fasc_cls_beat_near(const fasc_classifier *cls, fasc_index t, fasc_index window)
{
    /* before a rhythm is known, a QRS-like peak seen on most leads (the
     * breadth test) stands for a beat */
    if (cls->n_beats == 0)
        for (int j = 0; j < cls->n_cand; j++) {
            const fasc_index gap = t - cls->cand[j];
            if (gap >= -window && gap <= window)
                return cls->cand[j];
        }
    for (int j = 0; j < cls->n_beats; j++) {
        const fasc_index gap = t - cls->beats[j];
        if (gap >= -window && gap <= window)
            return cls->beats[j];
        if (gap > window)
            break;
    }
    return -1;
}

/* What is left of the snippet after the beat template placed at `beat` and
 * scaled to it (least squares over their overlap) is removed, per sample
 * of the `focus` window around the candidate's peak and in units of the
 * noise variance (INFINITY when the overlap is short or the scale
 * implausible). The window is where a discharge riding on the beat would
 * leave its energy. */
static double residual(const fasc_classifier *cls, const float *tm, const float *snip,
                       fasc_index start, fasc_index beat, fasc_index peak, double sd,
                       double *explained)
{
    const cls_design *d = &cls->d;
    const int w = d->ecg_win_n, len = 2 * w + 1;
    const fasc_index focus = (fasc_index)lround(focus_s * d->rate);
    double sxy = 0.0, syy = 0.0;
    int n = 0;
    for (int j = 0; j < len; j++) {
        const fasc_index at = beat - w + j - start;
        if (at < 0 || at >= d->snip_len)
            continue;
        sxy += (double)snip[at] * tm[j];
        syy += (double)tm[j] * tm[j];
        n++;
    }
    if (n < d->snip_len / 2 || n < 8 || syy <= 0.0)
        return INFINITY;
    const double a = sxy / syy;
    if (a < min_scale || a > 1.0 / min_scale)
        return INFINITY;
    double rss = 0.0, fit = 0.0;
    int m = 0;
    for (fasc_index u = peak - focus; u <= peak + focus; u++) {
        const fasc_index at = u - start, j = u - (beat - w);
        if (at < 0 || at >= d->snip_len || j < 0 || j >= len)
            continue;
        const double e = snip[at] - a * tm[j];
        rss += e * e;
        fit += a * tm[j] * (a * tm[j]);
        m++;
    }
    *explained = fit + rss > 0.0 ? fit / (fit + rss) : 0.0;
    return m >= focus ? rss / (m * sd * sd) : INFINITY;
}

bool fasc_cls_band_copy(const fasc_classifier *cls, int k, fasc_index from, int len, float *out)
{
    if (!in_ring(cls, from, from + len - 1))
        return false;
    for (int i = 0; i < len; i++)
        out[i] = ring_at(cls, k, from + i);
    return true;
}

/* The candidate's main-channel waveform is a heartbeat when that channel's
 * beat template, placed within ±2 ms of the beat and scaled, leaves no more
 * than noise; without a template yet, its spread decides. */
bool fasc_cls_is_ecg_shape(const fasc_classifier *cls, const fasc_classified *ev,
                           const float *snip, fasc_index snip_start, fasc_index beat, double sd)
{
    const cls_design *d = &cls->d;
    if (cls->ecg_tmpl_n < 3 || !snip || ev->channel < 0 || !(sd > 0.0))
        return ev->channel_count >= (d->channels >= 3 ? (d->channels + 1) / 2 : d->channels);
    const int len = 2 * d->ecg_win_n + 1;
    const float *tm = cls->ecg_tmpl + (size_t)ev->channel * (size_t)len;
    const int lag = (int)lround(0.002 * d->rate);
    double best = INFINITY, share = 0.0;
    for (int l = -lag; l <= lag; l++) {
        double explained = 0.0;
        const double r = residual(cls, tm, snip, snip_start, beat + l, ev->peak, sd, &explained);
        if (r < best) {
            best = r;
            share = explained;
        }
    }
    return best <= ecg_residual && share >= ecg_explained;
}

/* Whether beat j is removed from some of working samples [t0, t1). */
static bool removed_within(const fasc_classifier *cls, int j, fasc_index t0, fasc_index t1)
{
    const fasc_index r = cls->beats[j], w = cls->d.ecg_win_n;
    return cls->beat_snap[j] >= 0 && cls->beat_gain[j] > 0.0f && r + w >= t0 && r - w < t1;
}

int fasc_classifier_heartbeats_within(const fasc_classifier *cls, fasc_index t0, size_t n)
{
    int count = 0;
    for (int j = 0; cls && j < cls->n_beats; j++)
        count += removed_within(cls, j, t0, t0 + (fasc_index)n);
    return count;
}

int fasc_classifier_remove_heartbeats(fasc_classifier *cls, float *const *x, fasc_index t0,
                                      size_t n)
{
    if (!cls || (n > 0 && !x))
        return FASC_ERR_INVALID_ARGUMENT;
    cls->removing = true; /* candidates now come from the cleaned signal */
    const cls_design *d = &cls->d;
    const int w = d->ecg_win_n, len = 2 * w + 1;
    const size_t per = (size_t)d->channels * (size_t)len;
    const fasc_index t1 = t0 + (fasc_index)n; /* exclusive */
    for (int j = 0; j < cls->n_beats; j++) {
        const fasc_index r = cls->beats[j];
        if (!removed_within(cls, j, t0, t1))
            continue;
        const fasc_index lo = r - w > t0 ? r - w : t0, hi = r + w < t1 - 1 ? r + w : t1 - 1;
        const float g = cls->beat_gain[j];
        const float *snap = cls->ecg_snap + (size_t)cls->beat_snap[j] * per;
        for (int k = 0; k < d->channels; k++) {
            const float *tm = snap + (size_t)k * (size_t)len;
            float *xk = x[k];
            for (fasc_index t = lo; t <= hi; t++)
                xk[t - t0] -= g * tm[t - (r - w)];
        }
    }
    return FASC_OK;
}

/* The main channel's snippet as it was before the beat at `beat` was
 * removed from the detector's input (a copy into `out`; false when that
 * beat was not removed). */
bool fasc_cls_restore_beat(const fasc_classifier *cls, const fasc_classified *ev,
                           const float *snip, fasc_index snip_start, fasc_index beat,
                           float *out)
{
    const cls_design *d = &cls->d;
    const int w = d->ecg_win_n, len = 2 * w + 1;
    for (int j = 0; j < cls->n_beats; j++) {
        if (cls->beats[j] != beat)
            continue;
        if (cls->beat_snap[j] < 0 || ev->channel < 0 || !cls->removing)
            return false;
        const float *tm = cls->ecg_snap +
                          (size_t)cls->beat_snap[j] * (size_t)d->channels * (size_t)len +
                          (size_t)ev->channel * (size_t)len;
        memcpy(out, snip, sizeof(float) * (size_t)d->snip_len);
        for (int i = 0; i < d->snip_len; i++) {
            const fasc_index k = snip_start + i - (beat - w);
            if (k >= 0 && k < len)
                out[i] += cls->beat_gain[j] * tm[k];
        }
        return true;
    }
    return false;
}

/* What a leave-one-out common median (the detector's reference: from each
 * channel the median of the others) leaves of each channel's beat
 * template, remade when the templates have changed. A heartbeat reaches
 * every lead with its own size, so the median of the others takes it off
 * only in part: the rest rides on every discharge near the QRS. */
static void make_left(fasc_classifier *cls)
{
    const cls_design *d = &cls->d;
    const int n = d->channels, len = 2 * d->ecg_win_n + 1;
    float *col = cls->ecg_cross, *med = col + n, *scratch = med + n;
    for (int j = 0; j < len; j++) {
        for (int c = 0; c < n; c++)
            col[c] = cls->ecg_tmpl[(size_t)c * (size_t)len + (size_t)j];
        fasc_det_loo_medians_ref(col, scratch, n, med);
        for (int c = 0; c < n; c++)
            cls->ecg_left[(size_t)c * (size_t)len + (size_t)j] = col[c] - med[c];
    }
    cls->ecg_left_n = cls->ecg_tmpl_n;
}

const float *fasc_cls_beat_left(fasc_classifier *cls, fasc_index snip_start, fasc_index *beat)
{
    const cls_design *d = &cls->d;
    if (!d->common_median_rows || !d->ecg || cls->ecg_tmpl_n < 3 || d->channels < 3)
        return NULL;
    const fasc_index half = d->snip_len / 2;
    *beat = fasc_cls_beat_near(cls, snip_start + half, d->ecg_win_n + half);
    if (*beat < 0)
        return NULL;
    if (cls->ecg_left_n != cls->ecg_tmpl_n)
        make_left(cls);
    return cls->ecg_left;
}
