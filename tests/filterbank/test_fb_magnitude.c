/* Designed Butterworth sections match the analytical magnitude
 * |H|^2 = 1 / (1 + x^(2n)) on the pre-warped axis within 0.01 dB, pass and
 * stop band, for every type, several orders and rates 500 Hz .. 48 kHz. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static const double pi = 3.14159265358979323846;
static const double rates[] = {500.0, 2048.0, 8000.0, 44100.0, 48000.0};
static const int orders[] = {1, 2, 3, 4, 5, 8, 12, 16};

/* The analytical response is only compared where it is above -200 dB:
 * below, double rounding of the cascade (about 1e-16 of unity) dominates. */
static const double floor_db = -200.0;

static double analytic_db(fasc_filter_type type, int n, double f1, double f2,
                          double fs, double f)
{
    double w = tan(pi * f / fs), w1 = tan(pi * f1 / fs), w2 = tan(pi * f2 / fs);
    double x;
    switch (type) {
    case FASC_FILTER_LOWPASS: x = w / w1; break;
    case FASC_FILTER_HIGHPASS: x = w1 / w; break;
    case FASC_FILTER_BANDPASS: x = (w * w - w1 * w2) / (w * (w2 - w1)); break;
    default: x = w * (w2 - w1) / (w * w - w1 * w2); break;
    }
    return -10.0 * log10(1.0 + pow(fabs(x), 2.0 * n));
}

static void check_type(fasc_filter_type type)
{
    fasc_biquad sos[FASC_FILTER_MAX_ORDER];
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        double fs = rates[r];
        double f1 = type == FASC_FILTER_LOWPASS ? fmin(450.0, 0.3 * fs)
                    : type == FASC_FILTER_BANDSTOP ? 0.08 * fs : 20.0;
        double f2 = type == FASC_FILTER_BANDSTOP ? 0.12 * fs : fmin(450.0, 0.3 * fs);
        for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
            size_t n = 0;
            assert_int_equal(fasc_filter_butterworth(type, orders[o], f1, f2, fs,
                                                     sos, FASC_FILTER_MAX_ORDER, &n),
                             FASC_OK);
            for (int i = 0; i <= 400; i++) {
                double f = fs * 0.0005 * pow(0.4995 / 0.0005, i / 400.0);
                double want = analytic_db(type, orders[o], f1, f2, fs, f);
                if (want < floor_db)
                    continue;
                double got = 20.0 * log10(fasc_filter_magnitude(sos, n, f, fs));
                if (fabs(got - want) > 0.01)
                    fail_msg("type %d order %d fs %g f %g Hz: %.5f dB, analytic %.5f dB",
                             (int)type, orders[o], fs, f, got, want);
            }
        }
    }
}

static void lowpass_matches_analytic(void **state) { (void)state; check_type(FASC_FILTER_LOWPASS); }
static void highpass_matches_analytic(void **state) { (void)state; check_type(FASC_FILTER_HIGHPASS); }
static void bandpass_matches_analytic(void **state) { (void)state; check_type(FASC_FILTER_BANDPASS); }
static void bandstop_matches_analytic(void **state) { (void)state; check_type(FASC_FILTER_BANDSTOP); }

static void cutoffs_are_3db_points(void **state)
{
    (void)state;
    fasc_biquad sos[8];
    size_t n;
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_BANDPASS, 4, 95.0, 207.0,
                                             2048.0, sos, 8, &n), FASC_OK);
    assert_int_equal(n, 4);
    for (int i = 0; i < 2; i++) {
        double m = fasc_filter_magnitude(sos, n, i ? 207.0 : 95.0, 2048.0);
        assert_true(fabs(20.0 * log10(m) + 10.0 * log10(2.0)) < 1e-9);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lowpass_matches_analytic),
        cmocka_unit_test(highpass_matches_analytic),
        cmocka_unit_test(bandpass_matches_analytic),
        cmocka_unit_test(bandstop_matches_analytic),
        cmocka_unit_test(cutoffs_are_3db_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
