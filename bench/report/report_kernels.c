/* Each optimised kernel against its plain C reference on the same input:
 * calls per second of thread CPU time and whether the outputs agree bit
 * for bit (the library's tests check the same on many more inputs; here a
 * disagreement fails the report, since its figures would compare unequal
 * work). The filter bank's kernels are compared whole, in [throughput]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench_clock.h"
#include "report.h"

#include "../../lib/classifier/cls_internal.h"
#include "../../lib/detector/det_internal.h"

enum { ROWS = 256, CHUNK = 64, MED_CHANNELS = 64, SCAN_LEN = 64 };

typedef struct kernel_ctx {
    float *x, *rows, *out, *scratch;
    const float *pool; /* KTH_POOL values >= 0 */
    const float *src[DET_LANES];
    int lags, lanes, count, size;
    uint16_t *pairs;
    det_rows_fn rows8;
    det_acf_fn acf;
    det_loo_fn loo;
    int (*scan)(const float *, int, int, float *, float *);
    float part[CLS_LANES];
    float top;
} kernel_ctx;

typedef void (*kernel_call)(kernel_ctx *k, int i);

static void call_rows(kernel_ctx *k, int i)
{
    k->rows8(k->src, (size_t)(i % 4) * CHUNK, k->rows, ROWS - 1, (size_t)i * CHUNK, CHUNK);
}

static void call_acf(kernel_ctx *k, int i)
{
    (void)i;
    k->acf(k->x, k->lags, k->out);
}

static void call_loo(kernel_ctx *k, int i)
{
    (void)i;
    k->loo(k->pairs, k->count, k->size, MED_CHANNELS, k->x, k->scratch, k->out);
}

/* The selection reference, one lane at a time, into the lanes' layout. */
static void call_loo_ref(kernel_ctx *k, int i)
{
    (void)i;
    float x[MED_CHANNELS], med[MED_CHANNELS];
    for (int l = 0; l < k->lanes; l++) {
        for (int c = 0; c < MED_CHANNELS; c++)
            x[c] = k->x[c * k->lanes + l];
        fasc_det_loo_medians_ref(x, k->scratch, MED_CHANNELS, med);
        for (int c = 0; c < MED_CHANNELS; c++)
            k->out[c * k->lanes + l] = med[c];
    }
}

static void call_scan(kernel_ctx *k, int i)
{
    /* runs starting anywhere in a sub-block, into partials that start
     * again every eight calls */
    if (i % 8 == 0)
        memset(k->part, 0, sizeof k->part);
    k->scan(k->x + (i % 8) * SCAN_LEN, i % 5, SCAN_LEN, k->part, &k->top);
    k->out[i % 8] = k->top + (float)fasc_cls_fold(k->part);
}

/* Median calls per second over `runs` timings of `reps` calls each. */
/* The local background's MAD (verify.c): the median of 100 |x|, by the
 * bit search and by Hoare's select on a copy. Each call reads the next
 * 100 values of a pool of a million, as a detector meets new background
 * at every candidate: a select run on a few repeating inputs has its
 * branches learnt by the predictor, and looks several times faster than it
 * runs in the detector. */
enum { KTH_N = 100, KTH_POOL = 1 << 20 };

static const float *kth_input(const kernel_ctx *k, int i)
{
    return k->pool + (size_t)i * KTH_N % (KTH_POOL - KTH_N);
}

static void call_kth(kernel_ctx *k, int i)
{
    k->out[i % 8] = fasc_det_kth_nonneg(kth_input(k, i), KTH_N, KTH_N / 2);
}

static void call_kth_ref(kernel_ctx *k, int i)
{
    float copy[KTH_N];
    memcpy(copy, kth_input(k, i), sizeof copy);
    k->out[i % 8] = fasc_det_select_kth(copy, KTH_N, KTH_N / 2);
}

static double calls_per_s(kernel_call call, kernel_ctx *k, int reps, int runs)
{
    double rates[16];
    for (int i = 0; i < reps / 8 + 1; i++)
        call(k, i);
    for (int r = 0; r < runs; r++) {
        const double t0 = bench_now();
        for (int i = 0; i < reps; i++)
            call(k, i);
        rates[r] = reps / (bench_now() - t0);
    }
    qsort(rates, (size_t)runs, sizeof rates[0], bench_compare);
    return rates[runs / 2];
}

/* Times both forms, compares their outputs (`n` floats of k->out after one
 * call from the same input) and prints the row; returns 1 on disagreement. */
static int compare(const char *name, const char *unit, double per_call, kernel_call call,
                   kernel_call ref_call, kernel_ctx *fast, kernel_ctx *ref, size_t n,
                   const report_options *o)
{
    const int reps = (int)(2.0e5 * o->scale / (per_call / 64.0 > 1.0 ? per_call / 64.0 : 1.0)) + 8;
    const double f = calls_per_s(call, fast, reps, o->runs);
    const double r = calls_per_s(ref_call, ref, reps, o->runs);
    memset(fast->out, 0, sizeof(float) * n);
    memset(ref->out, 0xff, sizeof(float) * n);
    for (int i = 0; i < 8; i++) {
        call(fast, i);
        ref_call(ref, i);
    }
    const int same = memcmp(fast->out, ref->out, sizeof(float) * n) == 0;
    printf("%-40s %12.1f %13.1f %7.2f  %-22s %s\n", name, f * per_call * 1e-6,
           r * per_call * 1e-6, f / r, unit, same ? "yes" : "NO");
    return !same;
}

