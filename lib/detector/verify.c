/* Second stage of the detector: a candidate from the energy statistic is
 * confirmed by its best match with a bank of motor-unit-like wavelets, its
 * peak is timed on a zero-phase version of the signal, and repeated
 * detections and after-effects of larger events are dropped.
 *
 * Why wavelets: a smoothed energy integrates the noise of every waveform
 * shape a window can hold, while a correlation with a shape close to the
 * potential keeps one degree of freedom. Gaussian derivatives of orders 1-3
 * are the bi-, tri- and four-phasic shapes of motor-unit potentials (the
 * Hermite-Rodriguez MUAP model, Lo Conte et al., IEEE TBME 41:1045, 1994),
 * and a bank of them is the continuous-wavelet spike detector of Nenadic &
 * Burdick (IEEE TBME 52:74, 2005). */
#include <math.h>
#include <string.h>

#include "det_internal.h"
#include "../common/clones.h"
#include "../common/correlate.h"

/* One value per lane of a channel group. */
typedef float det_lanes __attribute__((vector_size(DET_LANES * sizeof(float))));

/* Phase widths (Gaussian σ) of the bank: 0.8-2.6 ms covers the phases of
 * 5-20 ms potentials. */
static const double det_wavelet_sigma_s[4] = {0.0008, 0.0012, 0.0018, 0.0026};
/* Below this many samples a Gaussian derivative is no longer resolved. */
static const double det_min_sigma_samples = 0.7;
/* Each wavelet spans ±4 σ (the Gaussian is 3e-4 of its peak there). */
static const double det_wavelet_span = 4.0;
/* Noise factors are running means over this many updates, then
 * exponential averages with this memory (one update per four 64-sample
 * chunks free of events: about a minute at 2048 Hz; they describe the
 * noise spectrum's shape, which changes slowly); they are used after
 * det_wq_ready updates (four per chunk until then, a quarter of a second
 * at 2048 Hz). */
static const uint32_t det_wq_memory = 512;
static const uint32_t det_wq_ready = 32;
/* A window whose mean square exceeds this many σ² is not noise (noise
 * gives 1, within about 0.3 over the ~40 samples of a window): the tail of
 * an electrode pop or a movement swing that the event marks missed. With a
 * minute's memory, one such window would bias the factors for minutes. */
static const float det_wq_power_max = 4.0f;

void fasc_det_wavelet_design(det_design *d)
{
    d->nw = 0;
    d->w_total = 0;
    d->w_half_max = 0;
    for (int order = 1; order <= 3; order++)
        for (int k = 0; k < 4; k++) {
            const double s = det_wavelet_sigma_s[k] * d->rate;
            if (s < det_min_sigma_samples)
                continue;
            const int half = (int)ceil(det_wavelet_span * s);
            d->w_half[d->nw] = half;
            d->w_order[d->nw] = order;
            d->w_off[d->nw] = d->w_total;
            d->w_total += 2 * half + 1;
            if (half > d->w_half_max)
                d->w_half_max = half;
            d->nw++;
        }
}

/* Orders 1-3 of the Gaussian derivative family, in the order the design
 * enumerated them, normalised to unit energy. */
void fasc_det_wavelet_taps(fasc_detector *det)
{
    const det_design *d = &det->d;
    int w = 0;
    for (int order = 1; order <= 3; order++)
        for (int k = 0; k < 4; k++) {
            const double s = det_wavelet_sigma_s[k] * d->rate;
            if (s < det_min_sigma_samples)
                continue;
            const int half = d->w_half[w];
            float *h = det->wtaps + d->w_off[w];
            double energy = 0.0;
            for (int j = -half; j <= half; j++) {
                const double u = j / s, g = exp(-0.5 * u * u);
                const double v = order == 1 ? -u * g
                                 : order == 2 ? (1.0 - u * u) * g
                                              : (u * u * u - 3.0 * u) * g;
                h[j + half] = (float)v;
                energy += v * v;
            }
            const float norm = (float)(1.0 / sqrt(energy));
            for (int j = 0; j <= 2 * half; j++)
                h[j] *= norm;
            w++;
        }
}

/* Called for a chunk [u0, u0 + 64) that the lanes in `mask` of group g
 * had free of events: the wavelets' output power on noise and the input's
 * power around it (their ratio is a shape factor that depends on the noise
 * spectrum only, so that the level itself follows σ at once). The eight lanes of the interleaved
 * history are filtered side by side, each summed in tap order. */
