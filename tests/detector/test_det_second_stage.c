/* The second stage: wavelet confirmation keeps false alarms on noise rare,
 * and unit templates time every discharge of a unit on the same phase even
 * when two of its phases are nearly equal, also after a contraction of a
 * unit of similar shape. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dtu.h"
#include "../../lib/detector/det_internal.h"

enum { FS = 2048 };

static void noise_gives_few_false_alarms(void **state)
{
    (void)state;
    enum { C = 8 };
    const size_t n = (size_t)FS * 600; /* ten minutes */
    float *x = dtu_noise(C, n, 99u, 5.0f);
    fasc_detector_config cfg = dtu_config(C);
    dtu_events with = dtu_run(&cfg, x, n, 0, 0);
    cfg.confirm_threshold = 0.0;
    dtu_events without = dtu_run(&cfg, x, n, 0, 0);
    const double minutes = (double)n / FS / 60.0;
    print_message("noise only, 8 channels: %.2f events/min with the second stage, %.2f without\n",
                  with.n / minutes, without.n / minutes);
    if (with.n / minutes > 0.5)
        fail_msg("%.2f false events per minute on noise", with.n / minutes);
    assert_true(with.n <= without.n);
    dtu_free(&with);
    dtu_free(&without);
    free(x);
}

/* On 64 channels the confirmation level is raised for the number of
 * channels tested (Q(z_64) = Q(z) 8 / 64). The maximum over a wavelet bank
 * has a heavier tail than one Gaussian, so noise still confirms more than
 * on 8 channels (0.8 per minute over 10 minutes against 0.1), but no longer
 * 3.1 per minute as at the 8-channel level. */
static void many_channels_few_false_alarms(void **state)
{
    (void)state;
    enum { C = 64 };
    const size_t n = (size_t)FS * 300;
    float *x = dtu_noise(C, n, 98u, 5.0f);
    fasc_detector_config cfg = dtu_config(C);
    dtu_events e = dtu_run(&cfg, x, n, 0, 0);
    const double minutes = (double)n / FS / 60.0;
    print_message("noise only, 64 channels: %.2f events/min\n", e.n / minutes);
    if (e.n / minutes > 1.5)
        fail_msg("%.2f false events per minute on 64 channels of noise", e.n / minutes);
    dtu_free(&e);
    free(x);
}

/* The level given (5.5) holds for up to 8 channels and 2048 Hz; above
 * either it is raised to z' with Q(z') = Q(z) (8 / C) (2048 / fs), each
 * factor only where it is under 1. Expected values from scipy
 * (norm.isf(norm.sf(5.5) * share)). */
static void confirmation_level_follows_channels_and_rate(void **state)
{
    (void)state;
    static const struct {
        int channels;
        double rate, level;
    } want[] = {
        {8, 2048.0, 5.5},      {4, 1000.0, 5.5},      {64, 2048.0, 5.85579},
        {256, 2048.0, 6.08201}, {8, 4000.0, 5.61687}, {64, 4000.0, 5.96605},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        fasc_detector_config cfg = dtu_config(want[i].channels);
        cfg.sample_rate = want[i].rate;
        det_design d;
        assert_int_equal(fasc_det_design(&cfg, &d), FASC_OK);
        if (fabs(d.confirm - want[i].level) > 1e-4)
            fail_msg("%d channels at %.0f Hz: level %.5f, expected %.5f", want[i].channels,
                     want[i].rate, d.confirm, want[i].level);
    }
}

/* Two opposite phases 5 samples apart, the positive one `first` and the
 * negative one `second` times `amplitude`. */
static void two_phases(float *x, size_t n, size_t at, float amplitude, double first,
                       double second)
{
    const double s = 1.3;
    for (int k = -10; k <= 14; k++) {
        if ((long)at + k < 0 || at + (size_t)(k + 10) >= n + 10)
            continue;
        const double u = k, v = u - 5.0;
        x[at + (size_t)k] += (float)(amplitude * (first * exp(-0.5 * u * u / (s * s)) -
                                                  second * exp(-0.5 * v * v / (s * s))));
    }
}

/* The positive phase 8 % larger. */
static void twin_phase_spike(float *x, size_t n, size_t at, float amplitude)
{
    two_phases(x, n, at, amplitude, 1.0, 0.92);
}

static void templates_time_on_one_phase(void **state)
{
    (void)state;
    const size_t n = (size_t)FS * 60;
    float *x = dtu_noise(1, n, 7u, 5.0f);
    const int spikes = 50;
    for (int k = 0; k < spikes; k++)
        twin_phase_spike(x, n, (size_t)FS + (size_t)k * (size_t)FS, 60.0f);
    fasc_detector_config cfg = dtu_config(1);
    dtu_events e = dtu_run(&cfg, x, n, 0, 0);
    int on_main = 0, found = 0;
    for (int k = 5; k < spikes; k++) { /* after the template has formed */
        const long i = dtu_find(&e, FS + (fasc_index)k * FS, 8);
        if (i < 0)
            continue;
        found++;
        on_main += e.ev[i].peak == FS + (fasc_index)k * FS;
    }
    print_message("%d of %d discharges timed on the larger phase\n", on_main, found);
    assert_true(found >= spikes - 8);
    if (on_main < found * 9 / 10)
        fail_msg("only %d of %d discharges timed on the larger phase", on_main, found);
    dtu_free(&e);
    free(x);
}

