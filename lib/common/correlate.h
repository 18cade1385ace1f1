/* Sliding dot products (internal), shared by the detector's wavelet z
 * series and the classifier's heartbeat alignment. */
#ifndef FASC_CORRELATE_H
#define FASC_CORRELATE_H

#include <string.h>

#include "clones.h"

typedef float fasc_v8f __attribute__((vector_size(32)));

/* out[i] = sum over k < taps of h[k] x[i + k], for i < n (x holds
 * n + taps - 1 values), each summed in k order from 0, so the bits are a
 * plain loop's. Eight outputs per vector and four vectors side by side,
 * their sums in registers over all taps: as an axpy per tap, every sum
 * would make a round trip through memory at every tap. Inlined, so that
 * each instruction-set clone of a caller gets its own copy. */
static FASC_CLONE_INLINE void fasc_correlate(const float *h, int taps, const float *x, int n,
                                             float *out)
{
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        fasc_v8f a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
        for (int k = 0; k < taps; k++) {
            const float *src = x + i + k;
            fasc_v8f v0, v1, v2, v3;
            memcpy(&v0, src, sizeof v0);
            memcpy(&v1, src + 8, sizeof v1);
            memcpy(&v2, src + 16, sizeof v2);
            memcpy(&v3, src + 24, sizeof v3);
            a0 += h[k] * v0;
            a1 += h[k] * v1;
            a2 += h[k] * v2;
            a3 += h[k] * v3;
        }
        memcpy(out + i, &a0, sizeof a0);
        memcpy(out + i + 8, &a1, sizeof a1);
        memcpy(out + i + 16, &a2, sizeof a2);
        memcpy(out + i + 24, &a3, sizeof a3);
    }
    for (; i + 8 <= n; i += 8) {
        fasc_v8f a0 = {0};
        for (int k = 0; k < taps; k++) {
            fasc_v8f v0;
            memcpy(&v0, x + i + k, sizeof v0);
            a0 += h[k] * v0;
        }
        memcpy(out + i, &a0, sizeof a0);
    }
    for (; i < n; i++) {
        float a = 0.0f;
        for (int k = 0; k < taps; k++)
            a += h[k] * x[i + k];
        out[i] = a;
    }
}

#endif
