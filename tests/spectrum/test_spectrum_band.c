/* Band statistics: noise floor, band power, mean and median frequency. */
#include "fasc/spectrum.h"

#include "signals.h"

static fasc_spectrum *analysed(double fs, const float *x, size_t n)
{
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = fs;
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&cfg, &sp), FASC_OK);
    const float *ch[1] = {x};
    assert_int_equal(fasc_spectrum_process(sp, ch, n), FASC_OK);
    return sp;
}

static fasc_spectrum_band stats_of(double fs, const float *x, size_t n)
{
    fasc_spectrum *sp = analysed(fs, x, n);
    fasc_spectrum_band b;
    assert_int_equal(fasc_spectrum_band_stats(sp, 0, &b), FASC_OK);
    fasc_spectrum_destroy(&sp);
    return b;
}

static fasc_spectrum_band white_noise_stats(double fs, double sigma,
                                            double seconds, uint64_t seed)
{
    const size_t n = (size_t)(fs * seconds);
    float *x = zeros(n);
    add_noise(x, n, sigma, seed);
    const fasc_spectrum_band b = stats_of(fs, x, n);
    free(x);
    return b;
}

static void white_noise_mean_and_median_at_band_centre(void **state)
{
    (void)state;
    const fasc_spectrum_band b = white_noise_stats(2048.0, 10.0, 20.0, 1);
    assert_close(b.low_hz, 20.0, 0.0);
    assert_close(b.high_hz, 450.0, 0.0);
    assert_close(b.mean_frequency, 235.0, 3.0);
    assert_close(b.median_frequency, 235.0, 3.0);
}

static void tone_mean_and_median_at_tone(void **state)
{
    (void)state;
    const double fs = 2048.0, tone = 100.3;
    const size_t n = (size_t)fs * 10;
    float *x = zeros(n);
    add_tone(x, n, fs, tone, 50.0, 0.0);
    add_noise(x, n, 0.1, 2);
    const fasc_spectrum_band b = stats_of(fs, x, n);
    assert_close(b.mean_frequency, tone, 0.5);
    assert_close(b.median_frequency, tone, 0.5);
    assert_close(b.band_power, 50.0 * 50.0 / 2.0, 0.02 * 1250.0);
    free(x);
}

/* The median level, corrected for its bias, is the white density σ²/(fs/2),
 * with many segments and with one (uncorrected, it would be 30 % low). */
static void white_noise_floor_is_its_density(void **state)
{
    (void)state;
    const double seconds[] = {30.0, 1.0};
    for (size_t i = 0; i < 2; i++) {
        const double fs = 2048.0, sigma = 10.0;
        const fasc_spectrum_band b = white_noise_stats(fs, sigma, seconds[i], 3 + i);
        const double density = sigma * sigma / (fs / 2.0);
        assert_close(b.noise_floor, density, (i == 0 ? 0.04 : 0.2) * density);
        const double bandwidth = b.high_hz - b.low_hz + fs / 2048.0;
        assert_close(b.noise_floor_rms, sqrt(b.noise_floor * bandwidth), 1e-9);
    }
}

static void floor_ignores_strong_lines(void **state)
{
    (void)state;
    const double fs = 1000.0;
    const size_t n = (size_t)fs * 20;
    float *x = zeros(n);
    add_noise(x, n, 4.0, 5);
    const fasc_spectrum_band clean = stats_of(fs, x, n);
    add_mains(x, n, fs, 50.0, 100.0);
    const fasc_spectrum_band lined = stats_of(fs, x, n);
    assert_close(lined.noise_floor, clean.noise_floor, 0.02 * clean.noise_floor);
    assert_true(lined.band_power > 10.0 * clean.band_power);
    free(x);
}

static void band_is_clipped_below_nyquist(void **state)
{
    (void)state;
    const fasc_spectrum_band b = white_noise_stats(500.0, 1.0, 10.0, 6);
    assert_true(b.low_hz >= 20.0 && b.low_hz < 22.0);
    assert_true(b.high_hz < 250.0 && b.high_hz > 245.0);
    assert_close(b.median_frequency, 0.5 * (b.low_hz + b.high_hz), 3.0);
}

static void silence_has_zero_power_and_frequencies(void **state)
{
    (void)state;
    float *x = zeros(4096);
    const fasc_spectrum_band b = stats_of(1000.0, x, 4096);
    assert_close(b.band_power, 0.0, 0.0);
    assert_close(b.noise_floor, 0.0, 0.0);
    assert_close(b.mean_frequency, 0.0, 0.0);
    assert_close(b.median_frequency, 0.0, 0.0);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(white_noise_mean_and_median_at_band_centre),
        cmocka_unit_test(tone_mean_and_median_at_tone),
        cmocka_unit_test(white_noise_floor_is_its_density),
        cmocka_unit_test(floor_ignores_strong_lines),
        cmocka_unit_test(band_is_clipped_below_nyquist),
        cmocka_unit_test(silence_has_zero_power_and_frequencies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
