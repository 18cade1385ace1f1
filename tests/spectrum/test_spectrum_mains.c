/* Mains detection: 50 vs 60 Hz vs none, at low and high sample rates. */
#include "fasc/spectrum.h"

#include "signals.h"

static const double rates[] = {500.0, 1000.0, 2048.0, 44100.0};
enum { RATE_COUNT = sizeof rates / sizeof rates[0] };
static const double seconds = 6.0, noise_sigma = 5.0, mains_amp = 20.0;

/* First-order low-pass of white noise: a spectrum falling above ~100 Hz,
 * like surface EMG, so the local floors are not flat. */
static void add_coloured_noise(float *x, size_t n, double fs, double sigma,
                               uint64_t seed)
{
    float *white = zeros(n);
    add_noise(white, n, sigma, seed);
    const double a = exp(-2.0 * TEST_PI * 100.0 / fs);
    double y = 0.0;
    for (size_t i = 0; i < n; i++) {
        y = a * y + (1.0 - a) * white[i];
        x[i] += (float)(y * sqrt(fs / 200.0));
    }
    free(white);
}

static fasc_spectrum_config config_for(double fs, size_t channels)
{
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = fs;
    cfg.channels = channels;
    return cfg;
}

/* Mains `freq` (0 for none) plus white noise, analysed in one call. */
static fasc_spectrum_mains detect_in(double fs, double freq, double amplitude,
                                     uint64_t seed)
{
    const size_t n = (size_t)(fs * seconds);
    float *x = zeros(n);
    add_noise(x, n, noise_sigma, seed);
    if (freq > 0.0)
        add_mains(x, n, fs, freq, amplitude);
    const fasc_spectrum_config cfg = config_for(fs, 1);
    const float *ch[1] = {x};
    fasc_spectrum_mains m;
    assert_int_equal(fasc_spectrum_mains_detect_buffer(&cfg, ch, n, &m), FASC_OK);
    free(x);
    return m;
}

static void detects_50_hz_at_every_rate(void **state)
{
    (void)state;
    for (size_t i = 0; i < RATE_COUNT; i++) {
        const fasc_spectrum_mains m = detect_in(rates[i], 50.0, mains_amp, 1 + i);
        assert_close(m.frequency, 50.0, 0.0);
    }
}

static void detects_60_hz_at_every_rate(void **state)
{
    (void)state;
    for (size_t i = 0; i < RATE_COUNT; i++) {
        const fasc_spectrum_mains m = detect_in(rates[i], 60.0, mains_amp, 11 + i);
        assert_close(m.frequency, 60.0, 0.0);
    }
}

static void noise_alone_has_no_mains(void **state)
{
    (void)state;
    for (size_t i = 0; i < RATE_COUNT; i++) {
        const fasc_spectrum_mains m = detect_in(rates[i], 0.0, 0.0, 21 + i);
        assert_close(m.frequency, 0.0, 0.0);
        assert_close(m.line_power, 0.0, 0.0);
        assert_true(m.fifty.line_to_floor_db < 3.0);
        assert_true(m.sixty.line_to_floor_db < 3.0);
    }
}

static void coloured_noise_alone_has_no_mains(void **state)
{
    (void)state;
    for (size_t i = 0; i < RATE_COUNT; i++) {
        const double fs = rates[i];
        const size_t n = (size_t)(fs * seconds);
        float *x = zeros(n);
        add_coloured_noise(x, n, fs, 30.0, 31 + i);
        const fasc_spectrum_config cfg = config_for(fs, 1);
        const float *ch[1] = {x};
        fasc_spectrum_mains m;
        assert_int_equal(fasc_spectrum_mains_detect_buffer(&cfg, ch, n, &m), FASC_OK);
        assert_close(m.frequency, 0.0, 0.0);
        free(x);
    }
}

static void off_nominal_grid_frequency_is_still_found(void **state)
{
    (void)state;
    assert_close(detect_in(2048.0, 49.8, mains_amp, 41).frequency, 50.0, 0.0);
    assert_close(detect_in(1000.0, 60.2, mains_amp, 42).frequency, 60.0, 0.0);
}

static void weak_line_stays_below_threshold(void **state)
{
    (void)state;
    /* At 2048 Hz the window holds 5 × 1 Hz × σ²/1024 ≈ 0.12 µV² of noise;
     * a line of 0.5 µV adds about as much again: +3 dB, under 10 dB. */
    const fasc_spectrum_mains weak = detect_in(2048.0, 50.0, 0.5, 51);
    assert_close(weak.frequency, 0.0, 0.0);
    const fasc_spectrum_mains strong = detect_in(2048.0, 50.0, 3.0, 51);
    assert_close(strong.frequency, 50.0, 0.0);
}

