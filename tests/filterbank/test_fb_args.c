/* The bank rejects NULL and out-of-range arguments at the API boundary,
 * checks caller memory size, and destroy is safe on NULL. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

static fasc_filterbank_config defaults(void)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    return cfg;
}

static void expect_invalid(const fasc_filterbank_config *cfg)
{
    fasc_filterbank *fb = (fasc_filterbank *)0x1;
    assert_int_equal(fasc_filterbank_create(cfg, &fb), FASC_ERR_INVALID_ARGUMENT);
    assert_true(fb == (fasc_filterbank *)0x1);
    assert_int_equal(fasc_filterbank_memory_size(cfg), 0);
}

static void bad_configurations_are_rejected(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(NULL);
    expect_invalid(NULL);
    cfg = defaults(); cfg.sample_rate = 499.0; expect_invalid(&cfg);
    cfg = defaults(); cfg.sample_rate = 48001.0; expect_invalid(&cfg);
    cfg = defaults(); cfg.sample_rate = NAN; expect_invalid(&cfg);
    cfg = defaults(); cfg.channels = 0; expect_invalid(&cfg);
    cfg = defaults(); cfg.channels = 257; expect_invalid(&cfg);
    cfg = defaults(); cfg.highpass_order = 17; expect_invalid(&cfg);
    cfg = defaults(); cfg.highpass_hz = 500.0; expect_invalid(&cfg);
    cfg = defaults(); cfg.lowpass_hz = -1.0; expect_invalid(&cfg);
    cfg = defaults(); cfg.band_count = 17; expect_invalid(&cfg);
    cfg = defaults(); cfg.band_order = 0; expect_invalid(&cfg);
    cfg = defaults(); cfg.mains = (fasc_mains)55; expect_invalid(&cfg);
    cfg = defaults(); cfg.mains_harmonics = 9; expect_invalid(&cfg);
    cfg = defaults(); cfg.notch_q = 0.0; expect_invalid(&cfg);
    cfg = defaults(); cfg.working_rate_max = 1000.0; expect_invalid(&cfg);
    cfg = defaults();
    cfg.band_count = 1;
    cfg.band_low_hz[0] = 300.0;
    cfg.band_high_hz[0] = 1100.0; /* above the 1024 Hz Nyquist */
    expect_invalid(&cfg);
    cfg.band_high_hz[0] = 200.0; /* below the low edge */
    expect_invalid(&cfg);
    cfg.band_high_hz[0] = 1000.0; /* valid explicit band */
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_filterbank_create(&cfg, &fb), FASC_OK);
    fasc_filterbank_destroy(&fb);
}

static void extreme_valid_configurations_work(void **state)
{
    (void)state;
    static const double rates[] = {500.0, 48000.0};
    for (int i = 0; i < 2; i++) {
        fasc_filterbank_config cfg = defaults();
        cfg.sample_rate = rates[i];
        cfg.channels = FASC_MAX_CHANNELS;
        fasc_filterbank *fb = NULL;
        assert_int_equal(fasc_filterbank_create(&cfg, &fb), FASC_OK);
        assert_int_equal(fasc_filterbank_channels(fb), FASC_MAX_CHANNELS);
        fasc_filterbank_destroy(&fb);
    }
}

static void caller_memory_is_checked(void **state)
{
    (void)state;
    fasc_filterbank_config cfg = defaults();
    cfg.channels = 5;
    size_t size = fasc_filterbank_memory_size(&cfg);
    assert_true(size > 0);
    unsigned char *mem = malloc(size + 1);
    assert_non_null(mem);
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_filterbank_init(mem, size - 1, &cfg, &fb),
                     FASC_ERR_BUFFER_TOO_SMALL);
    assert_null(fb);
    assert_int_equal(fasc_filterbank_init(NULL, size, &cfg, &fb),
                     FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_filterbank_init(mem, size, &cfg, NULL),
                     FASC_ERR_INVALID_ARGUMENT);
    /* misaligned on purpose */
    assert_int_equal(fasc_filterbank_init(mem + 1, size, &cfg, &fb), FASC_OK);
    assert_non_null(fb);
    assert_int_equal(fasc_filterbank_streams(fb), 5);
    free(mem);
}

static void process_rejects_bad_arguments(void **state)
{
    (void)state;
    fasc_filterbank_config cfg = defaults();
    cfg.channels = 2;
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_filterbank_create(&cfg, &fb), FASC_OK);
    float x0[8] = {0}, x1[8] = {0}, y[10][8];
    const float *in[2] = {x0, x1}, *in_null[2] = {x0, NULL};
    float *out[10];
    for (int i = 0; i < 10; i++)
        out[i] = y[i];
    size_t n = 99;
    const int bad = FASC_ERR_INVALID_ARGUMENT;
    assert_int_equal(fasc_filterbank_process(NULL, in, 8, out, 8, &n), bad);
    assert_int_equal(fasc_filterbank_process(fb, NULL, 8, out, 8, &n), bad);
    assert_int_equal(fasc_filterbank_process(fb, in_null, 8, out, 8, &n), bad);
    assert_int_equal(fasc_filterbank_process(fb, in, 8, NULL, 8, &n), bad);
    out[9] = NULL;
    assert_int_equal(fasc_filterbank_process(fb, in, 8, out, 8, &n), bad);
    out[9] = y[9];
    assert_int_equal(fasc_filterbank_process(fb, in, 8, out, 7, &n),
                     FASC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fasc_filterbank_process_interleaved(fb, NULL, 4, out, 8, &n), bad);
    assert_int_equal(fasc_filterbank_process(fb, NULL, 0, out, 0, &n), FASC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(fasc_filterbank_process(fb, in, 8, out, 8, &n), FASC_OK);
    assert_int_equal(n, 8);
    fasc_filterbank_destroy(&fb);
}

static void destroy_and_queries_are_safe_on_null(void **state)
{
    (void)state;
    fasc_filterbank *fb = NULL;
    fasc_filterbank_destroy(NULL);
    fasc_filterbank_destroy(&fb);
    fasc_filterbank_reset(NULL);
    assert_int_equal(fasc_filterbank_streams(NULL), 0);
    assert_int_equal(fasc_filterbank_channels(NULL), 0);
    assert_int_equal(fasc_filterbank_decimation(NULL), 0);
    assert_int_equal(fasc_filterbank_nonfinite_count(NULL, 0), 0);
    assert_int_equal(fasc_filterbank_edges(NULL, 0, NULL, NULL), FASC_ERR_INVALID_ARGUMENT);
    fasc_filterbank_config cfg = defaults();
    assert_int_equal(fasc_filterbank_create(&cfg, &fb), FASC_OK);
    assert_int_equal(fasc_filterbank_edges(fb, 5, NULL, NULL), FASC_ERR_INVALID_ARGUMENT);
    double m;
    assert_int_equal(fasc_filterbank_magnitude(fb, 0, 2000.0, &m), FASC_ERR_INVALID_ARGUMENT);
    fasc_filterbank_destroy(&fb);
    assert_null(fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_configurations_are_rejected),
        cmocka_unit_test(extreme_valid_configurations_work),
        cmocka_unit_test(caller_memory_is_checked),
        cmocka_unit_test(process_rejects_bad_arguments),
        cmocka_unit_test(destroy_and_queries_are_safe_on_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
