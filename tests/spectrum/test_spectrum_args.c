/* Argument validation, defaults, NULL safety, state errors, guard bytes. */
#include "fasc/spectrum.h"

#include <string.h>

#include "signals.h"

static fasc_spectrum_config defaults(void)
{
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    return cfg;
}

static void defaults_are_documented_values(void **state)
{
    (void)state;
    const fasc_spectrum_config cfg = defaults();
    assert_close(cfg.sample_rate, 2048.0, 0.0);
    assert_int_equal(cfg.channels, 1);
    assert_int_equal(cfg.segment_length, 0);
    assert_close(cfg.overlap, 0.5, 0.0);
    assert_close(cfg.band_low_hz, 20.0, 0.0);
    assert_close(cfg.band_high_hz, 450.0, 0.0);
    assert_int_equal(cfg.mains_harmonics, 10);
    assert_close(cfg.mains_threshold_db, 10.0, 0.0);
    fasc_spectrum_config_default(NULL);  /* must not crash */
}

static void expect_rejected(const fasc_spectrum_config *cfg)
{
    fasc_spectrum *sp = (fasc_spectrum *)&sp;  /* must be reset to NULL */
    assert_int_equal(fasc_spectrum_create(cfg, &sp), FASC_ERR_INVALID_ARGUMENT);
    assert_null(sp);
}

static void create_rejects_out_of_range_config(void **state)
{
    (void)state;
    fasc_spectrum_config c;
    expect_rejected(NULL);
    c = defaults(); c.sample_rate = 499.0; expect_rejected(&c);
    c = defaults(); c.sample_rate = 48001.0; expect_rejected(&c);
    c = defaults(); c.sample_rate = NAN; expect_rejected(&c);
    c = defaults(); c.channels = 0; expect_rejected(&c);
    c = defaults(); c.channels = FASC_MAX_CHANNELS + 1; expect_rejected(&c);
    c = defaults(); c.segment_length = FASC_SPECTRUM_MIN_SEGMENT - 1; expect_rejected(&c);
    c = defaults(); c.segment_length = FASC_SPECTRUM_MAX_SEGMENT + 1; expect_rejected(&c);
    c = defaults(); c.overlap = -0.1; expect_rejected(&c);
    c = defaults(); c.overlap = 0.95; expect_rejected(&c);
    c = defaults(); c.overlap = NAN; expect_rejected(&c);
    c = defaults(); c.band_low_hz = 100.0; c.band_high_hz = 100.0; expect_rejected(&c);
    c = defaults(); c.band_low_hz = -1.0; expect_rejected(&c);
    c = defaults(); c.band_high_hz = INFINITY; expect_rejected(&c);
    c = defaults(); c.band_low_hz = 1100.0; c.band_high_hz = 2000.0; expect_rejected(&c);
    c = defaults(); c.band_low_hz = 100.0; c.band_high_hz = 101.0; expect_rejected(&c);
    c = defaults(); c.mains_harmonics = 0; expect_rejected(&c);
    c = defaults(); c.mains_harmonics = 65; expect_rejected(&c);
    c = defaults(); c.mains_threshold_db = -1.0; expect_rejected(&c);
    c = defaults(); c.mains_threshold_db = NAN; expect_rejected(&c);
    c = defaults();
    assert_int_equal(fasc_spectrum_create(&c, NULL), FASC_ERR_INVALID_ARGUMENT);
}

static void create_accepts_range_limits(void **state)
{
    (void)state;
    fasc_spectrum_config c = defaults();
    c.sample_rate = FASC_MIN_SAMPLE_RATE;
    c.channels = FASC_MAX_CHANNELS;
    c.segment_length = FASC_SPECTRUM_MIN_SEGMENT;
    c.overlap = 0.9;
    c.band_low_hz = 0.0;
    c.band_high_hz = 1e9;  /* clipped below Nyquist */
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&c, &sp), FASC_OK);
    assert_non_null(sp);
    fasc_spectrum_destroy(&sp);
}

static void destroy_and_reset_are_null_safe(void **state)
{
    (void)state;
    fasc_spectrum_destroy(NULL);
    fasc_spectrum *sp = NULL;
    fasc_spectrum_destroy(&sp);
    fasc_spectrum_reset(NULL);
    const fasc_spectrum_config c = defaults();
    assert_int_equal(fasc_spectrum_create(&c, &sp), FASC_OK);
    fasc_spectrum_destroy(&sp);
    assert_null(sp);
}

static void accessors_of_null_return_neutral_values(void **state)
{
    (void)state;
    assert_int_equal(fasc_spectrum_bins(NULL), 0);
    assert_int_equal(fasc_spectrum_segment_length(NULL), 0);
    assert_close(fasc_spectrum_bin_width(NULL), 0.0, 0.0);
    assert_true(fasc_spectrum_bin_frequency(NULL, 0) < 0.0);
    assert_int_equal(fasc_spectrum_segments(NULL, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_skipped(NULL, 0), FASC_ERR_INVALID_ARGUMENT);
}

static void process_rejects_missing_buffers(void **state)
{
    (void)state;
    fasc_spectrum_config c = defaults();
    c.channels = 2;
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&c, &sp), FASC_OK);
    float x[8] = {0};
    const float *one_missing[2] = {x, NULL};
    assert_int_equal(fasc_spectrum_process(NULL, one_missing, 8), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_process(sp, NULL, 8), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_process(sp, one_missing, 8), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_process(sp, NULL, 0), FASC_OK);
    assert_int_equal(fasc_spectrum_process_interleaved(sp, NULL, 4), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_process_interleaved(NULL, x, 4), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_process_interleaved(sp, NULL, 0), FASC_OK);
    fasc_spectrum_destroy(&sp);
}

