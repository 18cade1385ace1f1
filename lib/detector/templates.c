/* Per-unit waveform templates for peak timing. A fasciculating motor unit
 * discharges again and again with nearly the same shape; averaging its
 * discharges removes the noise that makes the largest of two similar
 * phases flip from one discharge to the next, so the peak of the average
 * (read at zero phase) times every discharge of the unit consistently.
 * Templates are learnt online from accepted events on their main channel
 * (template matching with a noise-calibrated residual test, as in online
 * spike sorting: Franke et al., J Comput Neurosci 29:127, 2010). */
#include <math.h>
#include <string.h>

#include "det_internal.h"
#include "../common/clones.h"

/* A template times discharges once it holds this many. */
static const int det_template_ready = 3;
/* Running mean over at most this many discharges, then exponential. */
static const int det_template_memory = 32;
/* Amplitude of a member relative to the template. */
static const float det_template_gain_lo = 0.7f, det_template_gain_hi = 1.4f;
/* Residual allowance, in standard deviations of the residual energy a
 * matching member leaves (noise only). */
static const float det_template_residual_sd = 4.0f;
/* A head or tail piece of a discharge: its largest phase is at most this
 * share of the unit's main one (in the template); a template that has
 * learnt a unit's regular doublet holds both discharges at about the same
 * size (within its noise), and must not join them. */
static const float det_piece_share = 0.85f;
/* The same on the template's own span, for timing and learning. */
static const float det_template_close_sd = 2.5f;

/* Trace `slot` of template k: 0 its main channel, j + 1 that channel's
 * neighbour nb[j]. */
static float *trace(const fasc_detector *det, int k, int slot)
{
    const size_t len = (size_t)(2 * det->d.tw_n + 1);
    return det->tdata + ((size_t)k * (size_t)det->d.tslots + (size_t)slot) * len;
}

/* Σ_k ρ(k)² over all lags of the channel's noise autocorrelation: the sum
 * of n squared samples of band-limited noise has variance 2 n Σ ρ² instead
 * of 2 n. */
static float noise_rho2(const fasc_detector *det, int c)
{
    const int lags = det->d.lags;
    const double *r = det->acf + (size_t)c * (size_t)(lags + 1);
    if (!(r[0] > 0.0))
        return 1.0f;
    double sum = 1.0;
    for (int k = 1; k <= lags; k++)
        sum += 2.0 * (r[k] / r[0]) * (r[k] / r[0]);
    return (float)sum;
}

/* The event's zero-phase main-channel signal at u, in σ. */
static float zp_at(const fasc_detector *det, fasc_index u, float inv)
{
    return (float)det->zpscratch[u - det->zp_lo] * inv;
}

static bool zp_holds(const fasc_detector *det, fasc_index a, fasc_index b)
{
    return a >= det->zp_lo && b < det->zp_lo + det->zp_n;
}

/* Main-channel window of the event, W before and after `centre`, in σ. */
static bool window(const fasc_detector *det, int c, fasc_index centre, float *out)
{
    const int w = det->d.tw_n;
    const float inv = det->inv[c];
    if (!zp_holds(det, centre - w, centre + w) || inv == 0.0f)
        return false;
    for (int i = -w; i <= w; i++)
        out[i + w] = zp_at(det, centre + i, inv);
    return true;
}

typedef struct det_fit {
    int index, lag;
    float gain, residual;
} det_fit;

/* Best-fitting template of channel c for the window around `centre`,
 * searching lags of ±tlag samples; index -1 if none passes. x receives the
 * whole span searched, once. */
