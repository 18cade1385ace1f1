/* Input stage: sanitising, lane-interleaved history, common-median
 * reference. */
#include <math.h>
#include <string.h>

#include "det_internal.h"
#include "../common/clones.h"

/* Finite inputs are clamped to this (µV), as in the filter bank, so that
 * no sum of squares can overflow. */
static const float det_input_limit = 1.0e12f;

/* The common-median band (common_median_band) narrows as the common
 * mode's envelope grows past det_cmr_gate_sd standard deviations of that
 * median on noise: something all channels share (a heartbeat, movement)
 * is then subtracted whole. The envelope rises over a few samples
 * (det_cmr_attack per sample) and falls over det_cmr_hold_s, so that the
 * band never jumps. */
static const float det_cmr_gate_sd = 3.0f;
static const float det_cmr_hold_s = 0.05f;
static const float det_cmr_attack = 0.125f;

static float sanitize(float v, uint64_t *nonfinite)
{
    if (fabsf(v) <= det_input_limit)
        return v;
    if (isnan(v) || isinf(v)) {
        (*nonfinite)++;
        return 0.0f;
    }
    return copysignf(det_input_limit, v);
}

/* Element k (0-based) of the sorted a[0..n); reorders a (Hoare's select,
 * middle pivot: O(n) on average, no allocation). */
float fasc_det_select_kth(float *a, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = a[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                float tmp = a[i];
                a[i] = a[j];
                a[j] = tmp;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];
    }
    return a[k];
}

/* The reference shrunk towards 0 by tau (soft threshold: Donoho, IEEE
 * Trans. Inf. Theory 41:613, 1995). Where only noise and local potentials
 * move the other channels' median, it stays within its own noise band and
 * nothing is subtracted: a weak discharge spread over a few neighbours
 * shifts that median too, and would lose a part of itself. What all
 * channels share (ECG, movement, reference pops) stands far outside the
 * band and is removed down to it. */
static inline float shrink(float m, float tau)
{
    /* compares, not fminf / fmaxf: they vectorise (tau is never NaN) */
    float c = m > tau ? tau : m;
    c = c < -tau ? -tau : c;
    return m - c;
}

_Static_assert(DET_LANES == 8, "shrink8 is written for eight lanes");
typedef float det_in_v8 __attribute__((vector_size(32)));
typedef int32_t det_in_m8 __attribute__((vector_size(32)));

/* shrink of eight samples of one channel (the lanes of an 8 x 8 block),
 * the bands tau * open[l], subtracted from x: the same compares, selects
 * and subtractions as shrink's, lane by lane (written out: the compiler
 * leaves shrink's selects scalar here). */
static FASC_CLONE_INLINE void shrink8(float *x, const float *m, float tau, const float *open)
{
    det_in_v8 xv, mv, ov;
    memcpy(&xv, x, sizeof xv);
    memcpy(&mv, m, sizeof mv);
    memcpy(&ov, open, sizeof ov);
    const det_in_v8 band = tau * ov, low = -band;
    const det_in_m8 above = mv > band;
    det_in_v8 c = (det_in_v8)(((det_in_m8)band & above) | ((det_in_m8)mv & ~above));
    const det_in_m8 below = c < low;
    c = (det_in_v8)(((det_in_m8)low & below) | ((det_in_m8)c & ~below));
    xv -= mv - c;
    memcpy(x, &xv, sizeof xv);
}

/* sum[l] += med[8 c + l] over the channels, each lane in channel order. */
static FASC_CLONE_INLINE void lane_sums8(const float *med, int channels, float *sum)
{
    float s[DET_LANES] = {0};
    for (int c = 0; c < channels; c++)
        for (int l = 0; l < DET_LANES; l++)
            s[l] += med[DET_LANES * c + l];
    for (int l = 0; l < DET_LANES; l++)
        sum[l] += s[l];
}

