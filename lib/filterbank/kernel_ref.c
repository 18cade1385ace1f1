/* Scalar reference kernels (one channel per group): the definition of what
 * every optimised kernel computes, kept deliberately plain. */
#include "fb_kernels.h"

static float biquad_step(const float *c, float *s, float x)
{
    /* Transposed direct form II: two states, and no growth of internal
     * signals beyond the section's own gain (Jackson, Digital Filters and
     * Signal Processing, sec. 11.4). */
    float y = c[0] * x + s[0];
    s[0] = c[1] * x - c[3] * y + s[1];
    s[1] = c[2] * x - c[4] * y;
    return y;
}

void fasc_fb_cascade_scalar(const fb_plan *plan, float *state, const float *x,
                       float *y, size_t stream_stride, size_t m)
{
    for (size_t t = 0; t < m; t++) {
        const float *c = plan->coef;
        float *s = state;
        float v = x[t];
        for (int k = 0; k < plan->pre_sections; k++, c += 5, s += 2)
            v = biquad_step(c, s, v);
        y[t] = v;
        for (int b = 0; b < plan->bands; b++) {
            float u = v;
            for (int k = 0; k < plan->band_sections; k++, c += 5, s += 2)
                u = biquad_step(c, s, u);
            y[(size_t)(b + 1) * stream_stride + t] = u;
        }
    }
}

size_t fasc_fb_decimate_scalar(const fb_plan *plan, float *history, size_t *pos,
                          int phase, const float *x, size_t n, float *y)
{
    const size_t taps = (size_t)plan->fir_taps;
    size_t p = *pos, produced = 0;
    int due = phase == 0 ? 0 : plan->decimation - phase;
    for (size_t t = 0; t < n; t++) {
        history[p] = x[t];
        history[p + taps] = x[t];
        if (due == 0) {
            const float *window = history + p + 1;
            float acc = 0.0f;
            for (size_t j = 0; j < taps; j++)
                acc += plan->fir[j] * window[j];
            y[produced++] = acc;
            due = plan->decimation;
        }
        due--;
        p = p + 1 == taps ? 0 : p + 1;
    }
    *pos = p;
    return produced;
}