/* The same unit before and after a 5 s contraction on its channel, in
 * which a unit of the same shape but with its negative phase the larger
 * fires at 12.5 Hz (62 discharges): the contraction's discharges must not
 * be learnt into the unit's template, or every discharge after it would be
 * timed on the other phase. */
static void contraction_leaves_templates_alone(void **state)
{
    (void)state;
    const size_t n = (size_t)FS * 60;
    float *x = dtu_noise(1, n, 8u, 5.0f);
    const int before = 20, after = 20;
    for (int k = 0; k < before; k++)
        twin_phase_spike(x, n, (size_t)FS + (size_t)k * (size_t)FS, 60.0f);
    const size_t c0 = (size_t)FS * 22, c1 = (size_t)FS * 27;
    for (size_t at = c0; at < c1; at += (size_t)FS * 2 / 25)
        two_phases(x, n, at, 60.0f, 0.92, 1.0); /* the phases' sizes swapped */
    const size_t first_after = (size_t)FS * 30;
    for (int k = 0; k < after; k++)
        twin_phase_spike(x, n, first_after + (size_t)k * (size_t)FS, 60.0f);
    fasc_detector_config cfg = dtu_config(1);
    dtu_events e = dtu_run(&cfg, x, n, 0, 0);
    int on_main = 0, found = 0;
    for (int k = 0; k < after; k++) {
        const fasc_index at = (fasc_index)(first_after + (size_t)k * (size_t)FS);
        const long i = dtu_find(&e, at, 8);
        if (i < 0)
            continue;
        found++;
        on_main += e.ev[i].peak == at;
    }
    print_message("after the contraction: %d of %d discharges timed on the larger phase\n",
                  on_main, found);
    assert_true(found >= after - 3);
    if (on_main < found * 9 / 10)
        fail_msg("only %d of %d discharges after the contraction timed on the larger phase",
                 on_main, found);
    dtu_free(&e);
    free(x);
}

/* A long potential whose early phases (70 % of the main ones, 12 ms
 * before them) end a run of their own: once the unit's template knows the
 * whole potential, each discharge is one event, timed at its main phase. */
static void head_pieces_join_their_discharge(void **state)
{
    (void)state;
    const size_t n = (size_t)FS * 60;
    const int head = 25, spikes = 55;
    float *x = dtu_noise(1, n, 9u, 5.0f);
    for (int k = 0; k < spikes; k++) {
        const size_t at = (size_t)FS * 2 + (size_t)k * (size_t)FS;
        two_phases(x, n, at - (size_t)head, 0.7f * 60.0f, 1.0, 0.92);
        twin_phase_spike(x, n, at, 60.0f);
    }
    fasc_detector_config cfg = dtu_config(1);
    dtu_events e = dtu_run(&cfg, x, n, 0, 0);
    int whole = 0, pieces = 0;
    for (int k = 10; k < spikes; k++) { /* once the template knows the unit */
        const fasc_index at = (fasc_index)FS * 2 + (fasc_index)k * FS;
        int here = 0;
        bool on_main = false;
        for (size_t i = 0; i < e.n; i++)
            if (e.ev[i].peak >= at - head - 8 && e.ev[i].peak <= at + 12) {
                here++;
                on_main |= e.ev[i].peak >= at - 1 && e.ev[i].peak <= at + 1;
            }
        whole += here == 1 && on_main;
        pieces += here > 1;
    }
    print_message("%d of %d discharges one event at the main phase, %d in pieces\n", whole,
                  spikes - 10, pieces);
    if (whole < (spikes - 10) * 9 / 10)
        fail_msg("only %d of %d discharges one event at the main phase (%d in pieces)", whole,
                 spikes - 10, pieces);
    dtu_free(&e);
    free(x);
}

/* The second stage's scratch memory holds for the smallest events and the
 * highest working rate (ASan checks the bounds). */
static void short_events_high_rate(void **state)
{
    (void)state;
    const double rates[2] = {8000.0, 500.0};
    for (int r = 0; r < 2; r++) {
        const size_t n = (size_t)(rates[r] * 20);
        float *x = dtu_noise(2, n, 3u, 5.0f);
        for (int k = 0; k < 30; k++)
            dtu_spike(x, n, k % 2, (size_t)(rates[r] * (1.0 + 0.6 * k)), 80.0f, k % 3 ? 1 : -1);
        fasc_detector_config cfg = dtu_config(2);
        cfg.sample_rate = rates[r];
        cfg.max_event_s = 0.02;
        cfg.snippet_pre_s = 0.0;
        cfg.snippet_post_s = 0.0;
        cfg.prefilter_sections = 1;
        fasc_filter_butterworth(FASC_FILTER_HIGHPASS, 2, 20.0, 0.0, rates[r], cfg.prefilter, 1, NULL);
        dtu_events e = dtu_run(&cfg, x, n, 11u, 97);
        dtu_free(&e);
        free(x);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(noise_gives_few_false_alarms),
        cmocka_unit_test(many_channels_few_false_alarms),
        cmocka_unit_test(confirmation_level_follows_channels_and_rate),
        cmocka_unit_test(templates_time_on_one_phase),
        cmocka_unit_test(contraction_leaves_templates_alone),
        cmocka_unit_test(head_pieces_join_their_discharge),
        cmocka_unit_test(short_events_high_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
