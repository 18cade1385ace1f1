/* The accuracy rule of the project, shared by tests and benchmarks: a
 * detection matches a true event when their peaks differ by at most `tol`
 * samples and their channels by at most `channel_tol` (same or neighbouring
 * electrode on a line); one-to-one, the closest pairs in time first. */
#ifndef FASC_TEST_MATCH_H
#define FASC_TEST_MATCH_H

#include <stdlib.h>

#include "fasc/common.h"

typedef struct match_point {
    fasc_index peak;
    int channel;
} match_point;

typedef struct match_pair {
    fasc_index dt;
    size_t det, truth;
} match_pair;

static inline int match_pair_order(const void *a, const void *b)
{
    const match_pair *p = a, *q = b;
    if (p->dt != q->dt)
        return p->dt < q->dt ? -1 : 1;
    if (p->det != q->det)
        return p->det < q->det ? -1 : 1;
    return (p->truth > q->truth) - (p->truth < q->truth);
}

/* Number of matched pairs, or -1 if out of memory. `truth` must be sorted
 * by peak. */
static inline long match_events(const match_point *det, size_t nd,
                                const match_point *truth, size_t nt,
                                fasc_index tol, int channel_tol)
{
    size_t cap = 16, n = 0;
    match_pair *pairs = malloc(sizeof *pairs * cap);
    unsigned char *used_d = calloc(nd + 1, 1), *used_t = calloc(nt + 1, 1);
    long matched = -1;
    if (!pairs || !used_d || !used_t)
        goto done;
    for (size_t i = 0; i < nd; i++) {
        size_t lo = 0, hi = nt; /* first truth with peak >= det peak - tol */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (truth[mid].peak < det[i].peak - tol)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t j = lo; j < nt && truth[j].peak <= det[i].peak + tol; j++) {
            int dc = abs(truth[j].channel - det[i].channel);
            if (dc > channel_tol)
                continue;
            if (n == cap) {
                match_pair *grown = realloc(pairs, sizeof *pairs * cap * 2);
                if (!grown)
                    goto done;
                pairs = grown;
                cap *= 2;
            }
            fasc_index dt = truth[j].peak - det[i].peak;
            pairs[n++] = (match_pair){dt < 0 ? -dt : dt, i, j};
        }
    }
    qsort(pairs, n, sizeof *pairs, match_pair_order);
    matched = 0;
    for (size_t k = 0; k < n; k++)
        if (!used_d[pairs[k].det] && !used_t[pairs[k].truth]) {
            used_d[pairs[k].det] = used_t[pairs[k].truth] = 1;
            matched++;
        }
done:
    free(pairs);
    free(used_d);
    free(used_t);
    return matched;
}

#endif
