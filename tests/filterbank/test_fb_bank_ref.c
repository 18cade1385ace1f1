/* The bank's impulse and step responses, every stream, equal scipy's
 * sosfilt of the same design (committed vectors), for the run-time kernels
 * and the scalar reference. Default configuration at 2048 Hz with the
 * notches fixed at 50 Hz. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../lib/filterbank/fb_internal.h"
#include "fbt_util.h"

enum { N = 256 };

/* Single-precision states and coefficients against scipy's double:
 * relative to the stream's peak. */
static const double tolerance = 2e-5;

static void check(fb_isa isa, int step)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.mains = FASC_MAINS_50HZ;
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_fb_create_isa(&cfg, isa, &fb), FASC_OK);
    float x[N] = {0};
    for (int t = 0; t < N; t++)
        x[t] = step || t == 0 ? 1.0f : 0.0f;
    fbt_output o = fbt_run(fb, x, N, 0, 0);
    assert_int_equal(o.count, N);
    for (int s = 0; s < 5; s++) {
        double want[N], peak = 0.0;
        char name[64];
        snprintf(name, sizeof name, "bank_%s_%d", step ? "step" : "impulse", s);
        assert_int_equal(fbt_read_block("bank_ref.txt", name, want, N), N);
        for (int t = 0; t < N; t++)
            peak = fmax(peak, fabs(want[t]));
        for (int t = 0; t < N; t++) {
            double got = fbt_at(&o, s, 0, (size_t)t);
            if (fabs(got - want[t]) > tolerance * peak)
                fail_msg("isa %d %s[%d]: %.9g, scipy %.9g", (int)isa, name, t,
                         got, want[t]);
        }
    }
    fbt_output_free(&o);
    fasc_filterbank_destroy(&fb);
}

static void impulse_matches_scipy(void **state)
{
    (void)state;
    check(FB_ISA_BEST, 0);
    check(FB_ISA_SCALAR, 0);
}

static void step_matches_scipy(void **state)
{
    (void)state;
    check(FB_ISA_BEST, 1);
    check(FB_ISA_SCALAR, 1);
}

static void default_bands_are_log_spaced(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    fasc_filterbank *fb = fbt_create(&cfg);
    double lo, hi, prev_hi = 20.0;
    assert_int_equal(fasc_filterbank_streams(fb), 5);
    assert_int_equal(fasc_filterbank_edges(fb, 0, &lo, &hi), FASC_OK);
    assert_true(lo == 20.0 && hi == 450.0);
    for (int s = 1; s < 5; s++) {
        assert_int_equal(fasc_filterbank_edges(fb, s, &lo, &hi), FASC_OK);
        assert_true(fabs(lo - prev_hi) < 1e-9);
        assert_true(fabs(hi / lo - pow(450.0 / 20.0, 0.25)) < 1e-9);
        prev_hi = hi;
    }
    fasc_filterbank_destroy(&fb);
}

static void lowpass_is_clipped_at_low_rates(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = 500.0;
    fasc_filterbank *fb = fbt_create(&cfg);
    double lo, hi, m;
    assert_int_equal(fasc_filterbank_edges(fb, 0, &lo, &hi), FASC_OK);
    assert_true(fabs(hi - 225.0) < 1e-9);
    assert_int_equal(fasc_filterbank_edges(fb, 4, &lo, &hi), FASC_OK);
    assert_true(fabs(hi - 225.0) < 1e-9);
    assert_int_equal(fasc_filterbank_magnitude(fb, 0, 225.0, &m), FASC_OK);
    assert_true(fabs(20.0 * log10(m) + 3.0103) < 0.05);
    fasc_filterbank_destroy(&fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(impulse_matches_scipy),
        cmocka_unit_test(step_matches_scipy),
        cmocka_unit_test(default_bands_are_log_spaced),
        cmocka_unit_test(lowpass_is_clipped_at_low_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
