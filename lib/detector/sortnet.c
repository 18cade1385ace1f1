/* Batcher's sorting network and its pruning to the middle order
 * statistics: built at run time for the detector's channel count, and at
 * build time by gen_sortnets.c for the sizes the median kernels unroll.
 * Needs nothing but <stdint.h> and <string.h>, so that the build machine
 * can compile it alone. */
#include <string.h>

#include "sortnet.h"

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

int fasc_det_sortnet_keep(uint16_t *pairs, int count, int size, int first, int last)
{
    /* Walking back from the needed positions, a comparator that touches
     * none of them cannot change them and is dropped; one that does makes
     * both its inputs needed. */
    uint8_t needed[DET_SORTNET_MAX] = {0};
    for (int i = first; i <= last; i++)
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

int fasc_det_sortnet_prune(uint16_t *pairs, int count, int size, int n)
{
    /* Only the three middle order statistics of the n channels are read
     * (positions k - 1, k, k + 1 of the padded array). */
    const int k = (size - n) / 2 + n / 2;
    return fasc_det_sortnet_keep(pairs, count, size, k - 1, k + 1);
}
