/* Events, their order and their snippets are bit-identical whatever the
 * block sizes (random lengths, many of 1), on a line and on a grid, with
 * the common-median reference; the portable and AVX2 kernels agree bit for
 * bit; reset reproduces the first run. */
#include "fasc/detector.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/detector/det_internal.h"
#include "dtu.h"

enum { FS = 2048, N = 5 * FS };

static float *busy_signal(int channels)
{
    float *x = dtu_noise(channels, N, 21u, 4.0f);
    uint32_t s = 77u;
    for (int k = 0; k < 60; k++) {
        s = s * 1664525u + 1013904223u;
        size_t at = FS + (s >> 8) % (N - FS - 64);
        int c = (int)((s >> 4) % (uint32_t)channels);
        dtu_spike(x, N, c, at, 25.0f + (float)(s % 40u), (s >> 20) & 1 ? 1 : -1);
        if (c + 1 < channels)
            dtu_spike(x, N, c + 1, at + 1, 20.0f, 1);
    }
    return x;
}

static void assert_same(const dtu_events *a, const dtu_events *b)
{
    assert_true(a->n > 10);
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const fasc_detection *p = &a->ev[i], *q = &b->ev[i];
        if (memcmp(p, q, sizeof *p) != 0)
            fail_msg("event %zu differs: peak %ld vs %ld", i, (long)p->peak, (long)q->peak);
        size_t len = (size_t)fasc_detection_rows(p) * p->snippet_length;
        assert_memory_equal(a->snip + i * a->snip_cap, b->snip + i * b->snip_cap,
                            sizeof(float) * len);
    }
}

static void check_blocks(fasc_detector_config cfg)
{
    float *x = busy_signal(cfg.channels);
    dtu_events whole = dtu_run(&cfg, x, N, 0, 0);
    dtu_events split = dtu_run(&cfg, x, N, 1234u, 300);
    dtu_events small = dtu_run(&cfg, x, N, 99u, 5);
    assert_same(&whole, &split);
    assert_same(&whole, &small);
    dtu_free(&whole);
    dtu_free(&split);
    dtu_free(&small);
    free(x);
}

static void blocks_line(void **state)
{
    (void)state;
    check_blocks(dtu_config(11));
}

static void blocks_grid_common_median(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(12);
    cfg.geometry = FASC_GEOMETRY_GRID;
    cfg.grid_rows = 3;
    cfg.grid_cols = 4;
    cfg.common_median = true;
    check_blocks(cfg);
}

static void kernels_agree(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(13);
    float *x = busy_signal(13);
    fasc_detector *a = NULL, *b = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &a), FASC_OK);
    assert_int_equal(fasc_detector_create(&cfg, &b), FASC_OK);
    a->smooth = fasc_det_smooth_generic;
    b->smooth = fasc_det_smooth_avx2; /* the portable kernel without AVX2 */
    dtu_events ea = {0}, eb = {0};
    dtu_feed(a, &ea, x, N, 5u, 200, 1);
    dtu_feed(b, &eb, x, N, 5u, 200, 1);
    size_t floats = (size_t)a->d.groups * DET_SCALES * (size_t)a->d.erows * DET_LANES;
    assert_memory_equal(a->e, b->e, sizeof(float) * floats);
    /* the candidate wavelets too (calibrated after the first second) */
    assert_int_equal(a->d.ncw, 2);
    size_t wfloats = (size_t)a->d.groups * (size_t)a->d.erows * DET_LANES;
    float top = 0.0f;
    for (size_t i = 0; i < wfloats; i++)
        top = a->wz[i] > top ? a->wz[i] : top;
    assert_true(top > 0.0f);
    assert_memory_equal(a->wz, b->wz, sizeof(float) * wfloats);
    assert_same(&ea, &eb);
    dtu_free(&ea);
    dtu_free(&eb);
    fasc_detector_destroy(&a);
    fasc_detector_destroy(&b);
    free(x);
}

/* The autocorrelation sums of the AVX2 kernel equal the portable ones bit
 * for bit on random input. */
static void acf_kernels_agree(void **state)
{
    (void)state;
    enum { LAGS = 40 };
    float x[(64 + LAGS) * DET_LANES], ra[(LAGS + 1) * DET_LANES], rb[(LAGS + 1) * DET_LANES];
    uint32_t seed = 7u;
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        seed = seed * 1664525u + 1013904223u;
        x[i] = (float)((double)(seed >> 8) / 16777216.0 - 0.5) * 100.0f;
    }
    fasc_det_acf_lags_generic(x, LAGS, ra);
    fasc_det_acf_lags_avx2(x, LAGS, rb);
    assert_memory_equal(ra, rb, sizeof ra);
    double direct = 0.0;
    for (int i = LAGS; i < LAGS + 64; i++)
        direct += (double)x[i * DET_LANES + 3] * x[(i - 5) * DET_LANES + 3];
    assert_true(fabs(ra[5 * DET_LANES + 3] - direct) < 1e-3 * (1.0 + fabs(direct)));
}

static void reset_reproduces(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(6);
    float *x = busy_signal(6);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    dtu_events first = {0}, again = {0};
    dtu_feed(det, &first, x, N, 0, 0, 1);
    fasc_detector_reset(det);
    assert_int_equal(fasc_detector_queued(det), 0);
    assert_true(fasc_detector_noise_sd(det, 0) == 0.0);
    dtu_feed(det, &again, x, N, 0, 0, 1);
    assert_same(&first, &again);
    dtu_free(&first);
    dtu_free(&again);
    fasc_detector_destroy(&det);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocks_line),
        cmocka_unit_test(blocks_grid_common_median),
        cmocka_unit_test(kernels_agree),
        cmocka_unit_test(acf_kernels_agree),
        cmocka_unit_test(reset_reproduces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
