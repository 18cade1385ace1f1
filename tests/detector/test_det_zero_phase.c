/* The zero-phase reading of several channels side by side
 * (fasc_det_zero_phase_lanes) equals, bit for bit, the one-channel
 * reference (fasc_det_zero_phase) for every lane count, on a detector that
 * holds the filter bank's pre-filter and some seconds of history. The
 * timing high-pass (timing_highpass_hz) turns a pre-filter's high-pass
 * into the same Butterworth at the lower corner, for every order, and
 * times a potential on the phase that is largest before filtering. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/detector/det_internal.h"
#include "dtu.h"
#include "fasc/filterbank.h"

enum { C = 7, FS = 2048 };

static void lanes_equal_reference(void **state)
{
    (void)state;
    fasc_filterbank_config fc;
    fasc_filterbank_config_default(&fc);
    fc.channels = C;
    fc.mains = FASC_MAINS_50HZ;
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_filterbank_create(&fc, &fb), FASC_OK);
    fasc_detector_config cfg = dtu_config(C);
    size_t ns = 0;
    assert_int_equal(fasc_filterbank_prefilter(fb, cfg.prefilter, FASC_DETECTOR_MAX_PREFILTER, &ns),
                     FASC_OK);
    cfg.prefilter_sections = (int)ns;
    assert_true(ns >= 3);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    const size_t n = (size_t)FS * 3;
    float *x = dtu_noise(C, n, 17u, 20.0f);
    const float *in[C];
    for (int c = 0; c < C; c++)
        in[c] = x + (size_t)c * n;
    assert_int_equal(fasc_detector_process(det, in, n), FASC_OK);
    const size_t len = (size_t)det->d.zp_len;
    double *ref = malloc(sizeof(double) * len), *lanes = malloc(sizeof(double) * len * DET_ZP_LANES);
    assert_non_null(ref);
    assert_non_null(lanes);
    int compared = 0;
    for (fasc_index onset = det->now - 600; onset < det->now - 20; onset += 37) {
        const fasc_index offset = onset + (onset % 90);
        for (int m = 1; m <= DET_ZP_LANES; m++) {
            int cs[DET_ZP_LANES];
            for (int j = 0; j < m; j++)
                cs[j] = (int)((onset + 3 * j) % C);
            fasc_index lo_lanes = -1;
            const int nl = fasc_det_zero_phase_lanes(det, cs, m, onset, offset, &lo_lanes, lanes);
            for (int j = 0; j < m; j++) {
                fasc_index lo = -2;
                const int nr = fasc_det_zero_phase(det, cs[j], onset, offset, &lo, ref);
                assert_int_equal(nr, nl);
                assert_int_equal(lo, lo_lanes);
                for (int i = 0; i < nr; i++)
                    if (memcmp(&ref[i], &lanes[(size_t)i * DET_ZP_LANES + (size_t)j], sizeof(double)))
                        fail_msg("channel %d, lane %d of %d, sample %d: %.17g != %.17g", cs[j], j, m, i,
                                 ref[i], lanes[(size_t)i * DET_ZP_LANES + (size_t)j]);
                compared++;
            }
        }
    }
    print_message("%d zero-phase readings compared\n", compared);
    assert_true(compared > 100);
    free(ref);
    free(lanes);
    free(x);
    fasc_detector_destroy(&det);
    fasc_filterbank_destroy(&fb);
}


/* y <- sos applied forward (dir 1) or backward (dir -1), zero state. */
static void run_sections(const fasc_biquad *sos, size_t ns, double *y, int n, int dir)
{
    for (size_t k = 0; k < ns; k++) {
        const fasc_biquad q = sos[k];
        double z1 = 0.0, z2 = 0.0;
        for (int j = 0; j < n; j++) {
            const int i = dir > 0 ? j : n - 1 - j;
            const double in = y[i], out = q.b0 * in + z1;
            z1 = q.b1 * in - q.a1 * out + z2;
            z2 = q.b2 * in - q.a2 * out;
            y[i] = out;
        }
    }
}

/* An impulse through a 20 Hz Butterworth high-pass of order 1-4, read at
 * zero phase with the timing corner at 10 Hz: the same as the impulse
 * through the 10 Hz Butterworth of that order, forward over the span and
 * back. With the timing high-pass off, the 20 Hz one both ways. */
