/* Leave-one-out medians across channels for the common-median reference:
 * the scalar reference (one selection per sample) and the fast path (a
 * sorting network run on four samples at once, branch-free). Both return
 * the same order statistics, with -0 turned into +0, so the output does
 * not depend on which path a sample took. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "det_internal.h"
#include "../common/clones.h"

/* Four samples per vector: 128-bit vectors are native on every target
 * (SSE2, NEON); wider ones without a target flag are split into scalars. */
typedef float det_v4 __attribute__((vector_size(16)));
typedef int32_t det_m4 __attribute__((vector_size(16)));

/* med[c] from the three middle order statistics of all channels. */
static float loo_pick(float xc, int n, float below, float mid, float above)
{
    if (n % 2 == 0) /* others: odd count; middle is a[k - 1] or a[k] */
        return xc < mid ? mid : below;
    if (xc < mid)
        return 0.5f * (mid + above);
    if (xc > mid)
        return 0.5f * (below + mid);
    return 0.5f * (below + above);
}

void fasc_det_loo_medians_ref(const float *x, float *a, int n, float *med)
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
    for (int c = 0; c < n; c++)
        med[c] = loo_pick(x[c], n, below, mid, above) + 0.0f;
}

#define MED_NAME fasc_det_loo_medians4
#define MED_TARGET
#define MED_LANES 4
#define MED_V det_v4
#define MED_M det_m4
#if defined(__SSE__) && (defined(__GNUC__) || defined(__clang__))
#include <xmmintrin.h>
#define MED_MIN(a, b) ((det_v4)_mm_min_ps((__m128)(a), (__m128)(b)))
#define MED_MAX(a, b) ((det_v4)_mm_max_ps((__m128)(a), (__m128)(b)))
#endif
#include "median_template.h"
#undef MED_MIN
#undef MED_MAX

FASC_CLONES float fasc_det_kth_nonneg(const float *a, int n, int k)
{
    /* Non-negative floats order as their bits do (as int32, sign bit 0).
     * The answer is the largest pattern v with fewer than k + 1 values
     * below it, built bit by bit from the top: 31 counting passes that
     * vectorise, where a selection's comparisons of noise are coin tosses
     * for the branch predictor. */
    int32_t v = 0;
    for (int b = 30; b >= 0; b--) {
        const int32_t trial = v | (int32_t)(1u << b);
        int below = 0;
        for (int i = 0; i < n; i++) {
            int32_t u;
            memcpy(&u, a + i, sizeof u);
            below += u < trial;
        }
        if (below <= k)
            v = trial;
    }
    float out;
    memcpy(&out, &v, sizeof out);
    return out;
}
