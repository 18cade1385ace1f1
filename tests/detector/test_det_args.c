/* Argument checks at the API boundary, caller-allocated memory, and the
 * snippet buffer contract (too small: error, event kept; guard words after
 * the written snippets untouched). */
#include "fasc/detector.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dtu.h"

enum { FS = 2048 };

static void rejects_bad_configs(void **state)
{
    (void)state;
    fasc_detector *det = NULL;
    fasc_detector_config cfg = dtu_config(4);
    assert_int_equal(fasc_detector_create(NULL, &det), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_create(&cfg, NULL), FASC_ERR_INVALID_ARGUMENT);
    fasc_detector_config bad[24];
    int n = 0;
    bad[n] = cfg, bad[n++].channels = 0;
    bad[n] = cfg, bad[n++].channels = 257;
    bad[n] = cfg, bad[n++].sample_rate = 100.0;
    bad[n] = cfg, bad[n++].sample_rate = 96000.0;
    bad[n] = cfg, bad[n++].sample_rate = NAN;
    bad[n] = cfg, bad[n++].dead_time_s = 0.010;
    bad[n] = cfg, bad[n++].dead_time_s = 0.02;
    bad[n] = cfg, bad[n++].release = 6.0;
    bad[n] = cfg, bad[n++].threshold = -1.0;
    bad[n] = cfg, bad[n++].noise_window_s = 0.1;
    bad[n] = cfg, bad[n++].queue_capacity = 0;
    bad[n] = cfg, bad[n++].ceiling_sd = 0.0;
    bad[n] = cfg, bad[n].geometry = FASC_GEOMETRY_GRID, bad[n].grid_rows = 3,
    bad[n++].grid_cols = 2;
    bad[n] = cfg, bad[n++].geometry = (fasc_geometry)7;
    bad[n] = dtu_config(2), bad[n++].common_median = true;
    bad[n] = cfg, bad[n++].common_median_band = -1.0;
    bad[n] = cfg, bad[n++].common_median_band = 11.0;
    bad[n] = cfg, bad[n++].common_median_band = NAN;
    for (int i = 0; i < n; i++) {
        if (fasc_detector_create(&bad[i], &det) != FASC_ERR_INVALID_ARGUMENT)
            fail_msg("bad config %d accepted", i);
        assert_null(det);
        assert_int_equal(fasc_detector_memory_size(&bad[i]), 0);
    }
    cfg.dead_time_s = 0.0099;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    fasc_detector_destroy(&det);
    cfg = dtu_config(256);
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    fasc_detector_destroy(&det);
    fasc_detector_destroy(&det); /* NULL is fine */
    fasc_detector_destroy(NULL);
}

