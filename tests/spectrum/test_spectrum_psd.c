/* Welch PSD: scaling, peak, line power, noise density, Parseval. */
#include "fasc/spectrum.h"

#include <string.h>

#include "signals.h"

enum { RATE = 2048, SECONDS = 60 };
static const double tone_hz = 123.4, tone_amp = 100.0, noise_sigma = 10.0;

typedef struct measured {
    fasc_spectrum *sp;
    float *x;
    float *psd;
    size_t n, nbins;
    double df;
} measured;

static int measure_tone_in_noise(void **state)
{
    measured *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    m->n = (size_t)RATE * SECONDS;
    m->x = zeros(m->n);
    add_tone(m->x, m->n, RATE, tone_hz, tone_amp, 0.7);
    add_noise(m->x, m->n, noise_sigma, 42);
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = RATE;
    if (fasc_spectrum_create(&cfg, &m->sp) != FASC_OK)
        return -1;
    const float *ch[1] = {m->x};
    if (fasc_spectrum_process(m->sp, ch, m->n) != FASC_OK)
        return -1;
    m->nbins = fasc_spectrum_bins(m->sp);
    m->df = fasc_spectrum_bin_width(m->sp);
    m->psd = zeros(m->nbins);
    if (fasc_spectrum_psd(m->sp, 0, m->psd, m->nbins) != FASC_OK)
        return -1;
    *state = m;
    return 0;
}

static int release(void **state)
{
    measured *m = *state;
    if (m) {
        fasc_spectrum_destroy(&m->sp);
        free(m->x);
        free(m->psd);
        free(m);
    }
    return 0;
}

static size_t tone_bin(const measured *m)
{
    return (size_t)lround(tone_hz / m->df);
}

static void peak_is_at_tone_frequency(void **state)
{
    const measured *m = *state;
    size_t peak = 0;
    for (size_t k = 1; k < m->nbins; k++)
        if (m->psd[k] > m->psd[peak])
            peak = k;
    assert_true(fabs((double)peak * m->df - tone_hz) <= m->df);
}

static void noise_density_is_variance_over_half_rate(void **state)
{
    const measured *m = *state;
    const size_t k0 = tone_bin(m);
    double sum = 0.0;
    size_t count = 0;
    for (size_t k = 20; k + 20 < m->nbins; k++) {
        if (k + 10 > k0 && k < k0 + 10)
            continue;
        sum += m->psd[k];
        count++;
    }
    const double expected = noise_sigma * noise_sigma / (RATE / 2.0);
    assert_close(sum / (double)count, expected, 0.03 * expected);
}

static void line_power_is_half_amplitude_squared(void **state)
{
    const measured *m = *state;
    const size_t k0 = tone_bin(m);
    const double density = noise_sigma * noise_sigma / (RATE / 2.0);
    double line = 0.0;
    for (size_t k = k0 - 4; k <= k0 + 4; k++)
        line += (m->psd[k] - density) * m->df;
    const double expected = tone_amp * tone_amp / 2.0;
    assert_close(line, expected, 0.02 * expected);
}

static void total_power_matches_time_domain_variance(void **state)
{
    const measured *m = *state;
    double mean = 0.0, var = 0.0, total = 0.0;
    for (size_t i = 0; i < m->n; i++)
        mean += m->x[i];
    mean /= (double)m->n;
    for (size_t i = 0; i < m->n; i++)
        var += (m->x[i] - mean) * (m->x[i] - mean);
    var /= (double)m->n;
    for (size_t k = 0; k < m->nbins; k++)
        total += m->psd[k] * m->df;
    assert_close(total, var, 0.03 * var);
}

/* An independent double-precision Welch by direct DFT, as
 * scipy.signal.welch(x, fs, 'hann', nperseg, nperseg/2, detrend='constant',
 * scaling='density') computes it. */