/* Common-median reference: from every channel the median of the *other*
 * channels at the same sample is subtracted. Subtracting the median of the
 * others keeps each residual a sum of independent parts, so the noise stays
 * near-Gaussian and MAD / 0.6745 stays unbiased (the plain median makes the
 * middle channels' residuals tiny and the MAD about a third too low).
 * Four (eight with AVX2) samples at a time go through the sorting network
 * (median.c), which gives the same bits as the reference selection. */
FASC_CLONES static void common_median(fasc_detector *det, fasc_index t0, int len)
{
    const int channels = det->d.channels;
    const int w = det->loo_lanes;
    float *xs = det->cmr_vec, *med = xs + (size_t)w * (size_t)channels,
          *net = med + (size_t)w * (size_t)channels;
    const size_t hm = (size_t)det->d.hrows - 1, hrows = (size_t)det->d.hrows;
    for (int j = 0; j < len; j += w) {
        /* the last vector of a run may be partly filled: its spare lanes
         * repeat the first sample and are not written back (lanes do not
         * interact) */
        const int used = len - j < w ? len - j : w;
        /* history rows hold eight channels side by side: transpose each
         * group's rows into channel-major vectors and back */
        for (int c0 = 0; c0 < channels; c0 += DET_LANES) {
            const int lanes = channels - c0 < DET_LANES ? channels - c0 : DET_LANES;
            const float *group = det->hist + (size_t)(c0 / DET_LANES) * hrows * DET_LANES;
            const float *rows[DET_LANES];
            for (int l = 0; l < w; l++)
                rows[l] = group + (((size_t)(t0 + j + (l < used ? l : 0))) & hm) * DET_LANES;
            if (w == DET_LANES && lanes == DET_LANES) {
                /* an 8 x 8 block: channel k's vector is "row" k of it */
                det->rows8(rows, 0, xs + (size_t)w * (size_t)c0, DET_LANES - 1, 0, DET_LANES);
                continue;
            }
            for (int l = 0; l < w; l++)
                for (int k = 0; k < lanes; k++)
                    xs[w * (c0 + k) + l] = rows[l][k];
        }
        det->loo(det->cmr_net, det->d.cmr_pairs, det->d.cmr_size, channels, xs, net, med);
        /* sample by sample, in order: how far the band stays open */
        const bool band = det->d.cmr_band > 0.0f;
        float open[DET_LANES] = {0}, sum[DET_LANES] = {0};
        /* channel-outer: the lanes' sums side by side, each in channel
         * order (eight lanes by a fixed-width loop, so that the sums stay
         * in a register rather than make a chain through memory) */
        if (band && w == DET_LANES)
            lane_sums8(med, channels, sum);
        else
            for (int c = 0; band && c < channels; c++)
                for (int l = 0; l < w; l++)
                    sum[l] += med[w * c + l];
        for (int l = 0; band && l < w; l++) {
            const float g = sum[l] / (float)channels;
            const float e = det->cmr_env, g2 = g * g;
            const float next = g2 > e ? e + det_cmr_attack * (g2 - e) : e * det->cmr_decay;
            det->cmr_env = l < used ? next : e;
            /* until the noise is known, the whole reference */
            open[l] = det->cmr_gate > 0.0f ? det->cmr_gate / (det->cmr_gate + det->cmr_env) : 0.0f;
        }
        for (int c0 = 0; c0 < channels; c0 += DET_LANES) {
            const int lanes = channels - c0 < DET_LANES ? channels - c0 : DET_LANES;
            float *group = det->hist + (size_t)(c0 / DET_LANES) * hrows * DET_LANES;
            if (w == DET_LANES && lanes == DET_LANES) {
                /* the residuals in place of the inputs, then the block
                 * back into the history rows */
                float *x = xs + (size_t)w * (size_t)c0;
                const float *m = med + (size_t)w * (size_t)c0;
                const float *vec[DET_LANES];
                if (band)
                    for (int i = 0; i < DET_LANES; i++)
                        shrink8(x + i * DET_LANES, m + i * DET_LANES, det->cmr_tau[c0 + i], open);
                else
                    for (int k = 0; k < DET_LANES * DET_LANES; k++)
                        x[k] -= m[k];
                for (int k = 0; k < DET_LANES; k++)
                    vec[k] = x + (size_t)k * DET_LANES;
                det->rows8(vec, 0, group, hm, (size_t)(t0 + j), used);
                continue;
            }
            for (int l = 0; l < used; l++) {
                float *row = group + (((size_t)(t0 + j + l)) & hm) * DET_LANES;
                for (int k = 0; k < lanes; k++)
                    row[k] = xs[w * (c0 + k) + l] -
                             shrink(med[w * (c0 + k) + l], det->cmr_tau[c0 + k] * open[l]);
            }
        }
    }
}