int report_kernels(const report_options *o)
{
    printf("\n[kernels] optimised path against its plain C reference, same input; M/s of the "
           "unit given; same: outputs equal bit for bit\n");
    printf("%-40s %12s %13s %7s  %-22s %s\n", "kernel", "fast_M/s", "reference_M/s", "ratio",
           "unit", "same");
    kernel_ctx a = {0}, b = {0};
    const size_t floats = (size_t)DET_LANES * (ROWS + 64) * 4;
    a.x = aligned_alloc(64, sizeof(float) * floats);
    a.rows = aligned_alloc(64, sizeof(float) * DET_LANES * ROWS);
    b.rows = aligned_alloc(64, sizeof(float) * DET_LANES * ROWS);
    a.out = aligned_alloc(64, sizeof(float) * floats);
    b.out = aligned_alloc(64, sizeof(float) * floats);
    a.scratch = aligned_alloc(64, sizeof(float) * floats);
    b.scratch = aligned_alloc(64, sizeof(float) * floats);
    a.pairs = malloc(sizeof(uint16_t) * 2 * (size_t)fasc_det_sortnet_pairs(MED_CHANNELS, NULL));
    if (!a.x || !a.rows || !b.rows || !a.out || !b.out || !a.scratch || !b.scratch || !a.pairs) {
        fprintf(stderr, "bench_report: kernels: out of memory\n");
        return 1;
    }
    uint32_t rng = 777u;
    for (size_t i = 0; i < floats; i++)
        a.x[i] = bench_noise(&rng, 200.0f);
    b.x = a.x;
    b.pairs = a.pairs;
    for (int l = 0; l < DET_LANES; l++)
        a.src[l] = b.src[l] = a.x + (size_t)l * 5 * CHUNK;
    int failed = 0;

    /* the detector's input transpose: eight streams into lane rows */
    a.rows8 = fasc_det_rows8_best();
    b.rows8 = fasc_det_rows8_generic;
    kernel_ctx ar = a, br = b;
    ar.out = a.rows;
    br.out = b.rows;
    failed += compare("detector rows8 (best / generic)", "samples moved", DET_LANES * CHUNK,
                      call_rows, call_rows, &ar, &br, (size_t)DET_LANES * CHUNK, o);

    /* the noise estimate's autocorrelation sums over one chunk */
    fasc_detector_config dc;
    fasc_detector_config_default(&dc);
    dc.sample_rate = REPORT_RATE;
    det_design d;
    if (fasc_det_design(&dc, &d) != FASC_OK) {
        fprintf(stderr, "bench_report: kernels: no detector design\n");
        return 1;
    }
    a.lags = b.lags = d.lags;
    a.acf = fasc_det_acf_best();
    b.acf = fasc_det_acf_lags_generic;
    failed += compare("detector acf_lags (best / generic)", "lane-samples x lags",
                      (double)DET_LANES * CHUNK * (a.lags + 1), call_acf, call_acf, &a, &b,
                      (size_t)DET_LANES * (size_t)(a.lags + 1), o);

    /* leave-one-out medians across 64 channels (the common-median
     * reference): sorting network, 8 or 4 lanes, against selection */
    a.size = b.size = MED_CHANNELS;
    a.count = fasc_det_sortnet_pairs(MED_CHANNELS, a.pairs);
    a.count = b.count = fasc_det_sortnet_prune(a.pairs, a.count, MED_CHANNELS, MED_CHANNELS);
    a.loo = fasc_det_loo_best(&a.lanes);
    b.lanes = a.lanes;
    failed += compare(a.lanes == 8 ? "detector loo medians 64 (avx2x8 / ref)"
                                   : "detector loo medians 64 (net4 / ref)",
                      "medians", (double)MED_CHANNELS * a.lanes, call_loo, call_loo_ref, &a, &b,
                      (size_t)MED_CHANNELS * (size_t)a.lanes, o);
    if (a.lanes == 8) {
        kernel_ctx a4 = a;
        a4.loo = fasc_det_loo_medians4;
        a4.lanes = b.lanes = 4;
        failed += compare("detector loo medians 64 (net4 / ref)", "medians",
                          (double)MED_CHANNELS * 4, call_loo, call_loo_ref, &a4, &b, (size_t)MED_CHANNELS * 4,
                          o);
    }

    /* the median of |x| over a candidate's local background */
    float *pool = malloc(sizeof(float) * KTH_POOL);
    if (!pool) {
        fprintf(stderr, "bench_report: kernels: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < KTH_POOL; i++) {
        const float v = bench_noise(&rng, 200.0f);
        pool[i] = v < 0.0f ? -v : v;
    }
    a.pool = b.pool = pool;
    failed += compare("detector median 100 |x| (bits / select)", "values", KTH_N, call_kth,
                      call_kth_ref, &a, &b, 8, o);
    free(pool);

    /* the classifier's raw-input scan (sum, largest and least magnitude) */
    a.scan = fasc_cls_scan_raw;
    b.scan = fasc_cls_scan_raw_ref;
    failed += compare("classifier scan_raw (vector / ref)", "samples", SCAN_LEN, call_scan, call_scan,
                      &a, &b, 8, o);

    free(a.x);
    free(a.rows);
    free(b.rows);
    free(a.out);
    free(b.out);
    free(a.scratch);
    free(b.scratch);
    free(a.pairs);
    return failed;
}
