/* At 44.1 and 48 kHz the bank decimates by 6; the time base is exact (an
 * impulse at input index k * D - latency comes out centred on output k)
 * and the pass band is preserved (0.01 dB), the alias band removed. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fbt_util.h"

static const double pi = 3.14159265358979323846;

/* Only the decimator: no IIR filter, no bands, no notch. */
static fasc_filterbank *decimator_only(double rate)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = rate;
    cfg.highpass_order = 0;
    cfg.lowpass_order = 0;
    cfg.mains = FASC_MAINS_OFF;
    cfg.band_count = 0;
    return fbt_create(&cfg);
}

static void check_time_base(double rate)
{
    fasc_filterbank *fb = decimator_only(rate);
    assert_int_equal(fasc_filterbank_decimation(fb), 6);
    assert_true(fasc_filterbank_output_rate(fb) == rate / 6.0);
    fasc_index latency = fasc_filterbank_latency(fb);
    assert_true(latency > 0);
    const fasc_index k0 = 300;
    fasc_index n0 = fasc_filterbank_input_index(fb, k0);
    assert_int_equal(n0, k0 * 6 - latency);
    size_t n = 4000;
    float *x = calloc(n, sizeof(float));
    assert_non_null(x);
    x[n0] = 1000.0f;
    fbt_output o = fbt_run(fb, x, n, 17u, 50);
    assert_int_equal(o.count, (n + 5) / 6);
    size_t peak = 0;
    for (size_t k = 0; k < o.count; k++)
        if (fabsf(fbt_at(&o, 0, 0, k)) > fabsf(fbt_at(&o, 0, 0, peak)))
            peak = k;
    assert_int_equal(peak, (size_t)k0);
    /* linear phase: symmetric about the peak */
    for (size_t j = 1; j < 10; j++)
        assert_true(fabsf(fbt_at(&o, 0, 0, k0 - j) - fbt_at(&o, 0, 0, k0 + j)) < 1e-3f);
    fbt_output_free(&o);
    free(x);
    fasc_filterbank_destroy(&fb);
}

static void time_base_is_exact_44k1(void **state) { (void)state; check_time_base(44100.0); }
static void time_base_is_exact_48k(void **state) { (void)state; check_time_base(48000.0); }

/* Steady-state amplitude of a sine of frequency f through the decimator. */
static double gain_db(double rate, double f)
{
    fasc_filterbank *fb = decimator_only(rate);
    size_t n = 24000;
    float *x = malloc(sizeof(float) * n);
    assert_non_null(x);
    for (size_t t = 0; t < n; t++)
        x[t] = (float)(100.0 * sin(2.0 * pi * f * (double)t / rate));
    fbt_output o = fbt_run(fb, x, n, 0, 0);
    double fo = rate / 6.0;
    /* Aliased tones land at |f - round(f / fo) * fo|: least-squares fit of
     * a sine and a cosine there (exact for a pure tone, unlike a
     * demodulation over a non-integer number of periods). */
    double fa = fabs(f - round(f / fo) * fo);
    double scc = 0, sss = 0, scs = 0, syc = 0, sys = 0;
    for (size_t k = 1000; k < o.count; k++) {
        double ph = 2.0 * pi * fa * (double)k / fo, c = cos(ph), s = sin(ph);
        double y = fbt_at(&o, 0, 0, k);
        scc += c * c;
        sss += s * s;
        scs += c * s;
        syc += y * c;
        sys += y * s;
    }
    double det = scc * sss - scs * scs;
    double a = (syc * sss - sys * scs) / det, b = (sys * scc - syc * scs) / det;
    double amp = hypot(a, b);
    fbt_output_free(&o);
    free(x);
    fasc_filterbank_destroy(&fb);
    return 20.0 * log10(amp / 100.0);
}

static void pass_band_is_preserved(void **state)
{
    (void)state;
    static const double freqs[] = {50.0, 300.0, 1000.0, 2500.0};
    for (int i = 0; i < 4; i++) {
        double g = gain_db(44100.0, freqs[i]);
        if (!(fabs(g) < 0.01))
            fail_msg("%g Hz at 44.1 kHz: %g dB", freqs[i], g);
        assert_true(fabs(gain_db(48000.0, freqs[i])) < 0.01);
    }
}

static void alias_band_is_removed(void **state)
{
    (void)state;
    assert_true(gain_db(48000.0, 0.6 * 8000.0 + 300.0) < -75.0);
    assert_true(gain_db(44100.0, 7350.0 - 100.0) < -75.0);
}

static void default_bank_at_48k_keeps_its_response(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = 48000.0;
    cfg.mains = FASC_MAINS_OFF;
    fasc_filterbank *fb = fbt_create(&cfg);
    double m, lo, hi;
    assert_int_equal(fasc_filterbank_edges(fb, 0, &lo, &hi), FASC_OK);
    assert_true(lo == 20.0 && hi == 450.0);
    assert_int_equal(fasc_filterbank_magnitude(fb, 0, 450.0, &m), FASC_OK);
    assert_true(fabs(20.0 * log10(m) + 3.0103) < 0.01);
    fasc_filterbank_destroy(&fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(time_base_is_exact_44k1),
        cmocka_unit_test(time_base_is_exact_48k),
        cmocka_unit_test(pass_band_is_preserved),
        cmocka_unit_test(alias_band_is_removed),
        cmocka_unit_test(default_bank_at_48k_keeps_its_response),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