void fasc_det_rows8_generic(const float *const *src, size_t pos, float *rows, size_t hm,
                            size_t t0, int len)
{
    for (int j = 0; j < len; j++) {
        float *dst = rows + ((t0 + (size_t)j) & hm) * DET_LANES;
        for (int l = 0; l < DET_LANES; l++)
            dst[l] = src[l][pos + (size_t)j];
    }
}

void fasc_det_cmr_band(fasc_detector *det)
{
    const int n = det->d.channels;
    if (!det->d.common_median || !(det->d.cmr_band > 0.0f) || n < 2)
        return;
    /* the median of N noise samples of sd σ has sd 1.2533 σ / sqrt(N)
     * (Kenney & Keeping, Mathematics of Statistics, 1962); the band is
     * cmr_band of those */
    const float f = det->d.cmr_band * 1.2533f / sqrtf((float)(n - 1));
    float var = 0.0f;
    for (int c = 0; c < n; c++) {
        det->cmr_tau[c] = f * det->ch[c].sigma;
        var += det->ch[c].sigma * det->ch[c].sigma;
    }
    /* the channels' mean of their medians, on noise: about the median of
     * all of them */
    const float sd = 1.2533f * sqrtf(var / (float)n) / sqrtf((float)n);
    det->cmr_gate = det_cmr_gate_sd * det_cmr_gate_sd * sd * sd;
    det->cmr_decay = expf(-1.0f / (det_cmr_hold_s * (float)det->d.rate));
}

FASC_CLONES void fasc_det_load_input(fasc_detector *det, const float *const *x,
                         size_t pos, fasc_index t0, int len)
{
    const size_t hm = (size_t)det->d.hrows - 1;
    const int channels = det->d.channels;
    for (int g = 0; g * DET_LANES < channels; g++) {
        const int c0 = g * DET_LANES;
        const int lanes = channels - c0 < DET_LANES ? channels - c0 : DET_LANES;
        int ordinary = 1; /* the usual case, checked without branches */
        for (int l = 0; l < lanes; l++)
            for (int j = 0; j < len; j++)
                ordinary &= fabsf(x[c0 + l][pos + (size_t)j]) <= det_input_limit;
        float *rows = fasc_det_x(det, c0, 0);
        /* the next group's inputs are on their way while this one is
         * copied (dozens of channel streams are more than the hardware
         * prefetchers follow) */
        for (int c = c0 + DET_LANES; c < c0 + 2 * DET_LANES && c < channels; c++)
            for (int j = 0; j < len; j += 16)
                __builtin_prefetch(x[c] + pos + (size_t)j);
        if (ordinary && lanes == DET_LANES) {
            /* whole rows at once: eight input streams read side by side */
            det->rows8(x + c0, pos, rows, hm, (size_t)t0, len);
            continue;
        }
        for (int l = 0; l < lanes; l++) {
            const float *src = x[c0 + l] + pos;
            float *dst = rows + l;
            uint64_t *nonfinite = &det->ch[c0 + l].nonfinite;
            for (int j = 0; j < len; j++)
                dst[(((size_t)t0 + (size_t)j) & hm) * DET_LANES] =
                    ordinary ? src[j] : sanitize(src[j], nonfinite);
        }
    }
    if (det->d.common_median)
        common_median(det, t0, len);
}
