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
static float select_kth(float *a, int n, int k)
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

static float median(float *a, int n)
{
    int k = n / 2;
    float upper = select_kth(a, n, k);
    if (n % 2)
        return upper;
    /* after the selection a[0..k) holds the k smallest */
    float lower = a[0];
    for (int i = 1; i < k; i++)
        lower = a[i] > lower ? a[i] : lower;
    return 0.5f * (lower + upper);
}

static void common_median(fasc_detector *det, fasc_index t0, int len)
{
    const int channels = det->d.channels;
    for (int j = 0; j < len; j++) {
        for (int c = 0; c < channels; c++)
            det->cmr[c] = *fasc_det_x(det, c, t0 + j);
        float m = median(det->cmr, channels);
        for (int c = 0; c < channels; c++)
            *fasc_det_x(det, c, t0 + j) -= m;
    }
}

void fasc_det_load_input(fasc_detector *det, const float *const *x,
                         size_t pos, fasc_index t0, int len)
{
    const size_t hm = (size_t)det->d.hrows - 1;
    for (int c = 0; c < det->d.channels; c++) {
        const float *src = x[c] + pos;
        float *dst = fasc_det_x(det, c, 0);
        uint64_t *nonfinite = &det->ch[c].nonfinite;
        for (int j = 0; j < len; j++)
            dst[(((size_t)t0 + (size_t)j) & hm) * DET_LANES] = sanitize(src[j], nonfinite);
    }
    if (det->d.common_median)
        common_median(det, t0, len);
}
