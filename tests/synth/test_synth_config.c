/* Invalid configurations are rejected with a reason; NULLs are safe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fasc/synth.h"

static void expect_rejected(fasc_synth_config cfg, const char *word)
{
    const char *msg = NULL;
    assert_int_equal(fasc_synth_config_check(&cfg, &msg), FASC_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(msg, word));
    fasc_synth *s = (fasc_synth *)&cfg; /* must be overwritten with NULL */
    assert_int_equal(fasc_synth_create(&cfg, &s), FASC_ERR_INVALID_ARGUMENT);
    assert_null(s);
}

static void bad_values_rejected(void **state)
{
    (void)state;
    fasc_synth_config d;
    fasc_synth_config_default(&d);
    fasc_synth_config c = d;
    c.channels = 0; expect_rejected(c, "channels");
    c = d; c.channels = 257; expect_rejected(c, "channels");
    c = d; c.sample_rate = 499.0; expect_rejected(c, "rate");
    c = d; c.sample_rate = -2048.0; expect_rejected(c, "rate");
    c = d; c.sample_rate = 1.0 / 0.0; expect_rejected(c, "rate");
    c = d; c.sample_rate = 0.0 / 0.0; expect_rejected(c, "rate");
    c = d; c.units = -1; expect_rejected(c, "units");
    c = d; c.units = 65; expect_rejected(c, "units");
    c = d; c.fasc_per_min = -1.0; expect_rejected(c, "rate");
    c = d; c.snr_db = 0.0 / 0.0; expect_rejected(c, "SNR");
    c = d; c.mains_hz = 55.0; expect_rejected(c, "mains");
    c = d; c.grid_rows = 3; c.grid_cols = 3; expect_rejected(c, "grid");
}

static void defaults_and_edges_accepted(void **state)
{
    (void)state;
    fasc_synth_config c;
    fasc_synth_config_default(&c);
    assert_int_equal(fasc_synth_config_check(&c, NULL), FASC_OK);
    c.channels = 256; c.grid_rows = 16; c.grid_cols = 16;
    c.sample_rate = 48000.0; c.units = 64;
    fasc_synth *s = NULL;
    assert_int_equal(fasc_synth_create(&c, &s), FASC_OK);
    fasc_synth_destroy(&s);
    assert_null(s);
    c.units = 0; c.channels = 1; c.grid_rows = c.grid_cols = 0; c.sample_rate = 500.0;
    assert_int_equal(fasc_synth_create(&c, &s), FASC_OK);
    assert_true(fasc_synth_noise_rms_uv(s) > 0.0);
    fasc_synth_destroy(&s);
}

static void null_arguments_safe(void **state)
{
    (void)state;
    fasc_synth_config c;
    fasc_synth_config_default(&c);
    assert_int_equal(fasc_synth_create(&c, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_synth_create(NULL, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_synth_generate(NULL, NULL, 10, NULL, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_synth_reset(NULL), FASC_ERR_INVALID_ARGUMENT);
    fasc_synth_destroy(NULL);
    fasc_synth *s = NULL;
    fasc_synth_destroy(&s);
    assert_int_equal(fasc_synth_create(&c, &s), FASC_OK);
    assert_int_equal(fasc_synth_generate(s, NULL, 10, NULL, NULL), FASC_ERR_INVALID_ARGUMENT);
    float *rows[8] = {0};
    assert_int_equal(fasc_synth_generate(s, rows, 10, NULL, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_synth_generate(s, rows, 0, NULL, NULL), FASC_OK);
    fasc_synth_destroy(&s);
    fasc_synth_config_default(NULL);
    assert_int_equal(fasc_synth_config_check(NULL, NULL), FASC_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_values_rejected),
        cmocka_unit_test(defaults_and_edges_accepted),
        cmocka_unit_test(null_arguments_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