FASC_CLONES void fasc_det_wavelet_noise(fasc_detector *det, int g, fasc_index u0, unsigned mask)
{
    const det_design *d = &det->d;
    const int hm = d->w_half_max;
    /* Four centres 16 samples apart while warming up, then one. */
    enum { CENTRES = 4, GAP = 16 };
    const fasc_index last = u0 + DET_CHUNK - 1 - hm;
    const fasc_index first = last - GAP * (CENTRES - 1);
    if (d->confirm <= 0.0 || first - hm < 0)
        return;
    int centres = 1;
    for (int l = 0; l < DET_LANES; l++) {
        const int c = g * DET_LANES + l;
        if (!((mask >> l) & 1u) || c >= d->channels || det->inv[c] == 0.0f)
            mask &= ~(1u << l);
        else if (det->ch[c].wupdates < CENTRES * det_wq_ready)
            centres = CENTRES;
    }
    if (!mask)
        return;
    /* The span once, contiguous, scaled to σ units: [sample][lane]. */
    float *x = det->lscratch;
    const fasc_index from = last - GAP * (centres - 1) - hm;
    const int span = (int)(last - from) + hm + 1;
    const float *inv = det->inv + (size_t)g * DET_LANES;
    for (int i = 0; i < span; i++) {
        const float *h = fasc_det_x(det, g * DET_LANES, from + i);
        for (int l = 0; l < DET_LANES; l++)
            x[i * DET_LANES + l] = h[l] * inv[l];
    }
    float out[CENTRES][DET_WAVELETS][DET_LANES], power[CENTRES][DET_LANES];
    for (int j = 0; j < centres; j++) {
        const float *centre = x + (size_t)(hm + GAP * j) * DET_LANES;
        /* eight-lane vectors for the lanes' sums, so that they stay in
         * registers (as float arrays the compiler kept them in memory,
         * element by element) */
        det_lanes p = {0};
        for (int k = -hm; k <= hm; k++) {
            det_lanes xv;
            memcpy(&xv, centre + k * DET_LANES, sizeof xv);
            p += xv * xv;
        }
        p /= (float)(2 * hm + 1);
        memcpy(power[j], &p, sizeof p);
        /* the wavelets of one half span (the three orders of a width)
         * together: independent sums hide the adds' latency, and each
         * wavelet's sum keeps its order */
        uint32_t done = 0;
        for (int w = 0; w < d->nw; w++) {
            if ((done >> w) & 1u)
                continue;
            const int half = d->w_half[w];
            int ws[3] = {w, w, w}, m = 0;
            for (int v = w; v < d->nw && m < 3; v++)
                if (!((done >> v) & 1u) && d->w_half[v] == half) {
                    ws[m++] = v;
                    done |= 1u << v;
                }
            const float *h0 = det->wtaps + d->w_off[ws[0]], *h1 = det->wtaps + d->w_off[ws[1]],
                        *h2 = det->wtaps + d->w_off[ws[2]];
            det_lanes o0 = {0}, o1 = {0}, o2 = {0};
            for (int k = -half; k <= half; k++) {
                det_lanes xv;
                memcpy(&xv, centre + k * DET_LANES, sizeof xv);
                o0 += h0[k + half] * xv;
                o1 += h1[k + half] * xv;
                o2 += h2[k + half] * xv;
            }
            memcpy(out[j][ws[0]], &o0, sizeof o0);
            if (m > 1)
                memcpy(out[j][ws[1]], &o1, sizeof o1);
            if (m > 2)
                memcpy(out[j][ws[2]], &o2, sizeof o2);
        }
    }
    for (int l = 0; l < DET_LANES; l++) {
        if (!((mask >> l) & 1u))
            continue;
        det_channel *ch = &det->ch[g * DET_LANES + l];
        const int own = ch->wupdates < CENTRES * det_wq_ready ? CENTRES : 1;
        for (int j = centres - own; j < centres; j++) {
            if (!(power[j][l] <= det_wq_power_max))
                continue;
            const uint32_t n = ch->wupdates < det_wq_memory ? ch->wupdates + 1 : det_wq_memory;
            const float alpha = 1.0f / (float)n;
            for (int w = 0; w < d->nw; w++) {
                const float o = out[j][w][l];
                ch->wq[w] += alpha * (o * o - ch->wq[w]);
            }
            ch->wp += alpha * (power[j][l] - ch->wp);
            ch->wupdates++;
        }
    }
}

/* 1 / the noise level of wavelet w's output in σ units: the output's
 * power relative to the input's, both averaged over the same stretches, so
 * that σ moving while they are learnt (a mains notch switched on, a noise
 * step) changes both alike; 0 until calibrated. */
