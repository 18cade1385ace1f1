/* Silence after a signal decays to exact zeros: every IIR state is flushed
 * to 0 (so no subnormal arithmetic runs, whatever the CPU's flush-to-zero
 * mode), and subnormal inputs are read as 0. */
#include "fasc/filterbank.h"

#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../lib/filterbank/fb_internal.h"
#include "fbt_util.h"

static void silence_reaches_exact_zero(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.channels = 3;
    cfg.mains = FASC_MAINS_50HZ;
    const size_t n = 2048 * 20;
    float *x = calloc(3 * n, sizeof(float));
    assert_non_null(x);
    for (int c = 0; c < 3; c++)
        x[(size_t)c * n] = 1e6f;
    fasc_filterbank *fb = fbt_create(&cfg);
    fbt_output o = fbt_run(fb, x, n, 0, 0);
    size_t states = 2 * (size_t)fb->d.sections * (size_t)fb->lanes * (size_t)fb->groups;
    for (size_t i = 0; i < states; i++)
        assert_true(fb->state[i] == 0.0f);
    for (int s = 0; s < o.streams; s++)
        for (int c = 0; c < 3; c++)
            for (size_t t = n - 2048; t < n; t++)
                assert_true(fbt_at(&o, s, c, t) == 0.0f);
    fbt_output_free(&o);
    fasc_filterbank_destroy(&fb);
    free(x);
}

static void subnormal_inputs_read_as_zero(void **state)
{
    (void)state;
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    float x[512];
    for (int t = 0; t < 512; t++)
        x[t] = (t % 2 ? 1.0f : -1.0f) * FLT_MIN / 4.0f;
    fasc_filterbank *fb = fbt_create(&cfg);
    fbt_output o = fbt_run(fb, x, 512, 0, 0);
    for (int s = 0; s < o.streams; s++)
        for (size_t t = 0; t < o.count; t++)
            assert_true(fbt_at(&o, s, 0, t) == 0.0f);
    fbt_output_free(&o);
    fasc_filterbank_destroy(&fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(silence_reaches_exact_zero),
        cmocka_unit_test(subnormal_inputs_read_as_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
