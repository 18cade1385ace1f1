/* Input stage: sanitising, lane-interleaved history, common-median
 * reference. */
#include <math.h>

#include "det_internal.h"

/* Finite inputs are clamped to this (µV), as in the filter bank, so that
 * no sum of squares can overflow. */
static const float det_input_limit = 1.0e12f;

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

/* Leave-one-out medians: med[c] = median of all channels but c. Subtracting
 * the median of the *others* keeps each residual a sum of independent
 * parts, so the noise stays near-Gaussian and MAD / 0.6745 stays unbiased
 * (the plain median makes the middle channels' residuals tiny and the MAD
 * about a third too low). All need the three middle order statistics only:
 * one selection, O(C). */
static void loo_medians(const float *x, float *a, int n, float *med)
{
    const int k = n / 2;
    for (int c = 0; c < n; c++)
        a[c] = x[c];
    const float mid = fasc_det_select_kth(a, n, k);
    float below = -INFINITY, above = INFINITY;
    for (int i = 0; i < k; i++)
        below = a[i] > below ? a[i] : below;
    for (int i = k + 1; i < n; i++)
        above = a[i] < above ? a[i] : above;
    for (int c = 0; c < n; c++) {
        if (n % 2 == 0) /* others: odd count; middle is a[k - 1] or a[k] */
            med[c] = x[c] < mid ? mid : below;
        else if (x[c] < mid)
            med[c] = 0.5f * (mid + above);
        else if (x[c] > mid)
            med[c] = 0.5f * (below + mid);
        else
            med[c] = 0.5f * (below + above);
    }
}

static void common_median(fasc_detector *det, fasc_index t0, int len)
{
    const int channels = det->d.channels;
    float *x = det->cmr, *sorted = det->cmr + channels, *med = sorted + channels;
    for (int j = 0; j < len; j++) {
        for (int c = 0; c < channels; c++)
            x[c] = *fasc_det_x(det, c, t0 + j);
        loo_medians(x, sorted, channels, med);
        for (int c = 0; c < channels; c++)
            *fasc_det_x(det, c, t0 + j) = x[c] - med[c];
    }
}

void fasc_det_load_input(fasc_detector *det, const float *const *x,
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
            const float *src[DET_LANES];
            for (int l = 0; l < DET_LANES; l++)
                src[l] = x[c0 + l] + pos;
            for (int j = 0; j < len; j++) {
                float *dst = rows + (((size_t)t0 + (size_t)j) & hm) * DET_LANES;
                for (int l = 0; l < DET_LANES; l++)
                    dst[l] = src[l][j];
            }
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
