/* Impulse and step responses of the designed cascades equal scipy's
 * butter(..., output='sos') + sosfilt (committed vectors), and the notch
 * equals scipy's iirnotch. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "fbt_util.h"

enum { N = 160 };

/* Differences come only from rounding in double: section order and gain
 * distribution differ from scipy's. */
static const double tolerance = 1e-9;

static const struct {
    fasc_filter_type type;
    int order;
    double f1, f2, fs;
} cases[] = {
    {FASC_FILTER_LOWPASS, 1, 100.0, 0.0, 500.0},
    {FASC_FILTER_LOWPASS, 4, 450.0, 0.0, 2048.0},
    {FASC_FILTER_LOWPASS, 8, 3000.0, 0.0, 44100.0},
    {FASC_FILTER_HIGHPASS, 2, 20.0, 0.0, 2048.0},
    {FASC_FILTER_HIGHPASS, 5, 20.0, 0.0, 4000.0},
    {FASC_FILTER_BANDPASS, 2, 20.0, 43.6, 2048.0},
    {FASC_FILTER_BANDPASS, 3, 95.0, 207.0, 2048.0},
    {FASC_FILTER_BANDSTOP, 2, 45.0, 55.0, 1000.0},
};

/* Direct form I in double: an independent way of running the sections. */
static void filter(const fasc_biquad *sos, size_t n, const double *x, double *y)
{
    for (int t = 0; t < N; t++)
        y[t] = x[t];
    for (size_t k = 0; k < n; k++) {
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (int t = 0; t < N; t++) {
            double v = sos[k].b0 * y[t] + sos[k].b1 * x1 + sos[k].b2 * x2 -
                       sos[k].a1 * y1 - sos[k].a2 * y2;
            x2 = x1;
            x1 = y[t];
            y2 = y1;
            y1 = v;
            y[t] = v;
        }
    }
}

static void compare(const char *name, const double *got)
{
    double want[N];
    assert_int_equal(fbt_read_block("design_ref.txt", name, want, N), N);
    double peak = 0.0;
    for (int t = 0; t < N; t++)
        peak = fmax(peak, fabs(want[t]));
    for (int t = 0; t < N; t++)
        if (fabs(got[t] - want[t]) > tolerance * fmax(1.0, peak))
            fail_msg("%s[%d]: %.15g, scipy %.15g", name, t, got[t], want[t]);
}

static void responses_match_scipy(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fasc_biquad sos[FASC_FILTER_MAX_ORDER];
        size_t n;
        assert_int_equal(fasc_filter_butterworth(cases[i].type, cases[i].order,
                                                 cases[i].f1, cases[i].f2,
                                                 cases[i].fs, sos, 16, &n),
                         FASC_OK);
        double x[N] = {1.0}, y[N], name_y[N];
        char name[64];
        filter(sos, n, x, y);
        snprintf(name, sizeof name, "case%zu_impulse", i);
        compare(name, y);
        for (int t = 0; t < N; t++)
            x[t] = 1.0;
        filter(sos, n, x, name_y);
        snprintf(name, sizeof name, "case%zu_step", i);
        compare(name, name_y);
    }
}

static void notch_matches_iirnotch(void **state)
{
    (void)state;
    static const double notches[3][3] = {{50.0, 30.0, 2048.0},
                                         {150.0, 30.0, 2048.0},
                                         {60.0, 10.0, 500.0}};
    for (int i = 0; i < 3; i++) {
        fasc_biquad q;
        double want[5];
        char name[32];
        snprintf(name, sizeof name, "notch%d", i);
        assert_int_equal(fbt_read_block("design_ref.txt", name, want, 5), 5);
        assert_int_equal(fasc_filter_notch(notches[i][0], notches[i][1],
                                           notches[i][2], &q), FASC_OK);
        const double got[5] = {q.b0, q.b1, q.b2, q.a1, q.a2};
        for (int j = 0; j < 5; j++)
            assert_true(fabs(got[j] - want[j]) < 1e-12);
        assert_true(fasc_filter_magnitude(&q, 1, notches[i][0], notches[i][2]) < 1e-9);
    }
}

static void mains_notches_stop_below_nyquist(void **state)
{
    (void)state;
    fasc_biquad sos[8];
    size_t n = 99;
    /* 500 Hz: 50..200 kept, 250 is Nyquist */
    assert_int_equal(fasc_filter_mains_notches(50.0, 8, 30.0, 500.0, sos, 8, &n), FASC_OK);
    assert_int_equal(n, 4);
    for (size_t k = 0; k < n; k++)
        assert_true(fasc_filter_magnitude(sos, n, 50.0 * (double)(k + 1), 500.0) < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(responses_match_scipy),
        cmocka_unit_test(notch_matches_iirnotch),
        cmocka_unit_test(mains_notches_stop_below_nyquist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
