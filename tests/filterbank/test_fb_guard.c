/* process writes exactly the samples it reports: guard words after every
 * output buffer stay untouched, for full and partial channel groups, with
 * and without decimation. */
#include "fasc/filterbank.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fbt_util.h"

enum { GUARD = 16 };
static const float sentinel = -12345.678f;

static void check_guards(double rate, int channels, size_t n)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = rate;
    cfg.channels = channels;
    fasc_filterbank *fb = fbt_create(&cfg);
    const int outs = fasc_filterbank_streams(fb) * channels;
    float *x = fbt_noise_input(channels, n, 2u, 100.0f);
    const float **in = malloc(sizeof(*in) * (size_t)channels);
    float **out = malloc(sizeof(*out) * (size_t)outs);
    assert_true(in && out);
    size_t cap = fasc_filterbank_max_output(fb, n);
    for (int c = 0; c < channels; c++)
        in[c] = x + (size_t)c * n;
    for (int i = 0; i < outs; i++) {
        out[i] = malloc(sizeof(float) * (cap + GUARD));
        assert_non_null(out[i]);
        for (size_t k = 0; k < cap + GUARD; k++)
            out[i][k] = sentinel;
    }
    size_t produced = 0;
    assert_int_equal(fasc_filterbank_process(fb, in, n, out, cap, &produced), FASC_OK);
    assert_int_equal(produced, cap);
    for (int i = 0; i < outs; i++) {
        for (size_t k = 0; k < produced; k++)
            assert_true(out[i][k] != sentinel);
        for (size_t k = cap; k < cap + GUARD; k++)
            if (out[i][k] != sentinel)
                fail_msg("output %d: guard word %zu overwritten", i, k - cap);
        free(out[i]);
    }
    free(out);
    free(in);
    free(x);
    fasc_filterbank_destroy(&fb);
}

static void guards_intact_full_groups(void **state)
{
    (void)state;
    check_guards(2048.0, 16, 203);
}

static void guards_intact_partial_group(void **state)
{
    (void)state;
    check_guards(2048.0, 11, 77);
}

static void guards_intact_decimated(void **state)
{
    (void)state;
    check_guards(44100.0, 9, 1001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(guards_intact_full_groups),
        cmocka_unit_test(guards_intact_partial_group),
        cmocka_unit_test(guards_intact_decimated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
