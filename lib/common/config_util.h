/* Small helpers the stages' configuration code shares (internal). */
#ifndef FASC_CONFIG_UTIL_H
#define FASC_CONFIG_UTIL_H

#include <math.h>
#include <stdbool.h>

/* lo <= v <= hi; false for NaN (and for infinities when the bounds are
 * finite). */
static inline bool fasc_in_range(double v, double lo, double hi)
{
    return v >= lo && v <= hi;
}

/* Seconds to the nearest whole number of samples. */
static inline int fasc_samples(double seconds, double rate)
{
    return (int)lround(seconds * rate);
}

/* The smallest power of two >= n (1 for n <= 1). */
static inline int fasc_pow2_at_least(long n)
{
    int p = 1;
    while (p < n)
        p *= 2;
    return p;
}

#endif
