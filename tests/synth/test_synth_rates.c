/* Discharge counts follow the requested rates: per unit and in total, with
 * repeat discharges 10-110 ms after a discharge of the same unit. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "synth_fixture.h"

static void counts_match_requested_rates(void **state)
{
    (void)state;
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.channels = 2;
    cfg.units = 8;
    cfg.fasc_per_min = 60.0;
    cfg.noise = false;
    cfg.seed = 7;
    const double minutes = 40.0;
    fasc_synth *s;
    assert_int_equal(fasc_synth_create(&cfg, &s), FASC_OK);
    recording r;
    assert_int_equal(recording_make(&r, &cfg, minutes * 60.0, 1u << 16), 0);

    size_t per_unit[9] = {0}, repeats = 0, total = 0;
    double rate_sum = 0.0;
    double last_peak[9];
    for (int u = 0; u <= 8; u++)
        last_peak[u] = -1.0;
    for (size_t i = 0; i < r.event_count; i++) {
        const fasc_synth_event *e = &r.events[i];
        assert_int_equal(e->cls, FASC_CLASS_FASCICULATION);
        assert_in_range(e->unit, 1, 8);
        per_unit[e->unit]++;
        total++;
        if (e->repeat) {
            repeats++;
            const double gap = e->peak_s - last_peak[e->unit];
            assert_true(gap > 0.009 && gap < 0.112);
        }
        last_peak[e->unit] = e->peak_s;
    }
    for (int u = 1; u <= 8; u++) {
        const double expected = fasc_synth_unit_rate_per_min(s, u) * minutes;
        rate_sum += fasc_synth_unit_rate_per_min(s, u);
        /* Poisson-like: 4 standard deviations. */
        const double tol = 4.0 * sqrt(expected) + 2.0;
        if (fabs(per_unit[u] - expected) > tol)
            fail_msg("unit %d: %zu discharges, expected %.1f +- %.1f", u, per_unit[u], expected, tol);
    }
    assert_true(fabs(rate_sum - 60.0) < 1e-9);
    const double expected_total = 60.0 * minutes;
    if (fabs(total - expected_total) > 4.0 * sqrt(expected_total))
        fail_msg("%zu discharges in all, expected %.0f", total, expected_total);
    /* One discharge in ten is followed by a repeat: 1/11 of all. */
    const double share = (double)repeats / total;
    if (fabs(share - 1.0 / 11.0) > 0.025)
        fail_msg("repeat share %.3f, expected 0.091", share);
    /* Firing is irregular: coefficient of variation of intervals near 1. */
    recording_free(&r);
    fasc_synth_destroy(&s);
}

static void intervals_are_irregular(void **state)
{
    (void)state;
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.channels = 1;
    cfg.units = 1;
    cfg.fasc_per_min = 30.0;
    cfg.noise = false;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, 3600.0, 1u << 16), 0);
    double sum = 0.0, sum2 = 0.0, prev = -1.0;
    int n = 0;
    for (size_t i = 0; i < r.event_count; i++) {
        if (r.events[i].repeat)
            continue;
        if (prev >= 0.0) {
            const double d = r.events[i].peak_s - prev;
            sum += d;
            sum2 += d * d;
            n++;
        }
        prev = r.events[i].peak_s;
    }
    const double mean = sum / n, sd = sqrt(sum2 / n - mean * mean);
    /* A Poisson process has CV 1; voluntary firing ~0.1-0.2. */
    if (!(sd / mean > 0.8 && sd / mean < 1.1))
        fail_msg("interval CV %.2f is not Poisson-like", sd / mean);
    recording_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_match_requested_rates),
        cmocka_unit_test(intervals_are_irregular),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
