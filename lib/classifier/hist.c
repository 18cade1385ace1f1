/* Sliding-window percentiles in fixed memory: the last `cap` values, kept
 * as 1/16-octave bins (6.25 % wide at most; a level, not a precise value,
 * is what the segmentation needs). */
#include <math.h>
#include <string.h>

#include "cls_internal.h"

static int bin_of(double v)
{
    if (!(v > CLS_HIST_FLOOR))
        return 0;
    double b = floor(CLS_HIST_PER_OCTAVE * log2(v / CLS_HIST_FLOOR));
    return b >= CLS_HIST_BINS - 1 ? CLS_HIST_BINS - 1 : (int)b;
}

void fasc_cls_hist_reset(cls_hist *h)
{
    memset(h->count, 0, sizeof(uint32_t) * CLS_HIST_SLOTS);
    h->len = 0;
    h->head = 0;
}

void fasc_cls_hist_add(cls_hist *h, double value)
{
    const int b = bin_of(value);
    uint32_t *group = h->count + CLS_HIST_BINS;
    if (h->len == h->cap) {
        const int old = h->ring[h->head];
        h->count[old]--;
        group[old / CLS_HIST_GROUP]--;
    } else {
        h->len++;
    }
    h->ring[h->head] = (uint16_t)b;
    h->count[b]++;
    group[b / CLS_HIST_GROUP]++;
    h->head = h->head + 1 == h->cap ? 0 : h->head + 1;
}

/* Value at quantile q (0..1), from the bin's geometric centre; 0 if empty. */
double fasc_cls_hist_quantile(const cls_hist *h, double q)
{
    if (h->len == 0)
        return 0.0;
    uint32_t want = (uint32_t)ceil(q * h->len), acc = 0;
    if (want < 1)
        want = 1;
    const uint32_t *group = h->count + CLS_HIST_BINS;
    int b = 0;
    for (int g = 0; g < CLS_HIST_BINS / CLS_HIST_GROUP; g++, b += CLS_HIST_GROUP) {
        if (acc + group[g] < want) {
            acc += group[g];
            continue;
        }
        for (;; b++) {
            acc += h->count[b];
            if (acc >= want)
                return b == 0 ? 0.0 : CLS_HIST_FLOOR * exp2((b + 0.5) / CLS_HIST_PER_OCTAVE);
        }
    }
    return 0.0;
}
