/* The common-median reference's fast path (a sorting network over four
 * samples at once) gives the same leave-one-out medians, bit for bit, as the
 * reference selection, for every channel count, with ties, signed zeros and
 * extreme values; and Batcher's network sorts; and the bit-search selection
 * of non-negative values equals the reference selection. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/detector/det_internal.h"

static uint32_t rng = 99u;

static float draw(int kind)
{
    rng = rng * 1664525u + 1013904223u;
    const float u = (float)((double)(rng >> 8) / 16777216.0 - 0.5);
    switch (kind) {
    case 0: return 100.0f * u;                               /* continuous */
    case 1: return (float)(int)(8.0f * u);                   /* many ties */
    case 2: return (rng >> 3) & 1 ? 0.0f : -0.0f;            /* signed zeros */
    default: return (rng >> 4) & 1 ? 1.0e12f * u : 1e-30f * u; /* extremes */
    }
}

static int pow2(int n)
{
    int p = 1;
    while (p < n)
        p *= 2;
    return p;
}

static void network_sorts(void **state)
{
    (void)state;
    for (int size = 1; size <= 256; size *= 2) {
        const int count = fasc_det_sortnet_pairs(size, NULL);
        uint16_t *pairs = malloc(sizeof(uint16_t) * 2 * (size_t)(count > 0 ? count : 1));
        assert_non_null(pairs);
        assert_int_equal(fasc_det_sortnet_pairs(size, pairs), count);
        float a[256];
        for (int trial = 0; trial < 20; trial++) {
            for (int i = 0; i < size; i++)
                a[i] = draw(trial % 2);
            for (int q = 0; q < count; q++) {
                float *x = &a[pairs[2 * q]], *y = &a[pairs[2 * q + 1]];
                if (*x > *y) {
                    float t = *x;
                    *x = *y;
                    *y = t;
                }
            }
            for (int i = 1; i < size; i++)
                assert_true(a[i - 1] <= a[i]);
        }
        free(pairs);
    }
    /* the known optimum sizes of Batcher's construction */
    assert_int_equal(fasc_det_sortnet_pairs(8, NULL), 19);
    assert_int_equal(fasc_det_sortnet_pairs(16, NULL), 63);
    assert_int_equal(fasc_det_sortnet_pairs(64, NULL), 543);
}

/* The network path of `lanes` samples at once equals the reference. */
static void check_lanes(det_loo_fn loo, int lanes)
{
    /* every count to 20, then steps of 13 and the unrolled networks' edges
     * (a power of two, and one past it: the next size) */
    static const int edges[] = {32, 33, 64, 65, 128, 129, 256};
    int ns[64], n_count = 0;
    for (int n = 3; n <= 256; n += (n < 20 ? 1 : 13))
        ns[n_count++] = n;
    for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++)
        ns[n_count++] = edges[e];
    for (int t = 0; t < n_count; t++) {
        const int n = ns[t];
        const int size = pow2(n);
        int count = fasc_det_sortnet_pairs(size, NULL);
        const size_t bytes = sizeof(float) * 8 * 256;
        uint16_t *pairs = malloc(sizeof(uint16_t) * 2 * (size_t)count);
        float *xl = aligned_alloc(64, bytes), *ml = aligned_alloc(64, bytes);
        float *net = aligned_alloc(64, bytes);
        float x[256], scratch[256], med[256];
        assert_true(pairs && xl && ml && net);
        fasc_det_sortnet_pairs(size, pairs);
        /* the detector runs the network pruned to what the medians read */
        const int full = count;
        count = fasc_det_sortnet_prune(pairs, count, size, n);
        assert_true(count > 0 && count <= full);
        for (int kind = 0; kind < 4; kind++)
            for (int trial = 0; trial < 8; trial++) {
                for (int c = 0; c < n; c++)
                    for (int l = 0; l < lanes; l++)
                        xl[lanes * c + l] = draw((kind + l) % 4);
                loo(pairs, count, size, n, xl, net, ml);
                for (int l = 0; l < lanes; l++) {
                    for (int c = 0; c < n; c++)
                        x[c] = xl[lanes * c + l];
                    fasc_det_loo_medians_ref(x, scratch, n, med);
                    for (int c = 0; c < n; c++)
                        assert_memory_equal(&med[c], &ml[lanes * c + l], sizeof(float));
                }
            }
        free(pairs);
        free(xl);
        free(ml);
        free(net);
    }
}

static void fast_equals_reference(void **state)
{
    (void)state;
    check_lanes(fasc_det_loo_medians4, 4);
}

/* The kernel as a target without vector min and max builds it (ARM, for
 * one): the unrolled networks' comparators by the masked exchange. */
typedef float test_v4 __attribute__((vector_size(16)));
typedef int32_t test_m4 __attribute__((vector_size(16)));
#define MED_NAME loo_medians4_portable
#define MED_TARGET static
#define MED_LANES 4
#define MED_V test_v4
#define MED_M test_m4
#include "../../lib/detector/median_template.h"

static void portable_equals_reference(void **state)
{
    (void)state;
    check_lanes(loo_medians4_portable, 4);
}

/* The widest path this CPU runs (eight lanes with AVX2) too. */
static void best_equals_reference(void **state)
{
    (void)state;
    int lanes = 0;
    const det_loo_fn loo = fasc_det_loo_best(&lanes);
    assert_true(lanes == 4 || lanes == 8);
    print_message("network path: %d lanes\n", lanes);
    check_lanes(loo, lanes);
}

/* The bit-search selection of non-negative values equals Hoare's select
 * for every k: continuous values, ties, zeros, subnormals and 1e12. */
static void kth_nonneg_equals_select(void **state)
{
    (void)state;
    float a[200], copy[200];
    for (int round = 0; round < 400; round++) {
        const int n = 1 + round % 199, kind = round % 4;
        for (int i = 0; i < n; i++) {
            const float v = fabsf(draw(kind));
            a[i] = kind == 3 && i % 5 == 0 ? 1e-40f * (float)(i % 7) : v; /* subnormals */
        }
        for (int k = 0; k < n; k++) {
            memcpy(copy, a, sizeof(float) * (size_t)n);
            const float want = fasc_det_select_kth(copy, n, k);
            const float got = fasc_det_kth_nonneg(a, n, k);
            if (memcmp(&want, &got, sizeof want) != 0)
                fail_msg("n %d k %d kind %d: %g, select %g", n, k, kind, (double)got, (double)want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(network_sorts),
        cmocka_unit_test(fast_equals_reference),
        cmocka_unit_test(portable_equals_reference),
        cmocka_unit_test(best_equals_reference),
        cmocka_unit_test(kth_nonneg_equals_select),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
