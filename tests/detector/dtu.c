#include "dtu.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static uint32_t next_u32(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

static double gauss(uint32_t *s)
{
    double u1 = ((next_u32(s) >> 8) + 1.0) / 16777217.0;
    double u2 = (next_u32(s) >> 8) / 16777216.0;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

float *dtu_noise(int channels, size_t n, uint32_t seed, float sd)
{
    /* white -> [1, 0.6, -0.3]: unit variance after scaling by 1/sqrt(1.45) */
    float *x = malloc(sizeof(float) * (size_t)channels * n);
    assert_non_null(x);
    for (int c = 0; c < channels; c++) {
        uint32_t s = seed * 7919u + (uint32_t)c * 104729u + 1u;
        double w1 = 0.0, w2 = 0.0;
        for (size_t t = 0; t < n; t++) {
            double w = gauss(&s);
            x[(size_t)c * n + t] = (float)(sd * (w + 0.6 * w1 - 0.3 * w2) / sqrt(1.45));
            w2 = w1;
            w1 = w;
        }
    }
    return x;
}

void dtu_spike(float *x, size_t n, int c, size_t at, float p2p, int polarity)
{
    /* main Gaussian phase (sigma 0.6 ms at 2048 Hz) flanked by two opposite
     * phases of 0.4: about 4 ms long, p2p = 1.4 * amplitude */
    const double tau = 1.2, amp = p2p / 1.4 * polarity;
    for (int k = -8; k <= 8; k++) {
        if ((long)at + k < 0 || at + (size_t)(k + 8) >= n + 8)
            continue;
        double u = k;
        double v = exp(-0.5 * u * u / (tau * tau)) -
                   0.4 * exp(-0.5 * (u - 2.5 * tau) * (u - 2.5 * tau) / (tau * tau)) -
                   0.4 * exp(-0.5 * (u + 2.5 * tau) * (u + 2.5 * tau) / (tau * tau));
        x[(size_t)c * n + at + (size_t)k] += (float)(amp * v);
    }
}

static void collect(fasc_detector *det, dtu_events *e, fasc_index consumed)
{
    const size_t cap = fasc_detector_snippet_capacity(det);
    for (;;) {
        if (e->n == e->cap) {
            e->cap = e->cap ? 2 * e->cap : 64;
            e->ev = realloc(e->ev, sizeof *e->ev * e->cap);
            e->avail = realloc(e->avail, sizeof *e->avail * e->cap);
            e->snip = realloc(e->snip, sizeof(float) * cap * e->cap);
            assert_true(e->ev && e->avail && e->snip);
        }
        e->snip_cap = cap;
        int r = fasc_detector_next(det, &e->ev[e->n], e->snip + e->n * cap, cap);
        assert_true(r == 0 || r == 1);
        if (r == 0)
            return;
        e->avail[e->n++] = consumed;
    }
}

void dtu_feed(fasc_detector *det, dtu_events *out, const float *x, size_t n,
              uint32_t block_seed, size_t max_block, int flush)
{
    const int channels = fasc_detector_channels(det);
    const float **in = malloc(sizeof(*in) * (size_t)channels);
    assert_non_null(in);
    uint32_t s = block_seed;
    for (size_t pos = 0; pos < n;) {
        size_t len = n - pos;
        if (block_seed) {
            uint32_t r = next_u32(&s) >> 8;
            len = r % 4 == 0 ? 1 : r % (max_block + 1);
            if (len > n - pos)
                len = n - pos;
        }
        for (int c = 0; c < channels; c++)
            in[c] = x + (size_t)c * n + pos;
        assert_int_equal(fasc_detector_process(det, in, len), FASC_OK);
        pos += len;
        collect(det, out, (fasc_index)pos);
    }
    if (flush) {
        assert_int_equal(fasc_detector_flush(det), FASC_OK);
        collect(det, out, (fasc_index)n);
    }
    out->dropped = fasc_detector_dropped(det);
    free(in);
}

dtu_events dtu_run(const fasc_detector_config *cfg, const float *x, size_t n,
                   uint32_t block_seed, size_t max_block)
{
    dtu_events e;
    memset(&e, 0, sizeof e);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(cfg, &det), FASC_OK);
    dtu_feed(det, &e, x, n, block_seed, max_block, 1);
    fasc_detector_destroy(&det);
    return e;
}

void dtu_free(dtu_events *e)
{
    free(e->ev);
    free(e->snip);
    free(e->avail);
    memset(e, 0, sizeof *e);
}

long dtu_find(const dtu_events *e, fasc_index at, fasc_index tol)
{
    for (size_t i = 0; i < e->n; i++)
        if (llabs((long long)(e->ev[i].peak - at)) <= tol)
            return (long)i;
    return -1;
}

fasc_detector_config dtu_config(int channels)
{
    fasc_detector_config cfg;
    fasc_detector_config_default(&cfg);
    cfg.channels = channels;
    return cfg;
}