static float wavelet_scale(const det_channel *ch, int w)
{
    if (ch->wupdates < det_wq_ready || !(ch->wq[w] > 0.0f) || !(ch->wp > 0.0f))
        return ch->wscale_old[w];
    return sqrtf(ch->wp / ch->wq[w]);
}

/* Learns channel c's factors again; the ones in use stay until the new
 * ones are ready. */
void fasc_det_wavelet_restart(fasc_detector *det, int c)
{
    det_channel *ch = &det->ch[c];
    for (int w = 0; w < det->d.nw; w++)
        ch->wscale_old[w] = wavelet_scale(ch, w);
    memset(ch->wq, 0, sizeof ch->wq);
    ch->wp = 0.0f;
    ch->wupdates = 0;
}

/* The candidate wavelets' scales of group g for the kernel: 1 / noise
 * level once calibrated, else 0 (no candidates). */
void fasc_det_wavelet_scales(fasc_detector *det, int g)
{
    const det_design *d = &det->d;
    float *out = det->wscale + (size_t)g * DET_WAVELETS * DET_LANES;
    for (int l = 0; l < DET_LANES; l++) {
        const int c = g * DET_LANES + l;
        const det_channel *ch = c < d->channels ? &det->ch[c] : NULL;
        for (int q = 0; q < d->ncw; q++) {
            /* searched at every sample, the candidates wait for the four
             * centres a chunk of the warm-up (a running mean of 128
             * squares, 12 % scatter, instead of 32, 25 %) */
            out[q * DET_LANES + l] =
                !ch ? 0.0f
                : ch->wupdates < 4 * det_wq_ready ? ch->wscale_old[d->cw[q]]
                                                  : wavelet_scale(ch, d->cw[q]);
        }
    }
}

/* 1 / noise σ to score an event on channel c with: the channel's σ, or the
 * MAD of the background just before the event when that is larger. σ
 * follows a change of the noise level over seconds; the local estimate
 * keeps a sudden rise (a moving cable, a loosening electrode) from being
 * read as a burst of potentials meanwhile. */
static float local_inverse_sigma(fasc_detector *det, int c, fasc_index onset)
{
    const det_design *d = &det->d;
    float inv = det->inv[c];
    fasc_index a = onset - d->loc_gap_n - d->loc_n, b = onset - d->loc_gap_n;
    const fasc_index oldest = det->now - d->hrows + 1;
    if (a < oldest)
        a = oldest;
    if (a < 0)
        a = 0;
    const int n = (int)(b - a);
    if (n < d->loc_n / 2 || inv == 0.0f)
        return inv;
    for (int i = 0; i < n; i++)
        det->lscratch[i] = fabsf(*fasc_det_x(det, c, a + i));
    const float local = fasc_det_kth_nonneg(det->lscratch, n, n / 2) * 1.482602f; /* MAD / 0.6745 */
    /* The median of 100 samples scatters by ~10 %: only a clear rise
     * (25 %) replaces σ. */
    return local * inv > 1.25f ? 1.0f / local : inv;
}

/* z series of wavelet w over [a, a + len) from the channel's window copy
 * xs (σ units, starting w_half_max before a). */
static FASC_CLONE_INLINE bool z_series(const fasc_detector *det, int c, int w, const float *xs, int len, float *out)
{
    const det_channel *ch = &det->ch[c];
    const float scale = wavelet_scale(ch, w);
    if (scale == 0.0f)
        return false;
    const int half = det->d.w_half[w], hm = det->d.w_half_max;
    const float *h = det->wtaps + det->d.w_off[w];
    /* each output in tap order, then scaled (as a plain loop would) */
    fasc_correlate(h, 2 * half + 1, xs + hm - half, len, out);
    for (int i = 0; i < len; i++)
        out[i] *= scale;
    return true;
}

/* The larger of best and the largest |a[t]| (b NULL) or |a[t] + b[t]|
 * scale over t < len, eight at a time: a maximum is the same whatever
 * order it is taken in, and as a scalar loop (float comparisons, NaN
 * rules) the compiler would not vectorise it. */