/* A two-channel estimator fed with enough noise for several segments. */
static fasc_spectrum *fed_estimator(void)
{
    fasc_spectrum_config c = defaults();
    c.channels = 2;
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&c, &sp), FASC_OK);
    const size_t n = 8192;
    float *a = zeros(n), *b = zeros(n);
    add_noise(a, n, 1.0, 1);
    add_noise(b, n, 1.0, 2);
    const float *ch[2] = {a, b};
    assert_int_equal(fasc_spectrum_process(sp, ch, n), FASC_OK);
    free(a);
    free(b);
    return sp;
}

static void readouts_reject_bad_channel_and_pointers(void **state)
{
    (void)state;
    fasc_spectrum *sp = fed_estimator();
    const size_t nbins = fasc_spectrum_bins(sp);
    float *psd = zeros(nbins);
    fasc_spectrum_band band;
    fasc_spectrum_mains mains;
    const int bad[] = {-2, 2, 1000};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(fasc_spectrum_psd(sp, bad[i], psd, nbins), FASC_ERR_INVALID_ARGUMENT);
        assert_int_equal(fasc_spectrum_band_stats(sp, bad[i], &band), FASC_ERR_INVALID_ARGUMENT);
        assert_int_equal(fasc_spectrum_mains_detect(sp, bad[i], &mains), FASC_ERR_INVALID_ARGUMENT);
        assert_int_equal(fasc_spectrum_segments(sp, bad[i]), FASC_ERR_INVALID_ARGUMENT);
    }
    assert_int_equal(fasc_spectrum_psd(NULL, 0, psd, nbins), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_psd(sp, 0, NULL, nbins), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_psd(sp, 0, psd, nbins - 1), FASC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fasc_spectrum_band_stats(NULL, 0, &band), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_band_stats(sp, 0, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_mains_detect(NULL, 0, &mains), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_mains_detect(sp, 0, NULL), FASC_ERR_INVALID_ARGUMENT);
    const fasc_spectrum_config c = defaults();
    const float *ch[1] = {psd};
    assert_int_equal(fasc_spectrum_mains_detect_buffer(NULL, ch, 1, &mains), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_mains_detect_buffer(&c, NULL, 1, &mains), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_spectrum_mains_detect_buffer(&c, ch, 1, NULL), FASC_ERR_INVALID_ARGUMENT);
    free(psd);
    fasc_spectrum_destroy(&sp);
}

static void readouts_before_any_segment_are_state_errors(void **state)
{
    (void)state;
    const fasc_spectrum_config c = defaults();
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&c, &sp), FASC_OK);
    float *psd = zeros(fasc_spectrum_bins(sp));
    fasc_spectrum_band band;
    fasc_spectrum_mains mains;
    assert_int_equal(fasc_spectrum_psd(sp, 0, psd, fasc_spectrum_bins(sp)), FASC_ERR_STATE);
    assert_int_equal(fasc_spectrum_band_stats(sp, 0, &band), FASC_ERR_STATE);
    assert_int_equal(fasc_spectrum_mains_detect(sp, FASC_SPECTRUM_ALL_CHANNELS, &mains),
                     FASC_ERR_STATE);
    free(psd);
    fasc_spectrum_destroy(&sp);
}

static void psd_writes_exactly_bins_values(void **state)
{
    (void)state;
    fasc_spectrum *sp = fed_estimator();
    const size_t nbins = fasc_spectrum_bins(sp), guard = 16;
    float *psd = zeros(nbins + guard);
    memset(psd + nbins, 0x5a, guard * sizeof *psd);
    unsigned char expected[16 * sizeof(float)];
    memset(expected, 0x5a, sizeof expected);
    assert_int_equal(fasc_spectrum_psd(sp, FASC_SPECTRUM_ALL_CHANNELS, psd, nbins + guard),
                     FASC_OK);
    assert_memory_equal(psd + nbins, expected, sizeof expected);
    free(psd);
    fasc_spectrum_destroy(&sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_documented_values),
        cmocka_unit_test(create_rejects_out_of_range_config),
        cmocka_unit_test(create_accepts_range_limits),
        cmocka_unit_test(destroy_and_reset_are_null_safe),
        cmocka_unit_test(accessors_of_null_return_neutral_values),
        cmocka_unit_test(process_rejects_missing_buffers),
        cmocka_unit_test(readouts_reject_bad_channel_and_pointers),
        cmocka_unit_test(readouts_before_any_segment_are_state_errors),
        cmocka_unit_test(psd_writes_exactly_bins_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
