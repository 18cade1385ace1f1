/* Discharges 10 ms or more apart are never merged: doublets 10, 15, 30 and
 * 100 ms apart on one channel give two events each, peaks at the spikes;
 * both polarities are detected with the right sign. */
#include "fasc/detector.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dtu.h"

enum { FS = 2048, N = 6 * FS };

static void doublet(double gap_ms)
{
    const size_t gap = (size_t)(gap_ms * FS / 1000.0 + 0.5);
    float *x = dtu_noise(1, N, 11u, 5.0f);
    const size_t first[] = {2 * FS, 3 * FS, 4 * FS, 5 * FS};
    for (size_t k = 0; k < 4; k++) {
        dtu_spike(x, N, 0, first[k], 80.0f, 1);
        dtu_spike(x, N, 0, first[k] + gap, 80.0f, 1);
    }
    fasc_detector_config cfg = dtu_config(1);
    dtu_events e = dtu_run(&cfg, x, N, 0, 0);
    for (size_t k = 0; k < 4; k++) {
        long a = dtu_find(&e, (fasc_index)first[k], 2);
        long b = dtu_find(&e, (fasc_index)(first[k] + gap), 2);
        if (a < 0 || b < 0 || a == b)
            fail_msg("doublet %.0f ms at %zu: events %ld and %ld", gap_ms, first[k], a, b);
    }
    if (e.n != 8)
        fail_msg("doublet %.0f ms: %zu events, expected 8", gap_ms, e.n);
    dtu_free(&e);
    free(x);
}

static void doublets_10ms(void **state)
{
    (void)state;
    doublet(10.0);
}

static void doublets_15ms(void **state)
{
    (void)state;
    doublet(15.0);
}

static void doublets_30ms(void **state)
{
    (void)state;
    doublet(30.0);
}

static void doublets_100ms(void **state)
{
    (void)state;
    doublet(100.0);
}

static void both_polarities(void **state)
{
    (void)state;
    float *x = dtu_noise(1, N, 5u, 5.0f);
    for (int k = 0; k < 8; k++)
        dtu_spike(x, N, 0, (size_t)(FS + k * FS / 2), 60.0f, k % 2 ? -1 : 1);
    fasc_detector_config cfg = dtu_config(1);
    dtu_events e = dtu_run(&cfg, x, N, 0, 0);
    assert_int_equal(e.n, 8);
    for (int k = 0; k < 8; k++) {
        long i = dtu_find(&e, FS + k * FS / 2, 0);
        assert_true(i >= 0);
        assert_int_equal(e.ev[i].polarity, k % 2 ? -1 : 1);
        if (!(e.ev[i].peak_to_peak_uv > 40.0f))
            fail_msg("p2p %f on %ld pk %ld off %ld", e.ev[i].peak_to_peak_uv, (long)e.ev[i].onset, (long)e.ev[i].peak, (long)e.ev[i].offset);
        assert_true(e.ev[i].onset < e.ev[i].peak && e.ev[i].peak < e.ev[i].offset);
        assert_true(e.ev[i].score > 5.0f);
    }
    dtu_free(&e);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(doublets_10ms),
        cmocka_unit_test(doublets_15ms),
        cmocka_unit_test(doublets_30ms),
        cmocka_unit_test(doublets_100ms),
        cmocka_unit_test(both_polarities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
