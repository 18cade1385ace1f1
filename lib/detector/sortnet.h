/* Sorting networks for the common-median reference (sortnet.c). Kept apart
 * from det_internal.h so that the build-time generator compiles alone. */
#ifndef FASC_DET_SORTNET_H
#define FASC_DET_SORTNET_H

#include <stdint.h>

/* the largest network: FASC_MAX_CHANNELS (256) rounded up to a power of 2 */
#define DET_SORTNET_MAX 256

/* Batcher's network for `size` (a power of two, at most DET_SORTNET_MAX)
 * inputs, as comparator pairs (low index first) into pairs[2 * count] when
 * pairs is not NULL; returns the count. */
int fasc_det_sortnet_pairs(int size, uint16_t *pairs);
/* Keeps, in order, only the comparators that positions first..last of the
 * sorted output depend on; returns their count. The network's values there
 * do not change. */
int fasc_det_sortnet_keep(uint16_t *pairs, int count, int size, int first, int last);
/* The same for the three middle order statistics of n inputs padded to
 * size (positions k - 1, k, k + 1 with k = (size - n) / 2 + n / 2). */
int fasc_det_sortnet_prune(uint16_t *pairs, int count, int size, int n);

#endif
