/* Input edge cases: NaN / Inf bursts give no events and are counted; the
 * artefact ceiling flags (relative and absolute) events instead of dropping
 * them; silence gives nothing; the noise σ follows a doubling of the noise
 * level within the window and is not inflated by frequent spikes. */
#include "fasc/detector.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dtu.h"

enum { FS = 2048 };

static void nonfinite_counted_no_events(void **state)
{
    (void)state;
    enum { C = 3, N = 4 * FS };
    float *x = dtu_noise(C, N, 2u, 5.0f);
    for (size_t t = 2 * FS; t < 2 * FS + 300; t++) {
        x[t] = NAN;
        x[N + t] = (t % 2) ? INFINITY : -INFINITY;
    }
    x[2 * N + 3 * FS] = NAN;
    fasc_detector_config cfg = dtu_config(C);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    dtu_events e = {0};
    dtu_feed(det, &e, x, N, 17u, 100, 1);
    assert_int_equal(e.n, 0);
    assert_int_equal(fasc_detector_nonfinite_count(det, 0), 300);
    assert_int_equal(fasc_detector_nonfinite_count(det, 1), 300);
    assert_int_equal(fasc_detector_nonfinite_count(det, 2), 1);
    assert_true(fasc_detector_noise_sd(det, 0) > 4.0);
    dtu_free(&e);
    fasc_detector_destroy(&det);
    free(x);
}

static void silence_gives_nothing(void **state)
{
    (void)state;
    enum { N = 3 * FS };
    float *x = calloc(N, sizeof(float));
    assert_non_null(x);
    fasc_detector_config cfg = dtu_config(1);
    dtu_events e = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(e.n, 0);
    dtu_free(&e);
    free(x);
}

static void ceiling_flags_artefacts(void **state)
{
    (void)state;
    enum { N = 4 * FS };
    float *x = dtu_noise(1, N, 6u, 5.0f);
    dtu_spike(x, N, 0, 2 * FS, 100.0f, 1);  /* 20 σ */
    dtu_spike(x, N, 0, 3 * FS, 400.0f, -1); /* 80 σ > 40 σ */
    fasc_detector_config cfg = dtu_config(1);
    dtu_events e = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(e.n, 2);
    assert_int_equal(e.ev[0].flags & FASC_DETECTION_ARTEFACT, 0);
    assert_true(e.ev[1].flags & FASC_DETECTION_ARTEFACT);
    assert_true(fabs(e.ev[0].noise_sd_uv - 5.0) < 0.5);
    dtu_free(&e);
    cfg.ceiling_uv = 50.0;
    e = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(e.n, 2);
    assert_true(e.ev[0].flags & FASC_DETECTION_ARTEFACT);
    dtu_free(&e);
    free(x);
}

static double sd_after(fasc_detector *det, const float *x, size_t from, size_t to)
{
    const float *in[1] = {x + from};
    assert_int_equal(fasc_detector_process(det, in, to - from), FASC_OK);
    return fasc_detector_noise_sd(det, 0);
}

static void noise_follows_doubling(void **state)
{
    (void)state;
    enum { N = 16 * FS };
    float *x = dtu_noise(1, N, 9u, 5.0f);
    for (size_t t = N / 2; t < N; t++)
        x[t] *= 2.0f;
    fasc_detector_config cfg = dtu_config(1);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    assert_true(sd_after(det, x, 0, FS / 4) == 0.0); /* warm-up */
    double before = sd_after(det, x, FS / 4, N / 2);
    /* window 4 s: the median moves once half the window holds new samples
     * (the doubled noise first looks like long events, kept out of the
     * estimate for their first 60 ms each, which slows the change) */
    double mid = sd_after(det, x, N / 2, N / 2 + 6 * FS);
    double after = sd_after(det, x, N / 2 + 6 * FS, N);
    printf("σ %.2f -> %.2f (6 s after the step) -> %.2f\n", before, mid, after);
    if (fabs(before - 5.0) > 0.4 || fabs(mid - 10.0) > 1.0 || fabs(after - 10.0) > 0.8)
        fail_msg("σ %.2f -> %.2f -> %.2f, expected 5 -> 10 -> 10", before, mid, after);
    fasc_detector_destroy(&det);
    free(x);
}

static void noise_ignores_spikes(void **state)
{
    (void)state;
    enum { N = 10 * FS };
    float *x = dtu_noise(1, N, 12u, 5.0f);
    /* 5 spikes per second of 30 σ: a plain RMS would be 40 % too high */
    for (size_t at = FS / 2; at + 20 < N; at += FS / 5)
        dtu_spike(x, N, 0, at, 150.0f, 1);
    fasc_detector_config cfg = dtu_config(1);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    double sd = sd_after(det, x, 0, N);
    if (fabs(sd - 5.0) > 0.3)
        fail_msg("σ %.2f with spikes, expected 5", sd);
    fasc_detector_destroy(&det);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nonfinite_counted_no_events),
        cmocka_unit_test(silence_gives_nothing),
        cmocka_unit_test(ceiling_flags_artefacts),
        cmocka_unit_test(noise_follows_doubling),
        cmocka_unit_test(noise_ignores_spikes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
