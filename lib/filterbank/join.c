/* Joins: the input jumps (a second pass from the start of a recording, a
 * gap) and the filters must not ring on the jump. */
#include <math.h>

#include "fb_internal.h"
#include "fb_sanitize.h"

/* Length of the bridge. Through the 2nd-order 20 Hz high-pass a raised
 * cosine of length T and height d peaks near d (π / T)² / (2 ωc²) =
 * d / (2 (40 T)²): 1/800 of the jump at 0.5 s, so 1 mV leaves ~1 µV. */
static const double fb_join_s = 0.5;
static const double fb_join_pi = 3.14159265358979323846;

int fasc_filterbank_join(fasc_filterbank *fb)
{
    if (!fb)
        return FASC_ERR_INVALID_ARGUMENT;
    fb->join_at = fb->in_index;
    fb->join_len = (fasc_index)ceil(fb_join_s * fb->d.input_rate);
    fb->join_pending = 1;
    return FASC_OK;
}

void fasc_fb_bridge(fasc_filterbank *fb, int group, size_t n)
{
    const size_t lanes = (size_t)fb->lanes;
    float *last = fb->join_last + (size_t)group * lanes;
    float *step = fb->join_step + (size_t)group * lanes;
    float *x = fb->xin;
    if (n == 0)
        return;
    if (fb->join_pending)
        for (size_t l = 0; l < lanes; l++)
            step[l] = last[l] - x[l];
    const fasc_index since = fb->in_index - fb->join_at;
    if (fb->join_at >= 0 && since < fb->join_len) {
        const double w = fb_join_pi / (double)fb->join_len;
        for (size_t t = 0; t < n && since + (fasc_index)t < fb->join_len; t++) {
            const float g = (float)(0.5 * (1.0 + cos(w * (double)(since + (fasc_index)t))));
            for (size_t l = 0; l < lanes; l++) {
                const float v = x[t * lanes + l] + g * step[l];
                x[t * lanes + l] = fminf(fmaxf(v, -FASC_FILTERBANK_INPUT_LIMIT),
                                         FASC_FILTERBANK_INPUT_LIMIT);
            }
        }
    }
    for (size_t l = 0; l < lanes; l++)
        last[l] = x[(n - 1) * lanes + l];
}
