/* The classifier's vectorised raw-run scan (sum, largest magnitude, and the
 * flag for exact zeros and non-finite samples) against its plain reference:
 * the same bits for every run length a sub-block can have, with zeros,
 * NaN, infinities, denormals and huge values placed anywhere. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_equals_reference),
        cmocka_unit_test(flags_what_it_should),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
