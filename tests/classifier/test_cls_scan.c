/* The classifier's fast paths against plain forms: the vectorised raw-run
 * scan (partial sums by position in the sub-block, largest magnitude, and
 * the flag for exact zeros and non-finite samples) gives the same bits for
 * every run length and start a sub-block can have, with zeros, NaN,
 * infinities, denormals and huge values placed anywhere; the sliding
 * percentile's two-level search finds the bin a plain walk over all bins
 * finds; and the block levels do not depend on how the input was split
 * into runs. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/classifier/cls_internal.h"
#include "fasc/filterbank.h"

enum { MAX_LEN = 200 };

static uint32_t next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static void assert_same(const float *r, int p0, int len)
{
    /* partials already holding sums, as in the middle of a sub-block */
    float v[CLS_LANES], f[CLS_LANES];
    for (int l = 0; l < CLS_LANES; l++)
        v[l] = f[l] = 0.25f * (float)((l + 1) * (p0 + 1));
    const float before[CLS_LANES] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
    float t_vec, t_ref;
    const int odd_vec = fasc_cls_scan_raw(r, p0, len, v, &t_vec);
    const int odd_ref = fasc_cls_scan_raw_ref(r, p0, len, f, &t_ref);
    assert_int_equal(odd_vec, odd_ref);
    assert_memory_equal(v, f, sizeof v);
    if (odd_ref) /* an odd run is redone sample by sample: nothing added */
        assert_memory_equal(v, before, sizeof v);
    else
        assert_memory_equal(&t_vec, &t_ref, sizeof t_ref);
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
        assert_same(r, (int)(next(&seed) % 64u), len);
    }
}

static void flags_what_it_should(void **state)
{
    (void)state;
    float r[64];
    float part[CLS_LANES] = {0};
    float t;
    for (int j = 0; j < 64; j++)
        r[j] = (j % 2 ? -1.0f : 1.0f) * (float)(j + 1);
    /* from position 3: sample j in partial (3 + j) % 8 */
    assert_int_equal(fasc_cls_scan_raw(r, 3, 64, part, &t), 0);
    assert_true(fasc_cls_fold(part) == -32.0); /* pairs (1 - 2) + (3 - 4) + ... */
    assert_true(part[3] == 1.0f + 9.0f + 17.0f + 25.0f + 33.0f + 41.0f + 49.0f + 57.0f);
    assert_true(part[4] == -(2.0f + 10.0f + 18.0f + 26.0f + 34.0f + 42.0f + 50.0f + 58.0f));
    assert_true(t == 64.0f);
    const float odd[] = {0.0f, NAN, INFINITY, -INFINITY};
    for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++)
        for (int at = 0; at < 64; at += 13) {
            const float keep = r[at];
            r[at] = odd[k];
            assert_int_equal(fasc_cls_scan_raw(r, 0, 64, part, &t), 1);
            assert_int_equal(fasc_cls_scan_raw(r + at, 5, 64 - at, part, &t), 1);
            r[at] = keep;
        }
    /* beyond the input limit the run is odd too (the slow path adds such
     * samples clamped to the limit), below it not */
    for (int j = 0; j < 64; j++)
        r[j] = j % 2 ? FASC_FILTERBANK_INPUT_LIMIT : -FASC_FILTERBANK_INPUT_LIMIT;
    float big[CLS_LANES] = {0};
    assert_int_equal(fasc_cls_scan_raw(r, 0, 64, big, &t), 0);
    assert_true(t == FASC_FILTERBANK_INPUT_LIMIT);
    r[17] = FLT_MAX;
    assert_int_equal(fasc_cls_scan_raw(r, 0, 64, big, &t), 1);
    assert_int_equal(fasc_cls_scan_raw_ref(r, 0, 64, big, &t), 1);
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

/* Two classifiers fed the same signal, one in blocks of 256 and one in
 * runs of random length (0 to 300 samples): every block's RMS and
 * low-frequency change are the same bits, so that the composed object,
 * whose runs follow the caller's blocks and the candidates' hand-over
 * times, scores a recording the same way whatever the blocks. */
static void block_levels_whatever_the_runs(void **state)
{
    (void)state;
    enum { CH = 5, SECONDS = 40, RATE = 2048 };
    fasc_classifier_config cfg;
    fasc_classifier_config_default(&cfg);
    cfg.channels = CH;
    cfg.sample_rate = RATE;
    fasc_classifier *a = NULL, *b = NULL;
    assert_int_equal(fasc_classifier_create(&cfg, &a), FASC_OK);
    assert_int_equal(fasc_classifier_create(&cfg, &b), FASC_OK);
    const size_t n = (size_t)SECONDS * RATE;
    float *data = malloc(sizeof(float) * 2 * CH * n);
    assert_non_null(data);
    const float *band[CH], *raw[CH];
    uint32_t seed = 11u;
    for (int k = 0; k < CH; k++) {
        float *x = data + (size_t)(2 * k) * n, *r = x + n;
        float drift = 0.0f;
        for (size_t i = 0; i < n; i++) {
            /* noise of a few µV to a few hundred, and a slow drift */
            const float u = ((float)(next(&seed) % 20001u) - 10000.0f) * 1e-4f;
            x[i] = u * (float)(3 + 40 * ((i / 4096 + (size_t)k) % 5));
            drift += ((float)(next(&seed) % 201u) - 100.0f) * 1e-3f;
            r[i] = x[i] + drift;
        }
        band[k] = x;
        raw[k] = r;
    }
    const float *bp[CH], *rp[CH];
    for (size_t at = 0; at < n;) {
        const size_t len = n - at < 256 ? n - at : 256;
        for (int k = 0; k < CH; k++) {
            bp[k] = band[k] + at;
            rp[k] = raw[k] + at;
        }
        assert_int_equal(fasc_classifier_process(a, bp, rp, len), FASC_OK);
        at += len;
    }
    for (size_t at = 0; at < n;) {
        size_t len = next(&seed) % 301u;
        len = n - at < len ? n - at : len;
        for (int k = 0; k < CH; k++) {
            bp[k] = band[k] + at;
            rp[k] = raw[k] + at;
        }
        assert_int_equal(fasc_classifier_process(b, bp, rp, len), FASC_OK);
        at += len;
    }
    const int64_t blocks = a->block, keep = a->d.ring_blocks;
    assert_true(blocks == b->block && blocks > 8);
    int differ = 0;
    for (int64_t blk = blocks - keep > 0 ? blocks - keep : 0; blk < blocks; blk++)
        for (int k = 0; k < CH; k++) {
            const cls_block *x = fasc_cls_block(a, blk, k), *y = fasc_cls_block(b, blk, k);
            differ += memcmp(&x->rms, &y->rms, sizeof x->rms) != 0;
            differ += memcmp(&x->lf_jump, &y->lf_jump, sizeof x->lf_jump) != 0;
        }
    if (differ)
        fail_msg("%d block figures differ between the two run splits", differ);
    free(data);
    fasc_classifier_destroy(&a);
    fasc_classifier_destroy(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_equals_reference),
        cmocka_unit_test(flags_what_it_should),
        cmocka_unit_test(quantile_equals_plain_walk),
        cmocka_unit_test(block_levels_whatever_the_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
