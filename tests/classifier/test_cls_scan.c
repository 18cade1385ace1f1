/* The classifier's fast paths against plain forms: the vectorised raw-run
 * scan (sum, largest magnitude, and the flag for exact zeros and
 * non-finite samples) gives the same bits for every run length a sub-block
 * can have, with zeros, NaN, infinities, denormals and huge values placed
 * anywhere; the sliding percentile's two-level search finds the bin a
 * plain walk over all bins finds. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/classifier/cls_internal.h"

enum { MAX_LEN = 200 };

static uint32_t next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void assert_same(const float *r, int len)
{
    double s_vec, s_ref;
    float t_vec, t_ref;
    const int odd_vec = fasc_cls_scan_raw(r, len, &s_vec, &t_vec);
    const int odd_ref = fasc_cls_scan_raw_ref(r, len, &s_ref, &t_ref);
    assert_int_equal(odd_vec, odd_ref);
    if (!odd_ref) { /* an odd run is redone sample by sample */
        assert_memory_equal(&s_vec, &s_ref, sizeof s_ref);
        assert_memory_equal(&t_vec, &t_ref, sizeof t_ref);
    }
}

static void vector_equals_reference(void **state)
{
    (void)state;
    uint32_t seed = 7u;
    float r[MAX_LEN];
    const float specials[] = {0.0f, -0.0f, NAN, INFINITY, -INFINITY, 1e-41f, FLT_MAX, -FLT_MAX};
    for (int trial = 0; trial < 4000; trial++) {
        const int len = (int)(next(&seed) % (MAX_LEN + 1));
        for (int j = 0; j < len; j++)
            r[j] = ((float)(next(&seed) % 20001u) - 10000.0f) * 0.037f;
        if (trial % 2) { /* one to three special values somewhere */
            const int n = 1 + (int)(next(&seed) % 3);
            for (int k = 0; k < n && len > 0; k++)
                r[next(&seed) % (uint32_t)len] =
                    specials[next(&seed) % (sizeof specials / sizeof specials[0])];
        }
        assert_same(r, len);
    }
}

static void flags_what_it_should(void **state)
{
    (void)state;
    float r[64];
    double s;
    float t;
    for (int j = 0; j < 64; j++)
        r[j] = (j % 2 ? -1.0f : 1.0f) * (float)(j + 1);
    assert_int_equal(fasc_cls_scan_raw(r, 64, &s, &t), 0);
    assert_true(s == -32.0); /* pairs (1 - 2) + (3 - 4) + ... */
    assert_true(t == 64.0f);
    const float odd[] = {0.0f, NAN, INFINITY, -INFINITY};
    for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++)
        for (int at = 0; at < 64; at += 13) {
            const float keep = r[at];
            r[at] = odd[k];
            assert_int_equal(fasc_cls_scan_raw(r, 64, &s, &t), 1);
            assert_int_equal(fasc_cls_scan_raw(r + at, 64 - at, &s, &t), 1);
            r[at] = keep;
        }
}

/* the plain walk: the bin where the running count reaches ceil(q len) */
static double plain_quantile(const cls_hist *h, double q)
{
    if (h->len == 0)
        return 0.0;
    uint32_t want = (uint32_t)ceil(q * h->len), acc = 0;
    if (want < 1)
        want = 1;
    for (int b = 0; b < CLS_HIST_BINS; b++) {
        acc += h->count[b];
        if (acc >= want)
            return b == 0 ? 0.0 : CLS_HIST_FLOOR * exp2((b + 0.5) / CLS_HIST_PER_OCTAVE);
    }
    return 0.0;
}

static void quantile_equals_plain_walk(void **state)
{
    (void)state;
    static uint32_t count[CLS_HIST_SLOTS];
    static uint16_t ring[300];
    cls_hist h = {count, ring, 300, 0, 0};
    fasc_cls_hist_reset(&h);
    uint32_t seed = 3u;
    const double qs[] = {0.0, 0.01, 0.2, 0.5, 0.9, 1.0};
    for (int i = 0; i < 2000; i++) {
        /* values over eight decades, zeros and huge ones among them */
        const double v = i % 97 == 0 ? 0.0 : i % 89 == 0 ? 1e30 : 1e-4 * pow(10.0, (next(&seed) % 8000) / 1000.0);
        fasc_cls_hist_add(&h, v);
        for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
            assert_true(fasc_cls_hist_quantile(&h, qs[k]) == plain_quantile(&h, qs[k]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_equals_reference),
        cmocka_unit_test(flags_what_it_should),
        cmocka_unit_test(quantile_equals_plain_walk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