static void direct_welch(const float *x, size_t n, double fs, size_t nfft,
                         size_t hop, double *psd)
{
    const size_t nbins = nfft / 2 + 1;
    double wsum = 0.0;
    size_t segments = 0;
    memset(psd, 0, nbins * sizeof *psd);
    for (size_t i = 0; i < nfft; i++) {
        const double w = 0.5 - 0.5 * cos(2.0 * TEST_PI * (double)i / (double)nfft);
        wsum += w * w;
    }
    for (size_t start = 0; start + nfft <= n; start += hop, segments++) {
        double mean = 0.0;
        for (size_t i = 0; i < nfft; i++)
            mean += x[start + i];
        mean /= (double)nfft;
        for (size_t k = 0; k < nbins; k++) {
            double re = 0.0, im = 0.0;
            for (size_t i = 0; i < nfft; i++) {
                const double w = 0.5 - 0.5 * cos(2.0 * TEST_PI * (double)i / (double)nfft);
                const double v = (x[start + i] - mean) * w;
                const double a = 2.0 * TEST_PI * (double)(k * i % nfft) / (double)nfft;
                re += v * cos(a);
                im -= v * sin(a);
            }
            const int single = k == 0 || (nfft % 2 == 0 && k == nbins - 1);
            psd[k] += (single ? 1.0 : 2.0) * (re * re + im * im) / (fs * wsum);
        }
    }
    for (size_t k = 0; k < nbins; k++)
        psd[k] /= (double)segments;
}

static void check_against_direct(size_t nfft)
{
    const size_t n = 5 * nfft;
    const double fs = 1000.0;
    float *x = zeros(n);
    add_noise(x, n, 3.0, 7);
    add_tone(x, n, fs, 97.0, 5.0, 0.2);
    for (size_t i = 0; i < n; i++)
        x[i] += 40.0f;  /* an offset the detrending must remove */
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = fs;
    cfg.segment_length = nfft;
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&cfg, &sp), FASC_OK);
    const float *ch[1] = {x};
    assert_int_equal(fasc_spectrum_process(sp, ch, n), FASC_OK);
    const size_t nbins = fasc_spectrum_bins(sp);
    assert_int_equal(nbins, nfft / 2 + 1);
    float *got = zeros(nbins);
    double *want = calloc(nbins, sizeof *want);
    assert_non_null(want);
    direct_welch(x, n, fs, nfft, nfft - nfft / 2, want);
    assert_int_equal(fasc_spectrum_psd(sp, 0, got, nbins), FASC_OK);
    double peak = 0.0;
    for (size_t k = 0; k < nbins; k++)
        peak = fmax(peak, want[k]);
    /* Single-precision FFT: errors relative to the largest bin. */
    for (size_t k = 0; k < nbins; k++)
        assert_close(got[k], want[k], 1e-5 * peak + 1e-4 * want[k]);
    fasc_spectrum_destroy(&sp);
    free(x);
    free(got);
    free(want);
}

static void matches_direct_welch_even_length(void **state)
{
    (void)state;
    check_against_direct(64);
}

static void matches_direct_welch_odd_length(void **state)
{
    (void)state;
    check_against_direct(45);
}

static void default_segment_gives_bins_of_one_to_two_hz(void **state)
{
    (void)state;
    const double rates[] = {500, 1000, 2048, 4000, 44100, 48000};
    const size_t expected[] = {256, 512, 2048, 2048, 32768, 32768};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        fasc_spectrum_config cfg;
        fasc_spectrum_config_default(&cfg);
        cfg.sample_rate = rates[i];
        fasc_spectrum *sp = NULL;
        assert_int_equal(fasc_spectrum_create(&cfg, &sp), FASC_OK);
        assert_int_equal(fasc_spectrum_segment_length(sp), expected[i]);
        assert_int_equal(fasc_spectrum_bins(sp), expected[i] / 2 + 1);
        const double df = fasc_spectrum_bin_width(sp);
        assert_true(df >= 1.0 && df < 2.0);
        assert_close(fasc_spectrum_bin_frequency(sp, 3), 3.0 * df, 1e-12);
        assert_close(fasc_spectrum_bin_frequency(sp, expected[i] / 2),
                            rates[i] / 2.0, 1e-9);
        assert_true(fasc_spectrum_bin_frequency(sp, expected[i] / 2 + 1) < 0.0);
        fasc_spectrum_destroy(&sp);
    }
}

int main(void)
{
    const struct CMUnitTest tone_tests[] = {
        cmocka_unit_test(peak_is_at_tone_frequency),
        cmocka_unit_test(noise_density_is_variance_over_half_rate),
        cmocka_unit_test(line_power_is_half_amplitude_squared),
        cmocka_unit_test(total_power_matches_time_domain_variance),
    };
    const struct CMUnitTest other_tests[] = {
        cmocka_unit_test(matches_direct_welch_even_length),
        cmocka_unit_test(matches_direct_welch_odd_length),
        cmocka_unit_test(default_segment_gives_bins_of_one_to_two_hz),
    };
    int failed = cmocka_run_group_tests_name("tone_in_noise", tone_tests,
                                             measure_tone_in_noise, release);
    failed += cmocka_run_group_tests_name("scaling", other_tests, NULL, NULL);
    return failed;
}