static FASC_CLONE_INLINE float largest_abs(const float *a, const float *b, float scale, int len,
                                           float best)
{
    typedef int32_t lanes_i __attribute__((vector_size(DET_LANES * sizeof(int32_t))));
    const lanes_i magnitude = (lanes_i){0} + 0x7fffffff;
    det_lanes m = (det_lanes){0} + best;
    int t = 0;
    for (; t + DET_LANES <= len; t += DET_LANES) {
        det_lanes v;
        memcpy(&v, a + t, sizeof v);
        if (b) {
            det_lanes w;
            memcpy(&w, b + t, sizeof w);
            v = (det_lanes)((lanes_i)(v + w) & magnitude) * scale;
        } else {
            v = (det_lanes)((lanes_i)v & magnitude);
        }
        const lanes_i more = v > m;
        m = (det_lanes)(((lanes_i)v & more) | ((lanes_i)m & ~more));
    }
    for (int l = 0; l < DET_LANES; l++)
        best = m[l] > best ? m[l] : best;
    for (; t < len; t++) {
        const float v = b ? fabsf(a[t] + b[t]) * scale : fabsf(a[t]);
        best = v > best ? v : best;
    }
    return best;
}

static bool neighbours(const fasc_detector *det, int a, int b)
{
    return fasc_det_bit(det->nbmask + (size_t)a * DET_WORDS, b);
}

/* Best Gaussian-equivalent z of any wavelet, on the main channel, its
 * involved neighbours or a pair of neighbouring ones, over the event's
 * extent; -1 when no channel is calibrated yet. Only channels that crossed the threshold
 * themselves take part: a neighbour's own potential must not confirm a
 * fragment on a quiet channel beside it. */
FASC_CLONES static float wavelet_score(fasc_detector *det, const fasc_detection *ev)
{
    const det_design *d = &det->d;
    const int nc = ev->channel_count;
    fasc_index a = ev->onset - d->vpad_n, b = ev->offset + d->vpad_n;
    const fasc_index oldest = det->now - d->hrows + d->w_half_max + 1;
    if (a < oldest)
        a = oldest;
    if (a < d->w_half_max)
        a = d->w_half_max;
    if (b > det->now - 1 - d->w_half_max)
        b = det->now - 1 - d->w_half_max;
    int len = (int)(b - a + 1);
    if (len > d->vwin_max)
        len = d->vwin_max;
    if (len <= 0)
        return -1.0f;
    float best = -1.0f;
    bool ok[FASC_DETECTOR_MAX_EVENT_CHANNELS];
    const int span = len + 2 * d->w_half_max;
    for (int i = 0; i < nc; i++) {
        /* the main channel and its neighbours: a potential centred here
         * shows its largest outputs there, and a wide event (a heartbeat,
         * a burst of voluntary activity over 16 leads) costs no more */
        ok[i] = i == 0 || neighbours(det, ev->channels[0], ev->channels[i]);
        if (!ok[i])
            continue;
        const float inv = local_inverse_sigma(det, ev->channels[i], ev->onset);
        float *xs = det->xscratch + (size_t)i * (size_t)(d->vwin_max + 2 * d->w_half_max);
        for (int k = 0; k < span; k++)
            xs[k] = *fasc_det_x(det, ev->channels[i], a - d->w_half_max + k) * inv;
        ok[i] = inv > 0.0f;
    }
    for (int w = 0; w < d->nw; w++) {
        for (int i = 0; i < nc; i++)
            ok[i] = ok[i] && z_series(det, ev->channels[i], w,
                                      det->xscratch + (size_t)i * (size_t)(d->vwin_max + 2 * d->w_half_max),
                                      len, det->vscratch + (size_t)i * (size_t)d->vwin_max);
        for (int i = 0; i < nc; i++) {
            if (!ok[i])
                continue;
            const float *zi = det->vscratch + (size_t)i * (size_t)d->vwin_max;
            best = largest_abs(zi, NULL, 1.0f, len, best);
            for (int j = i + 1; j < nc; j++) {
                if (!ok[j] || !neighbours(det, ev->channels[i], ev->channels[j]))
                    continue;
                const float *zj = det->vscratch + (size_t)j * (size_t)d->vwin_max;
                best = largest_abs(zi, zj, 0.70710678f, len, best);
            }
        }
    }
    return best;
}

/* Pre-filter section q moved down to the timing corner k_t = tan(π f /
 * fs) (timing_highpass_hz) when it is a high-pass section (a zero at
 * z = 1, of order 1 or 2: numerator g (1, -1, 0) or g (1, -2, 1)) with its
 * corner above k_t. *back receives the moved section, with q's Q and
 * gain at the Nyquist frequency; *fix the forward pass back / q, in which
 * the zeros at z = 1 cancel (a stable section with back's poles). Returns
 * false, and back = q, where nothing moves. */