FASC_CLONES static det_fit best_template(fasc_detector *det, int c, fasc_index centre, float *x)
{
    const det_design *d = &det->d;
    const int len = 2 * d->tw_n + 1, reach = d->tw_n + d->tlag_n;
    det_fit best = {-1, 0, 0.0f, INFINITY};
    const float inv = det->inv[c];
    /* lags whose window lies in the zero-phase signal */
    int lo = -d->tlag_n, hi = d->tlag_n;
    while (lo <= hi && !zp_holds(det, centre + lo - d->tw_n, centre + lo - d->tw_n))
        lo++;
    while (hi >= lo && !zp_holds(det, centre + hi + d->tw_n, centre + hi + d->tw_n))
        hi--;
    if (lo > hi || inv == 0.0f)
        return best;
    for (int i = lo - d->tw_n; i <= hi + d->tw_n; i++)
        x[i + reach] = zp_at(det, centre + i, inv);
    const float rho2 = noise_rho2(det, c);
    /* Σ x² of the window at every lag, for the closed-form residual
     * Σ (x - g t)² = Σ x² - (Σ x t)² / Σ t² at the least-squares gain g */
    const int lags = hi - lo + 1;
    float *xx = det->lagscratch, *xt = xx + 2 * d->tlag_n + 1;
    /* lags innermost, as for Σ x t below: each lag's sum in sample order
     * (one chain of adds per lag would wait on every add) */
    for (int l = 0; l < lags; l++)
        xx[l] = 0.0f;
    for (int i = 0; i < len; i++) {
        const float *xi = x + reach + lo - d->tw_n + i;
        for (int l = 0; l < lags; l++)
            xx[l] += xi[l] * xi[l];
    }
    for (int k = 0; k < det->ntemplates; k++) {
        det_template *t = &det->templates[k];
        if (t->channel != c)
            continue;
        const float *tp = trace(det, k, 0);
        float tt = 0.0f;
        for (int i = 0; i < len; i++)
            tt += tp[i] * tp[i];
        if (!(tt > 0.0f))
            continue;
        const float n = (float)t->count;
        const float expect = (float)len * (1.0f + 1.0f / n);
        const float limit = expect + det_template_residual_sd * sqrtf(2.0f * (float)len * rho2) *
                                         (1.0f + 1.0f / n);
        /* lags innermost: an axpy per template sample, vectorised without
         * reordering any sum */
        for (int l = 0; l < lags; l++)
            xt[l] = 0.0f;
        for (int i = 0; i < len; i++) {
            const float ti = tp[i], *xi = x + reach + lo - d->tw_n + i;
            for (int l = 0; l < lags; l++)
                xt[l] += ti * xi[l];
        }
        for (int l = 0; l < lags; l++) {
            const float gain = xt[l] / tt;
            if (gain < det_template_gain_lo || gain > det_template_gain_hi)
                continue;
            const float r = xx[l] - xt[l] * gain;
            if (r < limit && r < best.residual)
                best = (det_fit){k, lo + l, gain, r};
        }
    }
    return best;
}

/* Whether the event's samples at template indices a..b fit template k,
 * centred at `centre`, within det_template_close_sd standard deviations of
 * noise after their own least-squares gain. */
static bool fits_over(const fasc_detector *det, int k, fasc_index centre, int a, int b)
{
    const int w = det->d.tw_n;
    const int c = det->templates[k].channel;
    const float inv = det->inv[c];
    const float *tp = trace(det, k, 0);
    float xt = 0.0f, tt = 0.0f;
    for (int i = a; i <= b; i++) {
        xt += zp_at(det, centre - w + i, inv) * tp[i];
        tt += tp[i] * tp[i];
    }
    if (!(tt > 0.0f))
        return false;
    const float gain = xt / tt;
    float r = 0.0f;
    for (int i = a; i <= b; i++) {
        const float e = zp_at(det, centre - w + i, inv) - gain * tp[i];
        r += e * e;
    }
    const float n = (float)(b - a + 1), m = (float)det->templates[k].count;
    return r < (n + det_template_close_sd * sqrtf(2.0f * n * noise_rho2(det, c))) * (1.0f + 1.0f / m);
}

/* The span of template k where it holds its potential: from the first to
 * the last sample reaching a quarter of its largest |value|, widened by 3
 * samples; *at receives the largest |value|'s index. */
