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

int fasc_det_sortnet_pairs(int size, uint16_t *pairs)
{
    /* Batcher's odd-even merge sort (AFIPS SJCC 32:307, 1968), iterative
     * form; size is a power of two. */
    int count = 0;
    for (int p = 1; p < size; p <<= 1)
        for (int k = p; k >= 1; k >>= 1)
            for (int j = k % p; j + k < size; j += 2 * k)
                for (int i = 0; i < k && i + j + k < size; i++)
                    if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) {
                        if (pairs) {
                            pairs[2 * count] = (uint16_t)(i + j);
                            pairs[2 * count + 1] = (uint16_t)(i + j + k);
                        }
                        count++;
                    }
    return count;
}

#define MED_NAME fasc_det_loo_medians4
#define MED_TARGET
#define MED_LANES 4
#define MED_V det_v4
#define MED_M det_m4
#include "median_template.h"

int fasc_det_sortnet_prune(uint16_t *pairs, int count, int size, int n)
{
    /* Only the three middle order statistics of the n channels are read
     * (positions k - 1, k, k + 1 of the padded array): walking back from
     * them, a comparator that touches no needed position cannot change
     * them and is dropped; one that does makes both its inputs needed. */
    uint8_t needed[FASC_MAX_CHANNELS + 2] = {0};
    const int k = (size - n) / 2 + n / 2;
    for (int i = k - 1; i <= k + 1; i++)
        if (i >= 0 && i < size)
            needed[i] = 1;
    int kept = count; /* kept comparators fill pairs[2 kept .. 2 count) */
    for (int q = count - 1; q >= 0; q--) {
        const uint16_t a = pairs[2 * q], b = pairs[2 * q + 1];
        if (!needed[a] && !needed[b])
            continue;
        needed[a] = needed[b] = 1;
        kept--;
        pairs[2 * kept] = a;
        pairs[2 * kept + 1] = b;
    }
    memmove(pairs, pairs + 2 * kept, sizeof(uint16_t) * 2 * (size_t)(count - kept));
    return count - kept;
}

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