static bool timing_highpass(const fasc_biquad *q, double k_t, fasc_biquad *fix,
                            fasc_biquad *back)
{
    *back = *q;
    const double tol = 1e-9 * fabs(q->b0);
    if (!(k_t > 0.0) || q->b0 == 0.0)
        return false;
    if (fabs(q->b1 + q->b0) <= tol && q->b2 == 0.0 && q->a2 == 0.0) {
        /* first order: a1 = (K - 1) / (K + 1) */
        if (!(q->a1 > -1.0 && q->a1 < 1.0))
            return false;
        const double k = (1.0 + q->a1) / (1.0 - q->a1);
        if (!(k > k_t))
            return false;
        back->a1 = (k_t - 1.0) / (k_t + 1.0);
        back->b0 = q->b0 * (1.0 - back->a1) / (1.0 - q->a1);
        back->b1 = -back->b0;
    } else if (fabs(q->b1 + 2.0 * q->b0) <= tol && fabs(q->b2 - q->b0) <= tol) {
        /* second order: with a0 = 1 + K/Q + K², 1 + a1 + a2 = 4 K² / a0,
         * 1 - a1 + a2 = 4 / a0 and 1 - a2 = 2 (K/Q) / a0 */
        const double sum = 1.0 + q->a1 + q->a2, dif = 1.0 - q->a1 + q->a2;
        if (!(sum > 0.0 && dif > 0.0 && 1.0 - q->a2 > 0.0))
            return false;
        const double k = sqrt(sum / dif), inv_q = 2.0 * (1.0 - q->a2) / dif / k;
        if (!(k > k_t))
            return false;
        const double a0 = 1.0 + k_t * inv_q + k_t * k_t;
        back->a1 = 2.0 * (k_t * k_t - 1.0) / a0;
        back->a2 = (1.0 - k_t * inv_q + k_t * k_t) / a0;
        back->b0 = q->b0 * (1.0 - back->a1 + back->a2) / dif;
        back->b1 = -2.0 * back->b0;
        back->b2 = back->b0;
    } else {
        return false;
    }
    const double g = back->b0 / q->b0;
    *fix = (fasc_biquad){g, g * q->a1, g * q->a2, back->a1, back->a2};
    return true;
}

/* The pre-filter in force for an event from `onset`, as the zero-phase
 * reading runs it: fix[k] forward where fixed has bit k, then back[k]
 * backward (timing_highpass); and the span the reading covers: zp_left
 * before the onset to zp_right after the offset (the backward pass's
 * run-in), as far as the history holds. Returns its length; *lo receives
 * its first input index. */
static int zp_span(const fasc_detector *det, fasc_index onset, fasc_index offset,
                   fasc_biquad *fix, fasc_biquad *back, unsigned *fixed, int *pf_n,
                   fasc_index *lo)
{
    const det_design *d = &det->d;
    const bool next = onset >= det->pf_from;
    const fasc_biquad *pf = next ? det->pf_next : det->pf_cur;
    *pf_n = next ? det->pf_next_n : det->pf_cur_n;
    *fixed = 0;
    for (int k = 0; k < *pf_n; k++)
        if (timing_highpass(&pf[k], d->zp_hp_k, &fix[k], &back[k]))
            *fixed |= 1u << k;
    fasc_index a = onset - d->zp_left_n, b = offset + d->zp_right_n;
    const fasc_index oldest = det->now - d->hrows + 1;
    if (a < oldest)
        a = oldest;
    if (a < 0)
        a = 0;
    if (b > det->now - 1)
        b = det->now - 1;
    *lo = a;
    return (int)(b - a + 1);
}

/* y[0..n) through section q from a zero state, forward or backward. */
static void section_pass(const fasc_biquad *q, double *y, int n, bool backward)
{
    double z1 = 0.0, z2 = 0.0;
    for (int j = 0; j < n; j++) {
        const int i = backward ? n - 1 - j : j;
        const double in = y[i], out = q->b0 * in + z1;
        z1 = q->b1 * in - q->a1 * out + z2;
        z2 = q->b2 * in - q->a2 * out;
        y[i] = out;
    }
}

/* Channel c over [*lo, *lo + n) after a backward pass through the
 * pre-filter: causal forward (upstream) + anti-causal backward = zero
 * phase, so the largest phase is the one the unfiltered potential has
 * (with the high-pass moved down to timing_highpass_hz, whose fix runs
 * forward first). The span reaches zp_left before the onset and zp_right
 * after the offset (the backward pass's run-in), as far as the history
 * holds; returns n. */