static void timing_highpass_is_the_lower_butterworth(void **state)
{
    (void)state;
    for (int order = 1; order <= 4; order++)
        for (int off = 0; off <= 1; off++) {
            fasc_detector_config cfg = dtu_config(1);
            cfg.timing_highpass_hz = off ? 0.0 : 10.0;
            size_t ns = 0;
            assert_int_equal(fasc_filter_butterworth(FASC_FILTER_HIGHPASS, order, 20.0, 0.0, FS,
                                                     cfg.prefilter, FASC_DETECTOR_MAX_PREFILTER, &ns),
                             FASC_OK);
            cfg.prefilter_sections = (int)ns;
            fasc_biquad lower[FASC_DETECTOR_MAX_PREFILTER];
            size_t nl = 0;
            assert_int_equal(fasc_filter_butterworth(FASC_FILTER_HIGHPASS, order, off ? 20.0 : 10.0,
                                                     0.0, FS, lower, FASC_DETECTOR_MAX_PREFILTER, &nl),
                             FASC_OK);
            /* the input: an impulse through the 20 Hz high-pass */
            const size_t n = (size_t)FS;
            const size_t at = n - 150; /* within the history, with the span after it */
            double *hp = calloc(n, sizeof(double));
            float *x = calloc(n, sizeof(float));
            assert_non_null(hp);
            assert_non_null(x);
            hp[at] = 1000.0;
            run_sections(cfg.prefilter, ns, hp + at, (int)(n - at), 1);
            for (size_t i = 0; i < n; i++)
                x[i] = (float)hp[i];
            fasc_detector *det = NULL;
            assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
            const float *in[1] = {x};
            assert_int_equal(fasc_detector_process(det, in, n), FASC_OK);
            /* no channel was ever a candidate, so the detector's clock
             * stands still: read as the verifier would now */
            det->now = det->t;
            double *y = malloc(sizeof(double) * (size_t)det->d.zp_len);
            double *want = malloc(sizeof(double) * (size_t)det->d.zp_len);
            assert_non_null(y);
            assert_non_null(want);
            fasc_index lo = -1;
            const int m = fasc_det_zero_phase(det, 0, (fasc_index)at, (fasc_index)at + 20, &lo, y);
            if (!(lo < (fasc_index)at && lo + m > (fasc_index)at + 20))
                fail_msg("span %lld + %d, now %lld, hrows %d", (long long)lo, m, (long long)det->now, det->d.hrows);
            /* the lower high-pass from the span's start (the input is 0
             * before the impulse), then back over the span */
            for (int i = 0; i < m; i++)
                want[i] = lo + i == (fasc_index)at ? 1000.0 : 0.0;
            run_sections(lower, nl, want, m, 1);
            run_sections(lower, nl, want, m, -1);
            double top = 0.0, err = 0.0;
            for (int i = 0; i < m; i++) {
                top = fmax(top, fabs(want[i]));
                err = fmax(err, fabs(y[i] - want[i]));
            }
            if (!(err <= 1e-6 * top))
                fail_msg("order %d, timing %s: largest difference %g of %g", order, off ? "off" : "10 Hz",
                         err, top);
            free(y);
            free(want);
            free(hp);
            free(x);
            fasc_detector_destroy(&det);
        }
}

/* A fast positive phase (σ 1 ms) followed 6 ms later by a larger, slow
 * negative one (σ 3.5 ms): unfiltered the negative phase is the largest;
 * a 20 Hz high-pass passed twice makes the positive one larger (76 against
 * 71 µV, scipy), the 10 Hz one leaves the negative larger (85 against 68).
 * Through the filter bank's 20-450 Hz chain and read with the timing
 * high-pass at 10 Hz, the detector times the discharges on the negative
 * phase; with it off, on the positive one. */
static void discharges_timed_on_the_unfiltered_largest_phase(void **state)
{
    (void)state;
    const int fast_at = 0, slow_at = (int)(0.006 * FS + 0.5);
    const size_t n = (size_t)FS * 40;
    size_t starts[60];
    int count = 0;
    for (size_t t = FS; t + FS / 4 < n && count < 60; t += (size_t)FS / 2 + (size_t)(97 * count) % 400)
        starts[count++] = t;
    for (int off = 0; off <= 1; off++) {
        fasc_detector_config cfg = dtu_config(1);
        cfg.timing_highpass_hz = off ? 0.0 : 10.0;
        size_t ns = 0, nl = 0;
        fasc_filter_butterworth(FASC_FILTER_HIGHPASS, 2, 20.0, 0.0, FS, cfg.prefilter,
                                FASC_DETECTOR_MAX_PREFILTER, &ns);
        fasc_filter_butterworth(FASC_FILTER_LOWPASS, 4, 450.0, 0.0, FS, cfg.prefilter + ns,
                                FASC_DETECTOR_MAX_PREFILTER - ns, &nl);
        cfg.prefilter_sections = (int)(ns + nl);
        float *noise = dtu_noise(1, n, 5u, 3.0f);
        double *v = calloc(n, sizeof(double));
        assert_non_null(v);
        for (int k = 0; k < count; k++)
            for (int i = -100; i <= 100; i++) {
                const double ms = 1000.0 * (double)i / FS, slow = ms - 1000.0 * slow_at / FS;
                v[starts[k] + (size_t)(100 + i)] += 80.0 * exp(-0.5 * ms * ms) -
                                                    100.0 * exp(-0.5 * slow * slow / (3.5 * 3.5));
            }
        run_sections(cfg.prefilter, (size_t)cfg.prefilter_sections, v, (int)n, 1);
        for (size_t i = 0; i < n; i++)
            noise[i] += (float)v[i];
        dtu_events e = dtu_run(&cfg, noise, n, 0, 0);
        int on_slow = 0, on_fast = 0;
        for (int k = 0; k < count; k++) {
            const fasc_index centre = (fasc_index)starts[k] + 100;
            on_slow += dtu_find(&e, centre + slow_at, 2) >= 0;
            on_fast += dtu_find(&e, centre + fast_at, 2) >= 0;
        }
        print_message("timing high-pass %s: %d of %d discharges on the slow phase, %d on the fast\n",
                      off ? "off" : "10 Hz", on_slow, count, on_fast);
        if (off)
            assert_true(on_fast >= count * 9 / 10);
        else
            assert_true(on_slow >= count * 9 / 10);
        dtu_free(&e);
        free(v);
        free(noise);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanes_equal_reference),
        cmocka_unit_test(timing_highpass_is_the_lower_butterworth),
        cmocka_unit_test(discharges_timed_on_the_unfiltered_largest_phase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
