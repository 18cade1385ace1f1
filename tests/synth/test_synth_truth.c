/* Every FP in the truth table is where the signal has it: peak within 1 ms,
 * peak-to-peak as listed; the waveforms have the promised shapes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "synth_fixture.h"

static recording clean_recording(double fs, int units, int channels)
{
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.sample_rate = fs;
    cfg.channels = channels;
    cfg.units = units;
    cfg.fasc_per_min = 60.0;
    cfg.noise = false;
    cfg.seed = 3;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, 120.0, 5000), 0);
    return r;
}

static int isolated(const recording *r, size_t i, double gap_s)
{
    for (size_t j = 0; j < r->event_count; j++)
        if (j != i && fabs(r->events[j].peak_s - r->events[i].peak_s) < gap_s)
            return 0;
    return 1;
}

static void check_peaks(double fs)
{
    recording r = clean_recording(fs, 6, 8);
    size_t checked = 0;
    for (size_t i = 0; i < r.event_count; i++) {
        const fasc_synth_event *e = &r.events[i];
        if (!isolated(&r, i, 0.05))
            continue;
        const float *x = r.x[e->channel];
        const long w = (long)(0.015 * fs);
        long best = -1;
        float vmax = -1e30f, vmin = 1e30f;
        for (long k = (long)e->peak_index - w; k <= (long)e->peak_index + w; k++) {
            if (k < 0 || k >= (long)r.frames)
                continue;
            if (best < 0 || fabsf(x[k]) > fabsf(x[best]))
                best = k;
            if (x[k] > vmax) vmax = x[k];
            if (x[k] < vmin) vmin = x[k];
        }
        const double off_ms = 1000.0 * fabs((double)(best - (long)e->peak_index)) / fs;
        if (off_ms > 1.0)
            fail_msg("FP at %.4f s: signal peak %.2f ms away", e->peak_s, off_ms);
        assert_true(fabs(e->peak_s - (double)e->peak_index / fs) < 1e-9);
        if (fabs((vmax - vmin) - e->peak_to_peak_uv) > 0.01 * e->peak_to_peak_uv)
            fail_msg("FP at %.4f s: p-p %.2f in the signal, %.2f in the truth", e->peak_s,
                     vmax - vmin, e->peak_to_peak_uv);
        /* 5-20 ms potentials; the 2 % extent is a little wider. */
        assert_true(e->duration_s > 0.003 && e->duration_s < 0.035);
        assert_true(e->onset_s <= e->peak_s && e->peak_s <= e->onset_s + e->duration_s);
        checked++;
    }
    assert_true(checked > 60);
    recording_free(&r);
}

static void peaks_where_the_signal_has_them_2048(void **state)
{
    (void)state;
    check_peaks(2048.0);
}

static void peaks_where_the_signal_has_them_other_rates(void **state)
{
    (void)state;
    check_peaks(1000.0);
    check_peaks(8000.0);
}

/* Phases of a waveform: sign changes between excursions above 5 % of the
 * largest deflection, plus one. */
static int count_phases(const float *x, long a, long b)
{
    float amax = 0.0f;
    for (long k = a; k < b; k++)
        if (fabsf(x[k]) > amax) amax = fabsf(x[k]);
    int phases = 0, sign = 0;
    for (long k = a; k < b; k++) {
        if (fabsf(x[k]) < 0.05f * amax)
            continue;
        const int s = x[k] > 0 ? 1 : -1;
        if (s != sign) {
            phases++;
            sign = s;
        }
    }
    return phases;
}

static void units_have_varied_shapes_and_spread(void **state)
{
    (void)state;
    const int units = 24;
    recording r = clean_recording(4096.0, units, 8);
    int seen[25] = {0}, phase_hist[10] = {0};
    int spread_min = 99, spread_max = 0;
    for (size_t i = 0; i < r.event_count; i++) {
        const fasc_synth_event *e = &r.events[i];
        if (seen[e->unit] || !isolated(&r, i, 0.06))
            continue;
        seen[e->unit] = 1;
        const long a = (long)(e->onset_s * 4096.0) - 4, b = a + (long)(e->duration_s * 4096.0) + 8;
        const int ph = count_phases(r.x[e->channel], a, b);
        assert_in_range(ph, 2, 9);
        phase_hist[ph]++;
        /* Channels where this discharge is at least 10 % of the main one. */
        int spread = 0;
        for (int c = 0; c < 8; c++) {
            float lo = 0, hi = 0;
            for (long k = a; k < b; k++) {
                if (r.x[c][k] < lo) lo = r.x[c][k];
                if (r.x[c][k] > hi) hi = r.x[c][k];
            }
            spread += (hi - lo) >= 0.1 * e->peak_to_peak_uv;
            if (c == e->channel)
                assert_true(fabs((hi - lo) - e->peak_to_peak_uv) < 0.01 * e->peak_to_peak_uv + 0.01);
        }
        if (spread < spread_min) spread_min = spread;
        if (spread > spread_max) spread_max = spread;
    }
    int polyphasic = 0, simple = 0;
    for (int p = 0; p < 10; p++) {
        if (p >= 4) polyphasic += phase_hist[p];
        else simple += phase_hist[p];
    }
    assert_true(polyphasic >= 2);
    assert_true(simple >= 6);
    assert_true(spread_min >= 1 && spread_max >= 2 && spread_max <= 6);
    recording_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(peaks_where_the_signal_has_them_2048),
        cmocka_unit_test(peaks_where_the_signal_has_them_other_rates),
        cmocka_unit_test(units_have_varied_shapes_and_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