int fasc_det_zero_phase(const fasc_detector *det, int c, fasc_index onset, fasc_index offset,
                        fasc_index *lo_out, double *y)
{
    fasc_biquad fix[FASC_DETECTOR_MAX_PREFILTER], back[FASC_DETECTOR_MAX_PREFILTER];
    unsigned fixed;
    int pf_n;
    fasc_index lo;
    const int n = zp_span(det, onset, offset, fix, back, &fixed, &pf_n, &lo);
    for (int i = 0; i < n; i++)
        y[i] = *fasc_det_x(det, c, lo + i);
    for (int k = 0; k < pf_n; k++)
        if (fixed & (1u << k))
            section_pass(&fix[k], y, n, false);
    for (int k = 0; k < pf_n; k++)
        section_pass(&back[k], y, n, true);
    *lo_out = lo;
    return n;
}

/* The same for up to DET_ZP_LANES channels of one event at once (they
 * share its span): lane j of y4[i * DET_ZP_LANES + j] holds cs[j] at
 * *lo_out + i. Independent recursions side by side keep the pipeline full
 * where one channel's would wait on its own previous output. */
FASC_CLONES int fasc_det_zero_phase_lanes(const fasc_detector *det, const int *cs, int m, fasc_index onset,
                              fasc_index offset, fasc_index *lo_out, double *y4)
{
    fasc_biquad fix[FASC_DETECTOR_MAX_PREFILTER], pf[FASC_DETECTOR_MAX_PREFILTER];
    unsigned fixed;
    int pf_n;
    fasc_index lo;
    const int n = zp_span(det, onset, offset, fix, pf, &fixed, &pf_n, &lo);
    /* each lane's column of the interleaved history, then row by row */
    const float *col[DET_ZP_LANES];
    for (int j = 0; j < DET_ZP_LANES; j++)
        col[j] = fasc_det_x(det, j < m ? cs[j] : cs[0], 0);
    const size_t hm = (size_t)det->d.hrows - 1;
    for (int i = 0; i < n; i++) {
        const size_t row = ((size_t)(lo + i) & hm) * DET_LANES;
        for (int j = 0; j < DET_ZP_LANES; j++)
            y4[i * DET_ZP_LANES + j] = j < m ? col[j][row] : 0.0;
    }
    /* the timing high-pass's fixes, forward, the lanes side by side */
    for (int k = 0; k < pf_n; k++) {
        if (!(fixed & (1u << k)))
            continue;
        const fasc_biquad q = fix[k];
        double z1[DET_ZP_LANES] = {0}, z2[DET_ZP_LANES] = {0};
        for (int i = 0; i < n; i++) {
            double *v = y4 + (size_t)i * DET_ZP_LANES;
            for (int j = 0; j < DET_ZP_LANES; j++) {
                const double in = v[j], out = q.b0 * in + z1[j];
                z1[j] = q.b1 * in - q.a1 * out + z2[j];
                z2[j] = q.b2 * in - q.a2 * out;
                v[j] = out;
            }
        }
    }
    /* As a wavefront: at step s section k filters sample n - 1 - (s - k),
     * which section k - 1 filtered at step s - 1, so the sections' chains
     * run side by side instead of one after the other. Each section sees
     * its samples in the same order with the same arithmetic as in the
     * reference, so the bits are the same. */
    double z1[FASC_DETECTOR_MAX_PREFILTER][DET_ZP_LANES] = {{0}};
    double z2[FASC_DETECTOR_MAX_PREFILTER][DET_ZP_LANES] = {{0}};
    for (int step = 0; step < n + pf_n - 1; step++) {
        const int k_lo = step - (n - 1) > 0 ? step - (n - 1) : 0;
        const int k_hi = step < pf_n - 1 ? step : pf_n - 1;
        for (int k = k_lo; k <= k_hi; k++) {
            const fasc_biquad q = pf[k];
            double *v = y4 + (size_t)(n - 1 - (step - k)) * DET_ZP_LANES;
            for (int j = 0; j < DET_ZP_LANES; j++) {
                const double in = v[j], out = q.b0 * in + z1[k][j];
                z1[k][j] = q.b1 * in - q.a1 * out + z2[k][j];
                z2[k][j] = q.b2 * in - q.a2 * out;
                v[j] = out;
            }
        }
    }
    *lo_out = lo;
    return n;
}

/* Index of the largest |y| from onset to offset, y[(u - lo) * stride]
 * holding input u (stride DET_ZP_LANES for a lane of an interleaved
 * block, with y pointing at the lane). */
