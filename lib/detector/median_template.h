/* The leave-one-out medians' sorting-network path for MED_LANES samples at
 * once, included by median.c (4 lanes, baseline) and kernel_avx2.c (8
 * lanes, AVX2). Define MED_NAME, MED_TARGET, MED_LANES, MED_V (float
 * vector) and MED_M (int32 vector of the same width) first, and
 * optionally MED_MIN and MED_MAX (see MED_PAIR). Every lane
 * sees the same operations as the scalar reference's order statistics. */
#include <stdbool.h>

#include "det_sortnets.h" /* generated: lib/detector/gen_sortnets.c */

_Static_assert(DET_SORTNET_UNROLLED_MAX == 64, "one case per unrolled size below");

/* a, b = (min, max) by an exchange where a > b: equal values, -0 and +0
 * included, stay where they are, as in the reference */
#define MED_EXCHANGE(a, b)                                           \
    do {                                                             \
        const MED_M swap_ = (a) > (b);                               \
        const MED_M diff_ = ((MED_M)(a) ^ (MED_M)(b)) & swap_;       \
        (a) = (MED_V)((MED_M)(a) ^ diff_);                           \
        (b) = (MED_V)((MED_M)(b) ^ diff_);                           \
    } while (0)

/* The same for the unrolled networks: by min and max where the including
 * file defines MED_MIN(a, b) and MED_MAX(b, a), one instruction each, for
 * which {MED_MIN(a, b), MED_MAX(b, a)} = {a, b} (x86: the second operand
 * of equals; the values are never NaN). Equal values may trade places (a
 * -0 and a +0): the order statistics are the same numbers, and the
 * medians' + 0 makes their zeros alike. */
#ifdef MED_MIN
#define MED_PAIR(i, j)                                               \
    do {                                                             \
        const MED_V lo_ = MED_MIN(w[i], w[j]);                       \
        const MED_V hi_ = MED_MAX(w[j], w[i]);                       \
        w[i] = lo_;                                                  \
        w[j] = hi_;                                                  \
    } while (0);
#else
#define MED_PAIR(i, j) MED_EXCHANGE(w[i], w[j]);
#endif

/* m ? yes : no, lane by lane */
#define MED_SELECT(m, yes, no) ((MED_V)(((MED_M)(yes) & (m)) | ((MED_M)(no) & ~(m))))

MED_TARGET void MED_NAME(const uint16_t *pairs, int count, int size, int n, const float *x,
                         float *scratch, float *med)
{
    /* sizes 8 to 64 run the network unrolled (det_sortnets.h), others
     * the pruned comparators from the table */
    MED_V w[DET_SORTNET_UNROLLED_MAX];
    const bool unrolled = size >= 8 && size <= DET_SORTNET_UNROLLED_MAX;
    MED_V *v = unrolled ? w : (MED_V *)(void *)scratch;
    const MED_V zero = {0};
    const MED_V low = zero - FLT_MAX, high = zero + FLT_MAX, half = zero + 0.5f;
    const int pad_low = (size - n) / 2;
    for (int i = 0; i < pad_low; i++)
        v[i] = low;
    memcpy(v + pad_low, x, sizeof(MED_V) * (size_t)n);
    for (int i = pad_low + n; i < size; i++)
        v[i] = high;
    switch (unrolled ? size : 0) {
    case 8: DET_SORTNET_8(MED_PAIR) break;
    case 16: DET_SORTNET_16(MED_PAIR) break;
    case 32: DET_SORTNET_32(MED_PAIR) break;
    case 64: DET_SORTNET_64(MED_PAIR) break;
    default:
        for (int q = 0; q < count; q++)
            MED_EXCHANGE(v[pairs[2 * q]], v[pairs[2 * q + 1]]);
    }
    const int k = pad_low + n / 2;
    const MED_V mid = v[k], below = v[k - 1], above = k + 1 < size ? v[k + 1] : high;
    const MED_V *xv = (const MED_V *)(const void *)x;
    MED_V *out = (MED_V *)(void *)med;
    for (int c = 0; c < n; c++) {
        const MED_V xc = xv[c];
        MED_V m;
        if (n % 2 == 0) {
            m = MED_SELECT(xc < mid, mid, below);
        } else {
            const MED_V lo = half * (mid + above), hi = half * (below + mid),
                        eq = half * (below + above);
            m = MED_SELECT(xc < mid, lo, MED_SELECT(xc > mid, hi, eq));
        }
        out[c] = m + zero; /* -0 becomes +0 */
    }
}

#undef MED_EXCHANGE
#undef MED_PAIR
#undef MED_SELECT
