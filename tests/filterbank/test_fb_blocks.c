/* Output is bit-identical whatever the block sizes (random lengths, many of
 * 1), across the automatic mains decision, with and without decimation,
 * full and partial SIMD groups; interleaved input equals planar input. */
#include "fasc/filterbank.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fbt_util.h"

static void check_invariance(double rate, int channels, size_t n)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = rate;
    cfg.channels = channels;
    cfg.mains_decision_s = 0.25;
    float *x = fbt_noise_input(channels, n, 7u, 200.0f);
    fasc_filterbank *whole = fbt_create(&cfg), *split = fbt_create(&cfg);
    fbt_output a = fbt_run(whole, x, n, 0, 0);
    fbt_output b = fbt_run(split, x, n, 99u + (uint32_t)channels, 300);
    assert_int_equal(a.count, b.count);
    assert_int_equal(a.count, fasc_filterbank_max_output(whole, n));
    assert_true(fasc_filterbank_mains(whole) != FASC_MAINS_AUTO);
    assert_int_equal(fasc_filterbank_mains(whole), fasc_filterbank_mains(split));
    assert_memory_equal(a.data, b.data, sizeof(float) * a.capacity *
                                            (size_t)(a.streams * a.channels));
    fbt_output_free(&a);
    fbt_output_free(&b);
    fasc_filterbank_destroy(&whole);
    fasc_filterbank_destroy(&split);
    free(x);
}

static void blocks_do_not_matter_partial_group(void **state)
{
    (void)state;
    check_invariance(2048.0, 3, 1500);
}

static void blocks_do_not_matter_full_groups(void **state)
{
    (void)state;
    check_invariance(2048.0, 16, 1500);
}

static void blocks_do_not_matter_with_decimation(void **state)
{
    (void)state;
    check_invariance(48000.0, 9, 12500);
}

static void interleaved_equals_planar(void **state)
{
    (void)state;
    enum { C = 10, N = 700 };
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.channels = C;
    float *x = fbt_noise_input(C, N, 3u, 50.0f);
    float *xi = malloc(sizeof(float) * C * N);
    assert_non_null(xi);
    for (int c = 0; c < C; c++)
        for (int t = 0; t < N; t++)
            xi[t * C + c] = x[c * N + t];
    fasc_filterbank *p = fbt_create(&cfg), *q = fbt_create(&cfg);
    fbt_output a = fbt_run(p, x, N, 0, 0);
    float *data = calloc((size_t)(5 * C * N), sizeof(float));
    float *out[5 * C];
    for (int i = 0; i < 5 * C; i++)
        out[i] = data + i * N;
    size_t produced = 0;
    assert_int_equal(fasc_filterbank_process_interleaved(q, xi, N, out, N, &produced),
                     FASC_OK);
    assert_int_equal(produced, N);
    for (int i = 0; i < 5 * C; i++)
        assert_memory_equal(out[i], a.data + (size_t)i * a.capacity, sizeof(float) * N);
    free(data);
    free(xi);
    free(x);
    fbt_output_free(&a);
    fasc_filterbank_destroy(&p);
    fasc_filterbank_destroy(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocks_do_not_matter_partial_group),
        cmocka_unit_test(blocks_do_not_matter_full_groups),
        cmocka_unit_test(blocks_do_not_matter_with_decimation),
        cmocka_unit_test(interleaved_equals_planar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