static void core_of(const fasc_detector *det, int k, int *a_out, int *b_out, int *at)
{
    const int len = 2 * det->d.tw_n + 1;
    const float *tp = trace(det, k, 0);
    int top = 0;
    for (int i = 1; i < len; i++)
        top = fabsf(tp[i]) > fabsf(tp[top]) ? i : top;
    const float level = 0.25f * fabsf(tp[top]);
    int a = 0, b = len - 1;
    while (a < b && fabsf(tp[a]) < level)
        a++;
    while (b > a && fabsf(tp[b]) < level)
        b--;
    *a_out = a - 3 < 0 ? 0 : a - 3;
    *b_out = b + 3 >= len ? len - 1 : b + 3;
    *at = top;
}

/* Whether the event fits template k closely where the template holds its
 * potential (core_of). Over the whole ±15 ms window the noise of some 60
 * samples hides the difference between two units of similar shape on one
 * channel; this test keeps their discharges from being averaged into one
 * template, and a template from timing a unit it does not describe. */
static bool fits_closely(const fasc_detector *det, int k, fasc_index centre)
{
    const int w = det->d.tw_n;
    if (!zp_holds(det, centre - w, centre + w) || det->inv[det->templates[k].channel] == 0.0f)
        return false;
    int a, b, at;
    core_of(det, k, &a, &b, &at);
    return fits_over(det, k, centre, a, b);
}

/* An event that is only a head or tail piece of a known unit's
 * discharge (a long potential whose early or late phases ended a run
 * before the main ones): the template's main phase lies outside the
 * event's span, and what the event holds is the template's own head or
 * tail (it fits there too, which the first discharge of a doublet does
 * not). The event becomes the whole discharge, timed at the main phase,
 * so that the run holding that phase repeats it and is dropped. */
