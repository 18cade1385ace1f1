/* The one rule for input samples, shared by every gather routine. */
#ifndef FASC_FB_SANITIZE_H
#define FASC_FB_SANITIZE_H

#include <math.h>
#include <stdint.h>

#include "fasc/filterbank.h"

/* Inputs below this magnitude are taken as 0: subnormal inputs only. */
#define FB_TINY_INPUT 1e-30f

/* NaN and ±Inf become 0 and are counted; finite values are clamped to the
 * input limit so that no state can overflow; subnormals become 0. */
static inline float fb_sanitize(float v, uint64_t *nonfinite)
{
    float a = fabsf(v);
    if (a < FB_TINY_INPUT)
        return 0.0f;
    if (!(a <= FASC_FILTERBANK_INPUT_LIMIT)) {
        if (isnan(v) || isinf(v)) {
            (*nonfinite)++;
            return 0.0f;
        }
        return copysignf(FASC_FILTERBANK_INPUT_LIMIT, v);
    }
    return v;
}

#endif
