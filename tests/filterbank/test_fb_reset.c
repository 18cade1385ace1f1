/* reset returns the bank to its initial state: the same input then gives
 * bit-identical output to a fresh bank (a join pending at reset is
 * forgotten), the automatic mains choice is pending again, and the
 * counters are zero. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fbt_util.h"

static void check_reset(double rate, int channels, size_t n)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = rate;
    cfg.channels = channels;
    cfg.mains_decision_s = 0.25;
    float *x = fbt_noise_input(channels, n, 5u, 30.0f);
    float *y = fbt_noise_input(channels, n, 6u, 90.0f);
    y[0] = NAN;
    fasc_filterbank *used = fbt_create(&cfg), *fresh = fbt_create(&cfg);
    fbt_output junk = fbt_run(used, y, n, 0, 0);
    assert_true(fasc_filterbank_mains(used) != FASC_MAINS_AUTO);
    assert_int_equal(fasc_filterbank_join(used), FASC_OK); /* forgotten too */
    fasc_filterbank_reset(used);
    assert_int_equal(fasc_filterbank_mains(used), FASC_MAINS_AUTO);
    assert_int_equal(fasc_filterbank_nonfinite_count(used, 0), 0);
    fbt_output a = fbt_run(used, x, n, 0, 0), b = fbt_run(fresh, x, n, 0, 0);
    assert_memory_equal(a.data, b.data, sizeof(float) * a.capacity *
                                            (size_t)(a.streams * channels));
    fbt_output_free(&junk);
    fbt_output_free(&a);
    fbt_output_free(&b);
    fasc_filterbank_destroy(&used);
    fasc_filterbank_destroy(&fresh);
    free(x);
    free(y);
}

static void reset_restores_initial_state(void **state)
{
    (void)state;
    check_reset(2048.0, 5, 1000);
}

static void reset_restores_decimator(void **state)
{
    (void)state;
    check_reset(44100.0, 2, 12001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reset_restores_initial_state),
        cmocka_unit_test(reset_restores_decimator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