static void line_and_harmonic_power_are_measured(void **state)
{
    (void)state;
    for (size_t i = 0; i < RATE_COUNT; i++) {
        const fasc_spectrum_mains m = detect_in(rates[i], 60.0, mains_amp, 61 + i);
        const double line = mains_amp * mains_amp / 2.0;
        /* add_mains: 3rd at 0.4 A, 5th at 0.2 A; at 500 Hz the 5th
         * (300 Hz) is above Nyquist and absent. */
        double harmonics = 0.16 * line;
        if (5.0 * 60.0 < rates[i] / 2.0 - 10.0)
            harmonics += 0.04 * line;
        assert_close(m.line_power, line, 0.05 * line);
        assert_close(m.harmonic_power, harmonics, 0.1 * harmonics);
        assert_close(m.line_power, m.sixty.line_power, 0.0);
    }
}

static void lines_examined_stop_below_nyquist(void **state)
{
    (void)state;
    const fasc_spectrum_mains low = detect_in(500.0, 50.0, mains_amp, 71);
    assert_int_equal(low.fifty.lines, 4);  /* 50..200 Hz; 250 is Nyquist */
    assert_int_equal(low.sixty.lines, 4);  /* 60..240 Hz */
    const fasc_spectrum_mains high = detect_in(2048.0, 50.0, mains_amp, 72);
    assert_int_equal(high.fifty.lines, 10);
    assert_int_equal(high.sixty.lines, 10);
}

static void mean_of_channels_is_used(void **state)
{
    (void)state;
    const double fs = 1000.0;
    const size_t n = (size_t)(fs * seconds);
    float *a = zeros(n), *b = zeros(n);
    add_noise(a, n, noise_sigma, 81);
    add_noise(b, n, noise_sigma, 82);
    add_mains(b, n, fs, 50.0, mains_amp);
    const fasc_spectrum_config cfg = config_for(fs, 2);
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&cfg, &sp), FASC_OK);
    const float *ch[2] = {a, b};
    assert_int_equal(fasc_spectrum_process(sp, ch, n), FASC_OK);
    fasc_spectrum_mains m;
    assert_int_equal(fasc_spectrum_mains_detect(sp, 0, &m), FASC_OK);
    assert_close(m.frequency, 0.0, 0.0);
    assert_int_equal(fasc_spectrum_mains_detect(sp, 1, &m), FASC_OK);
    assert_close(m.frequency, 50.0, 0.0);
    const double one_channel = m.line_power;
    assert_int_equal(fasc_spectrum_mains_detect(sp, FASC_SPECTRUM_ALL_CHANNELS, &m),
                     FASC_OK);
    assert_close(m.frequency, 50.0, 0.0);
    assert_close(m.line_power, one_channel / 2.0, 0.05 * one_channel);
    fasc_spectrum_destroy(&sp);
    free(a);
    free(b);
}

static void coarse_bins_are_unsupported(void **state)
{
    (void)state;
    fasc_spectrum_config cfg = config_for(2048.0, 1);
    cfg.segment_length = 256;  /* 8 Hz bins cannot tell 50 from 60 Hz */
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&cfg, &sp), FASC_OK);
    float *x = zeros(2048);
    add_noise(x, 2048, 1.0, 91);
    const float *ch[1] = {x};
    assert_int_equal(fasc_spectrum_process(sp, ch, 2048), FASC_OK);
    fasc_spectrum_mains m;
    assert_int_equal(fasc_spectrum_mains_detect(sp, 0, &m), FASC_ERR_UNSUPPORTED);
    fasc_spectrum_destroy(&sp);
    free(x);
}

static void buffer_shorter_than_a_segment_is_a_state_error(void **state)
{
    (void)state;
    const fasc_spectrum_config cfg = config_for(1000.0, 1);
    float x[100] = {0};
    const float *ch[1] = {x};
    fasc_spectrum_mains m;
    assert_int_equal(fasc_spectrum_mains_detect_buffer(&cfg, ch, 100, &m),
                     FASC_ERR_STATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detects_50_hz_at_every_rate),
        cmocka_unit_test(detects_60_hz_at_every_rate),
        cmocka_unit_test(noise_alone_has_no_mains),
        cmocka_unit_test(coloured_noise_alone_has_no_mains),
        cmocka_unit_test(off_nominal_grid_frequency_is_still_found),
        cmocka_unit_test(weak_line_stays_below_threshold),
        cmocka_unit_test(line_and_harmonic_power_are_measured),
        cmocka_unit_test(lines_examined_stop_below_nyquist),
        cmocka_unit_test(mean_of_channels_is_used),
        cmocka_unit_test(coarse_bins_are_unsupported),
        cmocka_unit_test(buffer_shorter_than_a_segment_is_a_state_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
