/* The common-median reference's noise band (common_median_band): a weak
 * potential spread over a few neighbouring electrodes keeps its size,
 * where the plain reference takes part of it away; a wave all channels
 * share is still removed; the events do not depend on the block sizes or
 * on the width of the median's vector path. */
#include "fasc/detector.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/detector/det_internal.h"
#include "dtu.h"

enum { FS = 2048, N = 8 * FS, C = 8, SPIKES = 40 };

/* Spikes of p2p 60 µV on channel 3 and 50 µV on its neighbours 2 and 4,
 * in noise of 5 µV; returns the spike times through `at`. */
static float *spread_spikes(size_t *at)
{
    float *x = dtu_noise(C, N, 31u, 5.0f);
    for (int k = 0; k < SPIKES; k++) {
        at[k] = (size_t)FS + (size_t)k * (size_t)(N - 2 * FS) / SPIKES;
        dtu_spike(x, N, 3, at[k], 60.0f, 1);
        dtu_spike(x, N, 2, at[k], 50.0f, 1);
        dtu_spike(x, N, 4, at[k], 50.0f, 1);
    }
    return x;
}

/* Mean peak-to-peak of the events found at the spikes on channel 3. */
static double mean_p2p(const dtu_events *e, const size_t *at, int *found)
{
    double sum = 0.0;
    *found = 0;
    for (int k = 0; k < SPIKES; k++) {
        long i = dtu_find(e, (fasc_index)at[k], 4);
        if (i < 0)
            continue;
        const fasc_detection *ev = &e->ev[i];
        for (int j = 0; j < ev->channel_count; j++)
            if (ev->channels[j] == 3) {
                sum += ev->channel_peak_to_peak_uv[j];
                (*found)++;
            }
    }
    return *found ? sum / *found : 0.0;
}

static void band_keeps_spread_potentials(void **state)
{
    (void)state;
    size_t at[SPIKES];
    float *x = spread_spikes(at);
    fasc_detector_config cfg = dtu_config(C);
    cfg.common_median = true;
    dtu_events plain = dtu_run(&cfg, x, N, 0, 0);
    cfg.common_median_band = 2.0;
    dtu_events band = dtu_run(&cfg, x, N, 0, 0);
    cfg.common_median = false;
    dtu_events none = dtu_run(&cfg, x, N, 0, 0);
    int n_plain, n_band, n_none;
    const double p_plain = mean_p2p(&plain, at, &n_plain);
    const double p_band = mean_p2p(&band, at, &n_band);
    const double p_none = mean_p2p(&none, at, &n_none);
    print_message("channel 3 p2p: none %.1f (%d), band %.1f (%d), plain %.1f (%d)\n", p_none,
                  n_none, p_band, n_band, p_plain, n_plain);
    assert_true(n_plain >= SPIKES - 2 && n_band >= SPIKES - 2 && n_none >= SPIKES - 2);
    /* the plain reference takes a part of the potential (the same noise
     * in all three runs: the differences are the references'); the band
     * gives most of it back */
    assert_true(p_none - p_plain > 2.0);
    assert_true(p_band > p_plain + 0.5 * (p_none - p_plain));
    dtu_free(&plain);
    dtu_free(&band);
    dtu_free(&none);
    free(x);
}

static void band_removes_shared_waves(void **state)
{
    (void)state;
    /* a 30 ms half-sine of 200 µV on every channel, twice a second */
    float *x = dtu_noise(C, N, 32u, 5.0f);
    for (size_t t0 = FS; t0 + 64 < N; t0 += FS / 2)
        for (int c = 0; c < C; c++)
            for (int i = 0; i < 61; i++)
                x[(size_t)c * N + t0 + (size_t)i] += 200.0f * (float)sin(3.14159265 * i / 61.0);
    fasc_detector_config cfg = dtu_config(C);
    cfg.common_median = true;
    cfg.common_median_band = 2.0;
    dtu_events band = dtu_run(&cfg, x, N, 0, 0);
    cfg.common_median = false;
    dtu_events none = dtu_run(&cfg, x, N, 0, 0);
    print_message("events: %zu with the band, %zu without a reference\n", band.n, none.n);
    assert_true(none.n >= 10);
    assert_true(band.n <= 1);
    dtu_free(&band);
    dtu_free(&none);
    free(x);
}

static void assert_same(const dtu_events *a, const dtu_events *b)
{
    assert_true(a->n >= SPIKES - 2);
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        if (memcmp(&a->ev[i], &b->ev[i], sizeof a->ev[i]) != 0)
            fail_msg("event %zu differs: peak %ld vs %ld", i, (long)a->ev[i].peak,
                     (long)b->ev[i].peak);
}

static void band_blocks_and_paths_agree(void **state)
{
    (void)state;
    size_t at[SPIKES];
    float *x = spread_spikes(at);
    fasc_detector_config cfg = dtu_config(C);
    cfg.common_median = true;
    cfg.common_median_band = 2.0;
    dtu_events whole = dtu_run(&cfg, x, N, 0, 0);
    dtu_events split = dtu_run(&cfg, x, N, 4321u, 300);
    dtu_events small = dtu_run(&cfg, x, N, 17u, 3);
    assert_same(&whole, &split);
    assert_same(&whole, &small);
    /* the four-lane median path gives the same events as the widest */
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    det->loo = fasc_det_loo_medians4;
    det->loo_lanes = 4;
    dtu_events four = {0};
    dtu_feed(det, &four, x, N, 0, 0, 1);
    assert_same(&whole, &four);
    fasc_detector_destroy(&det);
    dtu_free(&whole);
    dtu_free(&split);
    dtu_free(&small);
    dtu_free(&four);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(band_keeps_spread_potentials),
        cmocka_unit_test(band_removes_shared_waves),
        cmocka_unit_test(band_blocks_and_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
