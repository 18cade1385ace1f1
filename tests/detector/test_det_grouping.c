/* Crossings on neighbouring channels form one event, on distant channels
 * separate events: on a line (3 and 4: one; 1 and 6: two) and on a 4 x 4
 * grid (5 and 9 vertical neighbours: one; 5 and 7: two; 5 and 10 diagonal:
 * two); an identical spike on every channel vanishes with the
 * common-median reference. */
#include "fasc/detector.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dtu.h"

enum { FS = 2048, N = 3 * FS, AT = 2 * FS };

static dtu_events pair_spike(fasc_detector_config cfg, int a, int b)
{
    float *x = dtu_noise(cfg.channels, N, 8u, 5.0f);
    dtu_spike(x, N, a, AT, 90.0f, 1);
    dtu_spike(x, N, b, AT + 1, 60.0f, 1);
    dtu_events e = dtu_run(&cfg, x, N, 0, 0);
    free(x);
    return e;
}

static void has_channels(const fasc_detection *ev, int main, int other)
{
    assert_int_equal(ev->main_channel, main);
    assert_int_equal(ev->channels[0], main);
    int found = 0;
    for (int k = 1; k < ev->channel_count; k++)
        found |= ev->channels[k] == other;
    if (other >= 0 && !found)
        fail_msg("channel %d missing from the event of channel %d", other, main);
}

static void line_neighbours_one_event(void **state)
{
    (void)state;
    dtu_events e = pair_spike(dtu_config(8), 3, 4);
    assert_int_equal(e.n, 1);
    has_channels(&e.ev[0], 3, 4);
    assert_int_equal(e.ev[0].channel_peak[0], AT);
    assert_int_equal(e.ev[0].channel_peak[1], AT + 1);
    dtu_free(&e);
}

static void line_distant_two_events(void **state)
{
    (void)state;
    dtu_events e = pair_spike(dtu_config(8), 1, 6);
    assert_int_equal(e.n, 2);
    dtu_free(&e);
}

static fasc_detector_config grid(void)
{
    fasc_detector_config cfg = dtu_config(16);
    cfg.geometry = FASC_GEOMETRY_GRID;
    cfg.grid_rows = cfg.grid_cols = 4;
    return cfg;
}

static void grid_neighbours_one_event(void **state)
{
    (void)state;
    dtu_events e = pair_spike(grid(), 5, 9);
    assert_int_equal(e.n, 1);
    has_channels(&e.ev[0], 5, 9);
    dtu_free(&e);
}

static void grid_distant_two_events(void **state)
{
    (void)state;
    dtu_events e = pair_spike(grid(), 5, 7);
    assert_int_equal(e.n, 2);
    dtu_free(&e);
    e = pair_spike(grid(), 5, 10);
    assert_int_equal(e.n, 2);
    dtu_free(&e);
}

static void no_geometry_separates(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(8);
    cfg.geometry = FASC_GEOMETRY_NONE;
    dtu_events e = pair_spike(cfg, 3, 4);
    assert_int_equal(e.n, 2);
    dtu_free(&e);
}

/* A spike on channel 3 of a line with a copy at a fifteenth of its size
 * (1.2 σ) on channel 4: 4 stays below threshold, so it and channel 2 are
 * quiet neighbours whose snippet rows hold the detector's input there. */
static void quiet_neighbours_have_rows(void **state)
{
    (void)state;
    const fasc_detector_config cfg = dtu_config(8);
    float *x = dtu_noise(cfg.channels, N, 8u, 5.0f);
    float *clean = calloc(N, sizeof *clean);
    assert_non_null(clean);
    dtu_spike(clean, N, 0, AT, 6.0f, 1);
    for (size_t t = 0; t < N; t++)
        x[4 * N + t] += clean[t];
    dtu_spike(x, N, 3, AT, 90.0f, 1);
    dtu_events e = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(e.n, 1);
    const fasc_detection *ev = &e.ev[0];
    assert_int_equal(ev->main_channel, 3);
    assert_int_equal(ev->channel_count, 1);
    assert_int_equal(ev->quiet_count, 2);
    assert_int_equal(ev->quiet_channels[0], 2);
    assert_int_equal(ev->quiet_channels[1], 4);
    for (int j = 0; j < 2; j++) {
        const int c = ev->quiet_channels[j];
        const float *row = e.snip + (size_t)(ev->channel_count + j) * ev->snippet_length;
        const float sd = ev->row_noise_sd_uv[ev->channel_count + j]; /* the noise is 5 µV */
        if (!(sd > 3.5f && sd < 6.5f))
            fail_msg("row %d: noise %.2f µV, not about 5", j, (double)sd);
        for (size_t i = 0; i < ev->snippet_length; i++)
            assert_float_equal(row[i], x[(size_t)c * N + (size_t)ev->snippet_start + i], 0.0f);
    }
    free(clean);
    free(x);
    dtu_free(&e);
}

static void common_median_removes_global_spike(void **state)
{
    (void)state;
    enum { C = 8 };
    float *x = dtu_noise(C, N, 4u, 5.0f);
    for (int c = 0; c < C; c++)
        dtu_spike(x, N, c, AT, 200.0f, 1);
    fasc_detector_config cfg = dtu_config(C);
    dtu_events plain = dtu_run(&cfg, x, N, 0, 0);
    assert_true(plain.n >= 1);
    assert_true(dtu_find(&plain, AT, 0) >= 0);
    cfg.common_median = true;
    dtu_events cmr = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(cmr.n, 0);
    /* a local spike survives the reference */
    dtu_spike(x, N, 2, AT + FS / 2, 80.0f, -1);
    dtu_events local = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(local.n, 1);
    assert_int_equal(local.ev[0].main_channel, 2);
    dtu_free(&plain);
    dtu_free(&cmr);
    dtu_free(&local);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line_neighbours_one_event),
        cmocka_unit_test(line_distant_two_events),
        cmocka_unit_test(grid_neighbours_one_event),
        cmocka_unit_test(grid_distant_two_events),
        cmocka_unit_test(no_geometry_separates),
        cmocka_unit_test(quiet_neighbours_have_rows),
        cmocka_unit_test(common_median_removes_global_spike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
