/* fasc_filterbank_join bridges a jump in the input: two recordings' worth
 * of input joined with it differ, after the join, from the same input
 * without the jump by about jump / 800 (the raised cosine's trace through
 * the 2nd-order 20 Hz high-pass, see join.c); without the join the step
 * rings at nearly its full size. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fbt_util.h"

typedef struct join_case {
    double rate;
    int channels;
    float before_uv[3], after_uv[3]; /* offsets on either side of the jump */
} join_case;

static fasc_filterbank *bank(const join_case *jc)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = jc->rate;
    cfg.channels = jc->channels;
    cfg.mains = FASC_MAINS_OFF;
    return fbt_create(&cfg);
}

static float *with_offsets(const float *noise, int channels, size_t n, const float *offset)
{
    float *x = malloc(sizeof(float) * (size_t)channels * n);
    assert_non_null(x);
    for (int c = 0; c < channels; c++)
        for (size_t t = 0; t < n; t++)
            x[(size_t)c * n + t] = noise[(size_t)c * n + t] + (offset ? offset[c] : 0.0f);
    return x;
}

/* Output after the second part, for parts a and b fed with or without a
 * join between them (b in random blocks when block_seed != 0). */
static fbt_output two_parts(const join_case *jc, const float *a, size_t na, const float *b,
                            size_t nb, int join, uint32_t block_seed)
{
    fasc_filterbank *fb = bank(jc);
    fbt_output first = fbt_run(fb, a, na, 0, 0);
    fbt_output_free(&first);
    if (join)
        assert_int_equal(fasc_filterbank_join(fb), FASC_OK);
    fbt_output second = fbt_run(fb, b, nb, block_seed, 300);
    fasc_filterbank_destroy(&fb);
    return second;
}

static float largest_difference(const fbt_output *x, const fbt_output *y, int c)
{
    float worst = 0.0f;
    for (size_t k = 0; k < x->count; k++)
        worst = fmaxf(worst, fabsf(fbt_at(x, 0, c, k) - fbt_at(y, 0, c, k)));
    return worst;
}

static void check_join(const join_case *jc)
{
    const int ch = jc->channels;
    const size_t na = (size_t)(2.0 * jc->rate), nb = (size_t)(0.8 * jc->rate);
    float *noise_a = fbt_noise_input(ch, na, 11u, 8.0f);
    float *noise_b = fbt_noise_input(ch, nb, 12u, 8.0f);
    float *a = with_offsets(noise_a, ch, na, jc->before_uv);
    float *b = with_offsets(noise_b, ch, nb, jc->after_uv);
    fbt_output joined = two_parts(jc, a, na, b, nb, 1, 0);
    fbt_output plain = two_parts(jc, noise_a, na, noise_b, nb, 1, 0);
    fbt_output stepped = two_parts(jc, a, na, b, nb, 0, 0);
    fbt_output unjoined_plain = two_parts(jc, noise_a, na, noise_b, nb, 0, 0);
    fbt_output blocks = two_parts(jc, a, na, b, nb, 1, 77u);
    for (int c = 0; c < ch; c++) {
        const float jump = fabsf(jc->before_uv[c] - jc->after_uv[c]);
        assert_true(largest_difference(&joined, &plain, c) <= jump / 400.0f + 1e-3f);
        /* the control: the same jump fed straight rings at its size */
        assert_true(largest_difference(&stepped, &unjoined_plain, c) >= jump / 2.0f);
    }
    /* the bridge depends on the sample index only, not on the blocks */
    assert_int_equal(blocks.count, joined.count);
    assert_memory_equal(blocks.data, joined.data,
                        sizeof(float) * joined.capacity * (size_t)(joined.streams * ch));
    fbt_output_free(&joined);
    fbt_output_free(&plain);
    fbt_output_free(&stepped);
    fbt_output_free(&unjoined_plain);
    fbt_output_free(&blocks);
    free(noise_a);
    free(noise_b);
    free(a);
    free(b);
}

static void join_bridges_a_jump(void **state)
{
    (void)state;
    const join_case jc = {2048.0, 3, {3000.0f, -2000.0f, 40.0f}, {-1500.0f, 2500.0f, 40.0f}};
    check_join(&jc);
}

static void join_bridges_a_jump_when_decimating(void **state)
{
    (void)state;
    const join_case jc = {44100.0, 2, {-800.0f, 1200.0f, 0.0f}, {4000.0f, -300.0f, 0.0f}};
    check_join(&jc);
}

/* Before any input the bridge starts from 0: an electrode offset at the
 * start of a recording does not ring either. (Reset forgets a join:
 * test_fb_reset.) */
static void join_before_input_starts_from_zero(void **state)
{
    (void)state;
    const join_case jc = {2048.0, 1, {0.0f}, {2500.0f}};
    const size_t n = 2048;
    float *noise = fbt_noise_input(1, n, 13u, 8.0f);
    float *x = with_offsets(noise, 1, n, jc.after_uv);
    fasc_filterbank *fb = bank(&jc), *ref = bank(&jc), *raw = bank(&jc);
    assert_int_equal(fasc_filterbank_join(NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_filterbank_join(fb), FASC_OK);
    assert_int_equal(fasc_filterbank_join(ref), FASC_OK);
    fbt_output joined = fbt_run(fb, x, n, 0, 0), plain = fbt_run(ref, noise, n, 0, 0);
    fbt_output stepped = fbt_run(raw, x, n, 0, 0);
    assert_true(largest_difference(&joined, &plain, 0) <= 2500.0f / 400.0f + 1e-3f);
    assert_true(largest_difference(&stepped, &plain, 0) >= 2500.0f / 2.0f);
    fbt_output_free(&joined);
    fbt_output_free(&plain);
    fbt_output_free(&stepped);
    fasc_filterbank_destroy(&fb);
    fasc_filterbank_destroy(&ref);
    fasc_filterbank_destroy(&raw);
    free(noise);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(join_bridges_a_jump),
        cmocka_unit_test(join_bridges_a_jump_when_decimating),
        cmocka_unit_test(join_before_input_starts_from_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
