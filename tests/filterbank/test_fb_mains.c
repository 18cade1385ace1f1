/* FASC_MAINS_AUTO: the bank picks the line frequency present in the signal
 * at the documented index, passes the signal unchanged before it (output
 * equal to a bank without notch), and then removes the line. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fbt_util.h"

static const double pi = 3.14159265358979323846;
enum { C = 4 };

/* Noise plus a line at f_line with two harmonics, and an electrode offset
 * (a step) that the automatic choice must not be fooled by. */
static float *recording(double rate, size_t n, double f_line)
{
    float *x = fbt_noise_input(C, n, 31u, 20.0f);
    for (int c = 0; c < C; c++)
        for (size_t t = 0; t < n; t++) {
            double ph = 2.0 * pi * f_line * (double)t / rate + c;
            x[(size_t)c * n + t] += (float)(3000.0 + 40.0 * sin(ph) +
                                            10.0 * sin(2.0 * ph) + 5.0 * sin(3.0 * ph));
        }
    return x;
}

static void check_choice(double rate, double f_line, fasc_mains want)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = rate;
    cfg.channels = C;
    fasc_filterbank *fb = fbt_create(&cfg);
    fasc_index decide = fasc_filterbank_mains_decision_index(fb);
    assert_true(decide >= (fasc_index)fasc_filterbank_output_rate(fb));
    assert_int_equal(decide % 64, 0);
    size_t n = (size_t)(3.0 * rate);
    float *x = recording(rate, n, f_line);
    assert_int_equal(fasc_filterbank_mains(fb), FASC_MAINS_AUTO);
    fbt_output o = fbt_run(fb, x, n, 3u, 500);
    assert_int_equal(fasc_filterbank_mains(fb), want);

    cfg.mains = FASC_MAINS_OFF;
    fasc_filterbank *plain = fbt_create(&cfg);
    fbt_output p = fbt_run(plain, x, n, 0, 0);
    /* identical before the decision */
    for (int c = 0; c < C; c++)
        assert_memory_equal(&o.data[(size_t)c * o.capacity],
                            &p.data[(size_t)c * p.capacity],
                            sizeof(float) * (size_t)decide);
    /* the line is gone in the last second: compare with the notch-free bank */
    double e_notch = 0.0, e_plain = 0.0;
    size_t fo = (size_t)fasc_filterbank_output_rate(fb);
    for (size_t k = o.count - fo; k < o.count; k++) {
        double a = fbt_at(&o, 0, 0, k), b = fbt_at(&p, 0, 0, k);
        e_notch += a * a;
        e_plain += b * b;
    }
    assert_true(e_notch < 0.5 * e_plain);
    fbt_output_free(&o);
    fbt_output_free(&p);
    fasc_filterbank_destroy(&fb);
    fasc_filterbank_destroy(&plain);
    free(x);
}

static void detects_50hz(void **state) { (void)state; check_choice(2048.0, 50.0, FASC_MAINS_50HZ); }
static void detects_60hz(void **state) { (void)state; check_choice(2048.0, 60.0, FASC_MAINS_60HZ); }
static void detects_60hz_decimated(void **state) { (void)state; check_choice(44100.0, 60.0, FASC_MAINS_60HZ); }

static void silence_ties_to_50hz(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.mains_decision_s = 0.25;
    fasc_filterbank *fb = fbt_create(&cfg);
    size_t n = (size_t)fasc_filterbank_mains_decision_index(fb);
    float *x = calloc(n, sizeof(float));
    assert_non_null(x);
    fbt_output o = fbt_run(fb, x, n - 1, 0, 0);
    assert_int_equal(fasc_filterbank_mains(fb), FASC_MAINS_AUTO);
    fbt_output_free(&o);
    o = fbt_run(fb, x + n - 1, 1, 0, 0);
    assert_int_equal(fasc_filterbank_mains(fb), FASC_MAINS_50HZ);
    fbt_output_free(&o);
    fasc_filterbank_destroy(&fb);
    free(x);
}

static void fixed_modes_report_their_frequency(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    static const fasc_mains modes[] = {FASC_MAINS_OFF, FASC_MAINS_50HZ, FASC_MAINS_60HZ};
    for (int i = 0; i < 3; i++) {
        cfg.mains = modes[i];
        fasc_filterbank *fb = fbt_create(&cfg);
        assert_int_equal(fasc_filterbank_mains(fb), modes[i]);
        assert_int_equal(fasc_filterbank_mains_decision_index(fb), -1);
        double m;
        assert_int_equal(fasc_filterbank_magnitude(fb, 0, 60.0, &m), FASC_OK);
        assert_true(modes[i] == FASC_MAINS_60HZ ? m < 1e-6 : m > 0.9);
        fasc_filterbank_destroy(&fb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detects_50hz),
        cmocka_unit_test(detects_60hz),
        cmocka_unit_test(detects_60hz_decimated),
        cmocka_unit_test(silence_ties_to_50hz),
        cmocka_unit_test(fixed_modes_report_their_frequency),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