static fasc_index largest(const double *y, size_t stride, fasc_index lo, fasc_index onset,
                          fasc_index offset)
{
    fasc_index peak = onset;
    double top = -1.0;
    for (fasc_index u = onset; u <= offset; u++) {
        const double v = fabs(y[(size_t)(u - lo) * stride]);
        if (v > top) {
            top = v;
            peak = u;
        }
    }
    return peak;
}

/* The main channel's zero-phase signal (kept for the templates), and with a
 * pre-filter the peaks of the event's channels at zero phase. The main
 * channel's phase is chosen on the sum of its own zero-phase signal and
 * those of its involved neighbours, each scaled by its projection on the
 * main one (the least-squares amplitude of a shared shape): a potential
 * spread over several electrodes shows the same phases on each, and adding
 * them averages out the noise that makes two phases of similar size trade
 * places from one discharge to the next. */
static void zero_phase_peaks(fasc_detector *det, fasc_detection *ev, bool time_peaks)
{
    const det_design *d = &det->d;
    double *own = det->zpscratch, *sum = own + d->zp_len, *y = sum + d->zp_len;
    /* the main channel (channels[0]) shares its pass with the first
     * others: lane 0 of the first block; lanes left free take the main
     * channel's neighbours, which the templates read (a pass costs the
     * same with its lanes filled) */
    fasc_index lo;
    const int m0 = ev->channel_count < DET_ZP_LANES ? ev->channel_count : DET_ZP_LANES;
    int lanes[DET_ZP_LANES], used = m0;
    memcpy(lanes, ev->channels, sizeof(int) * (size_t)m0);
    const det_channel *mc = &det->ch[ev->main_channel];
    for (int j = 0; j < mc->nnb; j++) {
        int at = -1;
        for (int l = 0; l < used; l++)
            at = lanes[l] == mc->nb[j] ? l : at;
        /* the lanes survive until the templates read them only when no
         * second pass follows */
        if (at < 0 && used < DET_ZP_LANES && ev->channel_count <= DET_ZP_LANES) {
            at = used;
            lanes[used++] = mc->nb[j];
        }
        det->zp_nb_lane[j] = ev->channel_count <= DET_ZP_LANES ? at : -1;
    }
    det->zp_on = ev->onset;
    det->zp_off = ev->offset;
    const int n = fasc_det_zero_phase_lanes(det, lanes, used, ev->onset, ev->offset, &lo, y);
    for (int i = 0; i < n; i++)
        own[i] = y[(size_t)i * DET_ZP_LANES];
    det->zp_lo = lo;
    det->zp_n = n;
    if (!time_peaks)
        return;
    const fasc_index on = ev->onset < lo ? lo : ev->onset;
    const fasc_index off = ev->offset > lo + n - 1 ? lo + n - 1 : ev->offset;
    ev->channel_peak[0] = largest(own, 1, lo, on, off);
    double mm = 0.0;
    for (fasc_index u = on; u <= off; u++)
        mm += own[u - lo] * own[u - lo];
    memcpy(sum, own, sizeof(double) * (size_t)n);
    for (int k0 = 0; k0 < ev->channel_count; k0 += DET_ZP_LANES) {
        const int m = ev->channel_count - k0 < DET_ZP_LANES ? ev->channel_count - k0 : DET_ZP_LANES;
        fasc_index lo_k = lo;
        if (k0 > 0)
            fasc_det_zero_phase_lanes(det, ev->channels + k0, m, ev->onset, ev->offset, &lo_k, y);
        for (int j = k0 == 0 ? 1 : 0; j < m; j++) {
            const int k = k0 + j;
            ev->channel_peak[k] = largest(y + j, DET_ZP_LANES, lo_k, on, off);
            if (!neighbours(det, ev->main_channel, ev->channels[k]) || !(mm > 0.0))
                continue;
            double ym = 0.0;
            for (fasc_index u = on; u <= off; u++)
                ym += y[(size_t)(u - lo) * DET_ZP_LANES + (size_t)j] * own[u - lo];
            const double gain = ym / mm;
            for (int i = 0; i < n; i++)
                sum[i] += gain * y[(size_t)i * DET_ZP_LANES + (size_t)j];
        }
    }
    ev->peak = largest(sum, 1, lo, on, off);
    ev->polarity = sum[ev->peak - lo] < 0.0 ? -1 : 1;
}

/* One discharge seen twice (a run split on one channel, phases read on
 * two), or the after-effect of a larger potential on this or a
 * neighbouring channel: compared with the events already accepted. The
 * two readings of one discharge may come in either order of peak (each
 * is timed at zero phase or on a template's main phase after its run was
 * found), so the refractory time holds on both sides. */
