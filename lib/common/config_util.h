/* Small helpers the stages' configuration code shares (internal). */
#ifndef FASC_CONFIG_UTIL_H
#define FASC_CONFIG_UTIL_H

#include <math.h>
#include <stdbool.h>

#include "fasc/common.h"

/* lo <= v <= hi; false for NaN (and for infinities when the bounds are
 * finite). */
static inline bool fasc_in_range(double v, double lo, double hi)
{
    return v >= lo && v <= hi;
}

/* A refused configuration: *why (when asked for) names the field and its
 * range in a static text, as the *_config_check functions document. */
static inline int fasc_config_refuse(const char **why, const char *text)
{
    if (why)
        *why = text;
    return FASC_ERR_INVALID_ARGUMENT;
}

static inline int fasc_config_accept(const char **why)
{
    if (why)
        *why = "ok";
    return FASC_OK;
}

/* Refuses the configuration with `text` unless cond holds (in functions
 * with a `const char **why` parameter). */
#define FASC_REQUIRE(cond, text)                                                                   \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return fasc_config_refuse(why, (text));                                                \
    } while (0)

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