static void rejects_bad_calls(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(2);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    float a[4] = {0}, *half[2] = {a, NULL};
    fasc_detection ev;
    assert_int_equal(fasc_detector_process(NULL, NULL, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_process(det, NULL, 4), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_process(det, (const float *const *)half, 4),
                     FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_process(det, NULL, 0), FASC_OK);
    assert_int_equal(fasc_detector_next(det, NULL, NULL, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_next(det, &ev, NULL, 8), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_next(det, &ev, NULL, 0), 0);
    assert_int_equal(fasc_detector_flush(NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_flush(det), FASC_OK);
    half[1] = a;
    assert_int_equal(fasc_detector_process(det, (const float *const *)half, 4), FASC_ERR_STATE);
    fasc_detector_reset(det);
    assert_int_equal(fasc_detector_process(det, (const float *const *)half, 4), FASC_OK);
    assert_true(fasc_detector_noise_sd(det, 2) == 0.0);
    assert_true(fasc_detector_noise_sd(NULL, 0) == 0.0);
    assert_int_equal(fasc_detector_nonfinite_count(det, -1), 0);
    assert_int_equal(fasc_detector_latency(NULL), 0);
    assert_int_equal(fasc_detector_snippet_length(det), 41 + 61 + 1);
    assert_int_equal(fasc_detector_snippet_capacity(det), 16 * 103);
    assert_int_equal(fasc_detector_detect_buffer(&cfg, NULL, 10, NULL, NULL, NULL),
                     FASC_ERR_INVALID_ARGUMENT);
    fasc_detector_destroy(&det);
}

static void caller_memory(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(5);
    size_t size = fasc_detector_memory_size(&cfg);
    assert_true(size > 0);
    unsigned char *mem = malloc(size + 3);
    assert_non_null(mem);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_init(mem + 3, size - 1, &cfg, &det),
                     FASC_ERR_BUFFER_TOO_SMALL);
    assert_null(det);
    assert_int_equal(fasc_detector_init(NULL, size, &cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_init(mem + 3, size, &cfg, &det), FASC_OK); /* unaligned */
    enum { N = 3 * FS };
    float *x = dtu_noise(5, N, 1u, 5.0f);
    dtu_spike(x, N, 2, 2 * FS, 80.0f, 1);
    dtu_events e = {0};
    dtu_feed(det, &e, x, N, 0, 0, 1);
    dtu_events ref = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(e.n, 1);
    assert_int_equal(ref.n, 1);
    assert_memory_equal(&e.ev[0], &ref.ev[0], sizeof e.ev[0]);
    dtu_free(&e);
    dtu_free(&ref);
    free(x);
    free(mem);
}

static void snippet_buffer_contract(void **state)
{
    (void)state;
    enum { N = 3 * FS, C = 4, GUARD = 32, ROWS = 3 }; /* 1, 2; quiet 0 */
    const float sentinel = -777.25f;
    float *x = dtu_noise(C, N, 3u, 5.0f);
    dtu_spike(x, N, 1, 2 * FS, 90.0f, -1);
    dtu_spike(x, N, 2, 2 * FS, 70.0f, -1);
    fasc_detector_config cfg = dtu_config(C);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    const float *in[C];
    for (int c = 0; c < C; c++)
        in[c] = x + (size_t)c * N;
    assert_int_equal(fasc_detector_process(det, in, N), FASC_OK);
    assert_int_equal(fasc_detector_flush(det), FASC_OK);
    assert_int_equal(fasc_detector_queued(det), 1);
    const size_t len = fasc_detector_snippet_length(det);
    float *buf = malloc(sizeof(float) * (ROWS * len + GUARD));
    assert_non_null(buf);
    for (size_t i = 0; i < ROWS * len + GUARD; i++)
        buf[i] = sentinel;
    fasc_detection ev;
    assert_int_equal(fasc_detector_next(det, &ev, buf, ROWS * len - 1), FASC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(ev.channel_count, 2);
    assert_int_equal(fasc_detection_rows(&ev), ROWS);
    assert_int_equal(fasc_detector_queued(det), 1); /* still there */
    assert_true(buf[0] == sentinel);
    assert_int_equal(fasc_detector_next(det, &ev, buf, ROWS * len), 1);
    assert_int_equal(fasc_detector_queued(det), 0);
    for (size_t i = ROWS * len; i < ROWS * len + GUARD; i++)
        if (buf[i] != sentinel)
            fail_msg("guard word %zu overwritten", i - ROWS * len);
    /* row k is its channel's input around the peak: the involved 1 and
     * 2, then the main channel's quiet neighbour 0 */
    assert_int_equal(ev.channels[0], 1);
    assert_int_equal(ev.quiet_count, 1);
    assert_int_equal(ev.quiet_channels[0], 0);
    assert_int_equal(ev.snippet_start, ev.peak - 41);
    for (int k = 0; k < ROWS; k++) {
        const int c = fasc_detection_row_channel(&ev, k);
        for (size_t j = 0; j < len; j++)
            assert_true(buf[(size_t)k * len + j] == x[(size_t)c * N + (size_t)ev.snippet_start + j]);
    }
    assert_int_equal(ev.flags, 0);
    free(buf);
    free(x);
    fasc_detector_destroy(&det);
}

static void detect_buffer_matches_streaming(void **state)
{
    (void)state;
    enum { N = 4 * FS, C = 3 };
    float *x = dtu_noise(C, N, 13u, 5.0f);
    for (int k = 0; k < 5; k++)
        dtu_spike(x, N, k % C, FS + (size_t)k * FS / 2, 70.0f, 1);
    fasc_detector_config cfg = dtu_config(C);
    const float *in[C];
    for (int c = 0; c < C; c++)
        in[c] = x + (size_t)c * N;
    fasc_detection *ev = NULL;
    float *snip = NULL;
    size_t count = 0;
    assert_int_equal(fasc_detector_detect_buffer(&cfg, in, N, &ev, &count, &snip), FASC_OK);
    dtu_events ref = dtu_run(&cfg, x, N, 7u, 500);
    assert_int_equal(count, ref.n);
    assert_int_equal(count, 5);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(ev[i].peak, ref.ev[i].peak);
        size_t n = (size_t)fasc_detection_rows(&ev[i]) * ev[i].snippet_length;
        assert_memory_equal(snip + ev[i].snippet_offset, ref.snip + i * ref.snip_cap,
                            sizeof(float) * n);
    }
    fasc_detector_free_results(ev, snip);
    dtu_free(&ref);
    free(x);
}

static void second_stage_arguments(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(2);
    fasc_detector *det = NULL;
    cfg.confirm_threshold = -1.0;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg = dtu_config(2);
    cfg.shadow_s = 0.5;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg = dtu_config(2);
    cfg.timing_highpass_hz = -1.0;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg.timing_highpass_hz = 0.3 * cfg.sample_rate;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg.timing_highpass_hz = NAN;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg = dtu_config(2);
    cfg.wavelet_threshold = 21.0;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg.wavelet_threshold = NAN;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg = dtu_config(2);
    cfg.prefilter_sections = FASC_DETECTOR_MAX_PREFILTER + 1;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg = dtu_config(2);
    cfg.prefilter_sections = 1;
    cfg.prefilter[0].b0 = NAN;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_ERR_INVALID_ARGUMENT);
    cfg = dtu_config(2);
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    fasc_biquad sos[2] = {{1, 0, 0, 0, 0}, {1, 0, 0, 0, 0}};
    assert_int_equal(fasc_detector_set_prefilter(NULL, sos, 2, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_set_prefilter(det, NULL, 2, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_set_prefilter(det, sos, -1, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_set_prefilter(det, sos, FASC_DETECTOR_MAX_PREFILTER + 1, 0),
                     FASC_ERR_INVALID_ARGUMENT);
    sos[1].a1 = INFINITY;
    assert_int_equal(fasc_detector_set_prefilter(det, sos, 2, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_set_prefilter(det, sos, 1, 100), FASC_OK);
    assert_int_equal(fasc_detector_rejected(det), 0);
    assert_int_equal(fasc_detector_rejected(NULL), 0);
    fasc_detector_destroy(&det);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rejects_bad_configs),
        cmocka_unit_test(rejects_bad_calls),
        cmocka_unit_test(caller_memory),
        cmocka_unit_test(snippet_buffer_contract),
        cmocka_unit_test(detect_buffer_matches_streaming),
        cmocka_unit_test(second_stage_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