bool fasc_det_repeats_accepted(const fasc_detector *det, const fasc_detection *ev)
{
    const det_design *d = &det->d;
    const det_channel *main = &det->ch[ev->main_channel];
    for (int k = -1; k < main->nnb; k++) {
        const det_channel *o = &det->ch[k < 0 ? ev->main_channel : main->nb[k]];
        if (o->last_p2p <= 0.0f)
            continue;
        const fasc_index gap = ev->peak - o->last_peak;
        if ((gap > -d->refractory_n && gap < d->refractory_n) ||
            (gap >= 0 && gap < d->shadow_n && 2.0f * ev->peak_to_peak_uv < o->last_p2p))
            return true;
    }
    return false;
}

bool fasc_det_verify(fasc_detector *det, fasc_detection *ev)
{
    const det_design *d = &det->d;
    /* a weak candidate (only a low wavelet crossing) can only be a known
     * unit's discharge */
    const bool weak = ev->score < (float)d->strong_z;
    const float score = d->confirm > 0.0 && !weak ? wavelet_score(det, ev) : -1.0f;
    /* short of the wavelets' level, only a ready template of the main
     * channel can still confirm it: without one, no need to read peaks */
    if (d->confirm > 0.0 && score < (float)d->confirm &&
        !fasc_det_channel_has_ready_template(det, ev->main_channel)) {
        det->suppressed++;
        return false;
    }
    zero_phase_peaks(det, ev, (ev->onset >= det->pf_from ? det->pf_next_n : det->pf_cur_n) > 0);
    const fasc_index centre = ev->peak;
    int template_index, lag;
    float gain;
    fasc_det_template_time(det, ev, &template_index, &lag, &gain);
    if (d->confirm > 0.0) {
        /* the wavelets' score, or a known unit's own matched filter */
        float best = score;
        if (best < (float)d->confirm && template_index >= 0 &&
            fasc_det_template_ready(det, template_index)) {
            const float z = fasc_det_template_z(det, template_index, centre + lag);
            best = z > best ? z : best;
        }
        if (best < (float)d->confirm) {
            det->suppressed++;
            return false;
        }
        ev->score = best;
    }
    if (fasc_det_repeats_accepted(det, ev) || fasc_det_template_tail(det, ev)) {
        det->suppressed++;
        return false;
    }
    fasc_det_template_learn(det, ev, template_index, lag, centre);
    det_channel *mc = &det->ch[ev->main_channel];
    mc->last_peak = ev->peak;
    mc->last_p2p = ev->peak_to_peak_uv;
    mc->last_template =
        template_index >= 0 && fasc_det_template_ready(det, template_index) ? template_index : -1;
    mc->last_centre = centre + lag;
    mc->last_end = ev->offset;
    mc->last_gain = gain;
    return true;
}

int fasc_detector_set_prefilter(fasc_detector *det, const fasc_biquad *sos, int n_sections,
                                fasc_index from)
{
    if (!det || (n_sections > 0 && !sos) || n_sections < 0 ||
        n_sections > FASC_DETECTOR_MAX_PREFILTER)
        return FASC_ERR_INVALID_ARGUMENT;
    for (int k = 0; k < n_sections; k++)
        if (!isfinite(sos[k].b0) || !isfinite(sos[k].b1) || !isfinite(sos[k].b2) ||
            !isfinite(sos[k].a1) || !isfinite(sos[k].a2))
            return FASC_ERR_INVALID_ARGUMENT;
    /* Events from `from` on use the new set; those already past it were
     * all emitted with the set they started under. */
    if (det->pf_from != INT64_MAX && from > det->pf_from) {
        memcpy(det->pf_cur, det->pf_next, sizeof det->pf_next);
        det->pf_cur_n = det->pf_next_n;
    }
    /* A filter that differs from the one in force changes the noise
     * spectrum: the wavelets' noise factors are learnt again from `from` on. */
    const fasc_biquad *in_force = det->pf_from != INT64_MAX ? det->pf_next : det->pf_cur;
    const int in_force_n = det->pf_from != INT64_MAX ? det->pf_next_n : det->pf_cur_n;
    if (n_sections != in_force_n ||
        (n_sections > 0 && memcmp(sos, in_force, sizeof(fasc_biquad) * (size_t)n_sections) != 0))
        det->wq_restart = from;
    memcpy(det->pf_next, sos, sizeof(fasc_biquad) * (size_t)n_sections);
    det->pf_next_n = n_sections;
    det->pf_from = from;
    return FASC_OK;
}