static bool take_whole(fasc_detector *det, fasc_detection *ev, int k, fasc_index centre,
                       int a, int b, int at)
{
    const int w = det->d.tw_n;
    const fasc_index main = centre - w + at;
    if ((main >= ev->onset && main <= ev->offset) || !zp_holds(det, main, main))
        return false;
    int ea = (int)(ev->onset - (centre - w)), eb = (int)(ev->offset - (centre - w));
    ea = ea < 0 ? 0 : ea;
    eb = eb > 2 * w ? 2 * w : eb;
    if (ea > eb || !fits_over(det, k, centre, ea, eb))
        return false;
    /* a piece holds a minor phase only: a template that has learnt a
     * unit's regular doublet holds both discharges at full size */
    const float *tp = trace(det, k, 0);
    float own = 0.0f;
    for (int i = ea; i <= eb; i++)
        own = fmaxf(own, fabsf(tp[i]));
    if (own > det_piece_share * fabsf(tp[at]))
        return false;
    const fasc_index from = centre - w + a < ev->onset ? centre - w + a : ev->onset;
    const fasc_index to = centre - w + b > ev->offset ? centre - w + b : ev->offset;
    if (from <= det->now - det->d.hrows || to >= det->now)
        return false;
    float lo = INFINITY, hi = -INFINITY;
    for (fasc_index u = from; u <= to; u++) {
        const float v = *fasc_det_x(det, ev->main_channel, u);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    ev->onset = from;
    ev->offset = to;
    ev->peak = main;
    ev->channel_peak[0] = main;
    ev->peak_to_peak_uv = hi - lo;
    ev->channel_peak_to_peak_uv[0] = hi - lo;
    ev->polarity = det->zpscratch[main - det->zp_lo] < 0.0 ? -1 : 1;
    return true;
}

FASC_CLONES void fasc_det_template_time(fasc_detector *det, fasc_detection *ev, int *template_index, int *lag,
                            float *gain)
{
    *template_index = -1;
    *lag = 0;
    *gain = 0.0f;
    if (det->d.tw_n <= 0)
        return;
    const det_fit fit = best_template(det, ev->main_channel, ev->peak, det->tscratch);
    if (fit.index < 0)
        return;
    *template_index = fit.index;
    *lag = fit.lag;
    *gain = fit.gain;
    const det_template *t = &det->templates[fit.index];
    if (t->count < det_template_ready)
        return;
    const fasc_index centre = ev->peak + fit.lag;
    const int w = det->d.tw_n;
    if (!zp_holds(det, centre - w, centre + w) || det->inv[ev->main_channel] == 0.0f)
        return;
    int a, b, core_at;
    core_of(det, fit.index, &a, &b, &core_at); /* what fits_closely reads */
    if (!fits_over(det, fit.index, centre, a, b) ||
        take_whole(det, ev, fit.index, centre, a, b, core_at))
        return;
    /* The peak of the unit's average with this discharge added (the
     * template, n members scaled by the fit's gain, plus the discharge
     * itself, all in σ): the estimate of the unit's largest phase that
     * uses every discharge seen; a young template is corrected by the
     * discharge, and two phases of nearly equal size are weighed rather
     * than left to the discharge alone. Only this event's own span may
     * hold it: in a doublet the window also holds the other discharge. */
    const float *tp = trace(det, fit.index, 0);
    const int members = t->count < det_template_memory ? t->count : det_template_memory;
    const float inv = det->inv[ev->main_channel], weight = (float)members * fit.gain;
    fasc_index at = -1;
    float top = -1.0f;
    for (fasc_index u = ev->onset; u <= ev->offset; u++) {
        const fasc_index i = u - centre + w;
        if (i < 0 || i > 2 * w || !zp_holds(det, u, u))
            continue;
        const float v = fabsf(weight * tp[i] + zp_at(det, u, inv));
        if (v > top) {
            top = v;
            at = u;
        }
    }
    if (at < 0)
        return;
    ev->peak = at;
    ev->channel_peak[0] = at;
    ev->polarity = det->zpscratch[at - det->zp_lo] < 0.0 ? -1 : 1;
}

/* Matched-filter z of ready template k on the event's zero-phase main
 * channel, the template's centre at `centre`: the projection of the
 * window on the template over the projection's noise level, which the
 * noise's own autocorrelation sets (Σ_i Σ_j t_i t_j ρ(i - j)); -1 when it
 * cannot be read. A unit's own shape, searched over a few lags, is a far
 * better detector of its weaker discharges than a generic wavelet. */
float fasc_det_template_z(const fasc_detector *det, int k, fasc_index centre)
{
    const det_design *d = &det->d;
    const det_template *t = &det->templates[k];
    const int w = d->tw_n, len = 2 * w + 1, lags = d->lags;
    const float inv = det->inv[t->channel];
    const double *r = det->acf + (size_t)t->channel * (size_t)(lags + 1);
    if (!zp_holds(det, centre - w, centre + w) || inv == 0.0f || !(r[0] > 0.0))
        return -1.0f;
    const float *tp = trace(det, k, 0);
    double xt = 0.0, var = 0.0;
    for (int i = 0; i < len; i++) {
        xt += (double)zp_at(det, centre - w + i, inv) * tp[i];
        double row = tp[i];
        for (int m = 1; m <= lags; m++) {
            const double rho = r[m] / r[0];
            if (i - m >= 0)
                row += rho * tp[i - m];
            if (i + m < len)
                row += rho * tp[i + m];
        }
        var += tp[i] * row;
    }
    return var > 0.0 ? (float)(fabs(xt) / sqrt(var)) : -1.0f;
}

bool fasc_det_template_ready(const fasc_detector *det, int k)
{
    return det->templates[k].count >= det_template_ready;
}

bool fasc_det_channel_has_ready_template(const fasc_detector *det, int c)
{
    for (int k = 0; k < det->ntemplates; k++)
        if (det->templates[k].channel == c && det->templates[k].count >= det_template_ready)
            return true;
    return false;
}

/* Largest peak-to-peak of a tail after a quiet gap, relative to its
 * whole template trace. */
static const float det_tail_ratio = 0.8f;

/* Whether the candidate's main-channel signal over its span is the late
 * part of the last event timed on channel c, as trace `slot` of that
 * event's template (scaled by the event's gain) predicts it: the residual
 * stays within noise (best_template's test). */
static bool tail_of(const fasc_detector *det, const fasc_detection *ev, int c, int slot)
{
    const det_design *d = &det->d;
    const det_channel *ch = &det->ch[c];
    const int k = ch->last_template;
    if (k < 0 || k >= det->ntemplates || det->templates[k].channel != c)
        return false;
    const fasc_index c0 = ch->last_centre;
    /* the candidate's own span must reach into the template's window (its
     * peak may lie just beyond it: the last phase of a long potential) */
    if (ev->peak <= c0 || ev->onset > c0 + d->tw_n || !(ev->peak_to_peak_uv < ch->last_p2p))
        return false;
    fasc_index a = ev->onset < c0 - d->tw_n ? c0 - d->tw_n : ev->onset;
    fasc_index b = ev->offset > c0 + d->tw_n ? c0 + d->tw_n : ev->offset;
    const float inv = det->inv[ev->main_channel];
    if (b < a || !zp_holds(det, a, b) || inv == 0.0f)
        return false;
    const float *tp = trace(det, k, slot);
    /* A unit that fires its doublets so regularly that the template holds
     * both potentials: a second potential as large as the first, after a
     * quiet gap (a split leaves at most a brief low between the pieces of
     * one potential), is a repeat discharge. */
    if (ev->onset > ch->last_end + d->split_gap_n) {
        float lo_all = 0.0f, hi_all = 0.0f, lo_tail = INFINITY, hi_tail = -INFINITY;
        for (int i = 0; i <= 2 * d->tw_n; i++) {
            lo_all = fminf(lo_all, tp[i]);
            hi_all = fmaxf(hi_all, tp[i]);
        }
        for (fasc_index u = a; u <= b; u++) {
            lo_tail = fminf(lo_tail, tp[u - c0 + d->tw_n]);
            hi_tail = fmaxf(hi_tail, tp[u - c0 + d->tw_n]);
        }
        if (!(hi_tail - lo_tail < det_tail_ratio * (hi_all - lo_all)))
            return false;
    }
    const float g = ch->last_gain;
    float r = 0.0f;
    for (fasc_index u = a; u <= b; u++) {
        const float e = zp_at(det, u, inv) - g * tp[u - c0 + d->tw_n];
        r += e * e;
    }
    const float n = (float)(b - a + 1), m = (float)det->templates[k].count;
    const float limit = (n + det_template_residual_sd * sqrtf(2.0f * n * noise_rho2(det, ev->main_channel))) *
                        (1.0f + 1.0f / m);
    return r < limit;
}

/* A long polyphasic potential can be cut in two by the doublet split when
 * the noise hides the brief low between its phases; its late phases then
 * come as a second candidate 10-20 ms after the first, on the same channel
 * or, shifted by the conduction delay, on a neighbour. When the template
 * that timed the previous event there reaches over the new candidate and
 * explains it down to noise, the candidate is that discharge's tail. A
 * repeat discharge adds a whole potential the template does not hold and
 * fails the test, however large or small it is. */
FASC_CLONES bool fasc_det_template_tail(const fasc_detector *det, const fasc_detection *ev)
{
    if (det->d.tw_n <= 0)
        return false;
    const int c = ev->main_channel;
    if (tail_of(det, ev, c, 0))
        return true;
    const det_channel *ch = &det->ch[c];
    for (int j = 0; j < ch->nnb; j++) {
        const det_channel *o = &det->ch[ch->nb[j]];
        for (int i = 0; i < o->nnb && i + 1 < det->d.tslots; i++)
            if (o->nb[i] == c && tail_of(det, ev, ch->nb[j], i + 1))
                return true;
    }
    return false;
}

/* Eviction order: fewer members first (a unit's own template counts as
 * full once it times discharges), then least recently used. */
static bool evict_before(const det_template *a, const det_template *b)
{
    const int ca = a->count < det_template_ready ? a->count : det_template_ready;
    const int cb = b->count < det_template_ready ? b->count : det_template_ready;
    return ca != cb ? ca < cb : a->last_used < b->last_used;
}

/* Neighbour traces of the window around `centre` into out[(j) * len]
 * (trace j + 1), each in its own channel's σ; false when the event's span
 * does not hold the window. Reads the neighbours at zero phase side by
 * side in the lanes of the zero-phase scratch, which verification no
 * longer needs by now. */
static bool neighbour_windows(fasc_detector *det, const fasc_detection *ev, fasc_index centre,
                              float *out)
{
    const det_design *d = &det->d;
    const det_channel *ch = &det->ch[ev->main_channel];
    const int w = d->tw_n, len = 2 * w + 1;
    const int m = ch->nnb < d->tslots - 1 ? ch->nnb : d->tslots - 1;
    if (m <= 0)
        return true;
    double *y = det->zpscratch + 2 * (size_t)d->zp_len;
    /* read in verification's first pass when the span is still the same */
    int lane[DET_MAX_NB];
    bool shared = ev->onset == det->zp_on && ev->offset == det->zp_off;
    for (int j = 0; j < m; j++) {
        lane[j] = det->zp_nb_lane[j];
        shared &= lane[j] >= 0;
    }
    fasc_index lo = det->zp_lo;
    int n = det->zp_n;
    if (!shared) {
        n = fasc_det_zero_phase_lanes(det, ch->nb, m, ev->onset, ev->offset, &lo, y);
        for (int j = 0; j < m; j++)
            lane[j] = j;
    }
    if (centre - w < lo || centre + w >= lo + n)
        return false;
    for (int j = 0; j < m; j++) {
        const float inv = det->inv[ch->nb[j]];
        for (int i = 0; i < len; i++)
            out[(size_t)j * (size_t)len + (size_t)i] =
                (float)y[(size_t)(centre - w + i - lo) * DET_ZP_LANES + (size_t)lane[j]] * inv;
    }
    return true;
}

void fasc_det_template_learn(fasc_detector *det, const fasc_detection *ev, int k, int lag,
                             fasc_index centre)
{
    const det_design *d = &det->d;
    const int len = 2 * d->tw_n + 1;
    /* Not inside dense activity: a contraction's motor units, firing many
     * times a second, would push the fasciculating units' templates out of
     * the store or be averaged into them, and every discharge after the
     * contraction would be timed by the wrong shape. */
    if (d->tw_n <= 0 || det->ch[ev->main_channel].busy_share > DET_BUSY_LIMIT)
        return;
    if (k >= 0 && !fits_closely(det, k, centre + lag))
        k = -1;
    if (k >= 0) {
        det_template *t = &det->templates[k];
        if (!window(det, ev->main_channel, centre + lag, det->tscratch))
            return;
        float *nbw = det->tscratch + 2 * (d->tw_n + d->tlag_n) + 1;
        const int slots = neighbour_windows(det, ev, centre + lag, nbw) ? d->tslots : 1;
        const int n = t->count < det_template_memory ? t->count + 1 : det_template_memory;
        for (int sl = 0; sl < slots; sl++) {
            float *tp = trace(det, k, sl);
            const float *x = sl == 0 ? det->tscratch : nbw + (size_t)(sl - 1) * (size_t)len;
            for (int i = 0; i < len; i++)
                tp[i] += (x[i] - tp[i]) / (float)n;
        }
        t->count++;
        t->last_used = ev->onset;
        return;
    }
    /* A new template. When the store is full it replaces the least
     * recently used of those with the fewest members: a busy stretch
     * (voluntary activity, heartbeats) leaves many one-member templates,
     * and they must not push out a unit that fires once a minute. */
    if (!window(det, ev->main_channel, centre, det->tscratch))
        return;
    int slot = det->ntemplates;
    if (slot == d->max_templates) {
        slot = 0;
        for (int j = 1; j < det->ntemplates; j++)
            if (evict_before(&det->templates[j], &det->templates[slot]))
                slot = j;
    } else {
        det->ntemplates++;
    }
    det_template *t = &det->templates[slot];
    t->channel = ev->main_channel;
    t->count = 1;
    t->last_used = ev->onset;
    memcpy(trace(det, slot, 0), det->tscratch, sizeof(float) * (size_t)len);
    float *nbw = det->tscratch + 2 * (d->tw_n + d->tlag_n) + 1;
    const bool nbs = neighbour_windows(det, ev, centre, nbw);
    for (int sl = 1; sl < d->tslots; sl++) {
        if (nbs)
            memcpy(trace(det, slot, sl), nbw + (size_t)(sl - 1) * (size_t)len, sizeof(float) * (size_t)len);
        else
            memset(trace(det, slot, sl), 0, sizeof(float) * (size_t)len);
    }
}
