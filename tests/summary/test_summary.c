/* Scoring summary: excluded and scorable time, counts and rates per
 * channel, unit and epoch, merges, quartiles and the quality grade. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fasc/summary.h"

#define FS 1000.0

static fasc_summary *make(int channels)
{
    fasc_summary_config cfg;
    fasc_summary_config_default(&cfg);
    cfg.sample_rate = FS;
    cfg.channels = channels;
    fasc_summary *s = NULL;
    assert_int_equal(fasc_summary_create(&cfg, &s), FASC_OK);
    return s;
}

/* One channel; units counted from 3 discharges. */
static fasc_summary *make_units_from_three(void)
{
    fasc_summary_config cfg;
    fasc_summary_config_default(&cfg);
    cfg.sample_rate = FS;
    cfg.unit_min_discharges = 3;
    fasc_summary *s = NULL;
    assert_int_equal(fasc_summary_create(&cfg, &s), FASC_OK);
    return s;
}

static void add_fp(fasc_summary *s, double t, int channel, int unit, bool repeat, float p2p)
{
    fasc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.onset = (fasc_index)(t * FS) - 5;
    ev.peak = (fasc_index)(t * FS);
    ev.offset = ev.peak + 5;
    ev.channel = channel;
    ev.cls = FASC_CLASS_FASCICULATION;
    ev.unit = unit;
    ev.repeat = repeat;
    ev.peak_to_peak_uv = p2p;
    assert_int_equal(fasc_summary_add(s, &ev), FASC_OK);
}

static void add_epoch(fasc_summary *s, double from, double to, int channel, fasc_class cls)
{
    fasc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.onset = (fasc_index)(from * FS);
    ev.offset = (fasc_index)(to * FS) - 1;
    ev.peak = ev.onset;
    ev.channel = channel;
    ev.cls = cls;
    ev.epoch = true;
    assert_int_equal(fasc_summary_add(s, &ev), FASC_OK);
}

static void scorable_time_per_channel_and_overall(void **state)
{
    (void)state;
    fasc_summary *s = make(2);
    add_epoch(s, 60, 90, -1, FASC_CLASS_VOLUNTARY);     /* both channels */
    add_epoch(s, 100, 130, 0, FASC_CLASS_MOVEMENT);     /* channel 0 only */
    add_epoch(s, 120, 150, 1, FASC_CLASS_ELECTRODE_POP); /* overlaps on 120-130 */
    add_epoch(s, 10, 11, -1, FASC_CLASS_ECG);           /* heartbeat: not excluded */
    assert_int_equal(fasc_summary_finish(s, (fasc_index)(240 * FS)), FASC_OK);
    fasc_summary_figures f;
    assert_int_equal(fasc_summary_figures_of(s, 0, &f), FASC_OK);
    assert_float_equal(f.excluded_min, 1.0, 1e-9);
    assert_float_equal(f.scorable_min, 3.0, 1e-9);
    assert_int_equal(fasc_summary_figures_of(s, 1, &f), FASC_OK);
    assert_float_equal(f.excluded_min, 1.0, 1e-9);
    assert_int_equal(fasc_summary_figures_of(s, -1, &f), FASC_OK);
    assert_float_equal(f.excluded_min, 40.0 / 60.0, 1e-9); /* 60-90 and 120-130 */
    size_t n;
    assert_non_null(fasc_summary_excluded(s, &n));
    assert_int_equal(n, 3);
    assert_int_equal(fasc_summary_class_count(s, FASC_CLASS_ECG), 1);
    fasc_summary_destroy(&s);
    assert_null(s);
}

static void counts_rates_doublets_and_units(void **state)
{
    (void)state;
    fasc_summary *s = make(3);
    add_fp(s, 5.0, 0, 1, false, 100);
    add_fp(s, 5.05, 0, 1, true, 110);
    add_fp(s, 20.0, 1, 1, false, 90);
    add_fp(s, 30.0, 2, 2, false, 300);
    add_fp(s, 40.0, 2, 3, false, 50);  /* unit 3 merged into 2 */
    add_fp(s, 70.0, 2, 0, false, 60);  /* no unit */
    assert_int_equal(fasc_summary_merge_unit(s, 3, 2), FASC_OK);
    assert_int_equal(fasc_summary_set_noise(s, 0, 3.0), FASC_OK);
    assert_int_equal(fasc_summary_set_noise(s, 1, 5.0), FASC_OK);
    assert_int_equal(fasc_summary_set_noise(s, 2, 4.0), FASC_OK);
    assert_int_equal(fasc_summary_finish(s, (fasc_index)(120 * FS)), FASC_OK);
    fasc_summary_figures f;
    assert_int_equal(fasc_summary_figures_of(s, -1, &f), FASC_OK);
    assert_int_equal(f.fasciculations, 6);
    assert_int_equal(f.doublets, 1);
    assert_float_equal(f.rate_per_min, 3.0, 1e-9);
    assert_int_equal(f.units, 2);
    assert_float_equal(f.noise_rms_uv, 4.0, 1e-9);
    assert_int_equal(fasc_summary_figures_of(s, 0, &f), FASC_OK);
    assert_int_equal(f.fasciculations, 2);
    assert_int_equal(f.units, 1); /* unit 1: 2 of 3 discharges on channel 0 */
    assert_int_equal(fasc_summary_unit_count(s), 2);
    fasc_summary_unit u;
    assert_int_equal(fasc_summary_unit_at(s, 1, &u), FASC_OK);
    assert_int_equal(u.id, 2);
    assert_int_equal(u.discharges, 2);
    assert_int_equal(u.main_channel, 2);
    assert_float_equal(u.rate_per_min, 1.0, 1e-9);
    assert_float_equal(u.median_peak_to_peak_uv, 175.0, 1e-4);
    size_t n;
    const fasc_summary_fp *fp = fasc_summary_fasciculations(s, &n);
    assert_int_equal(n, 6);
    assert_int_equal(fp[4].unit, 2);
    fasc_summary_destroy(&s);
}

static void units_need_enough_discharges(void **state)
{
    (void)state;
    fasc_summary *s = make_units_from_three();
    for (int i = 0; i < 3; i++)
        add_fp(s, 1.0 + i, 0, 1, false, 100);
    add_fp(s, 10.0, 0, 2, false, 100);
    add_fp(s, 11.0, 0, 2, false, 100);
    add_fp(s, 12.0, 0, 3, false, 100); /* merged into 2: now 3 discharges */
    add_fp(s, 13.0, 0, 4, false, 100);
    assert_int_equal(fasc_summary_merge_unit(s, 3, 2), FASC_OK);
    assert_int_equal(fasc_summary_finish(s, (fasc_index)(60 * FS)), FASC_OK);
    fasc_summary_figures f;
    assert_int_equal(fasc_summary_figures_of(s, -1, &f), FASC_OK);
    assert_int_equal(f.units, 2);
    assert_int_equal(f.fasciculations, 7);
    assert_int_equal(fasc_summary_unit_count(s), 2);
    fasc_summary_destroy(&s);
    fasc_summary_config cfg;
    fasc_summary_config_default(&cfg);
    cfg.unit_min_discharges = 0;
    assert_int_equal(fasc_summary_create(&cfg, &s), FASC_ERR_INVALID_ARGUMENT);
}

/* A unit dropped (locked to the heartbeat), and one merged into it, form
 * no unit; their discharges still count as fasciculations. */
static void dropped_units_are_no_units(void **state)
{
    (void)state;
    fasc_summary *s = make_units_from_three();
    for (int i = 0; i < 3; i++) {
        add_fp(s, 1.0 + i, 0, 1, false, 100);
        add_fp(s, 10.0 + i, 0, 2, false, 80);
    }
    add_fp(s, 20.0, 0, 3, false, 80); /* merged into the dropped 2 */
    assert_int_equal(fasc_summary_merge_unit(s, 3, 2), FASC_OK);
    assert_int_equal(fasc_summary_drop_unit(s, 2), FASC_OK);
    assert_int_equal(fasc_summary_drop_unit(s, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_summary_drop_unit(NULL, 2), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_summary_finish(s, (fasc_index)(60 * FS)), FASC_OK);
    assert_int_equal(fasc_summary_drop_unit(s, 1), FASC_ERR_STATE);
    fasc_summary_figures f;
    assert_int_equal(fasc_summary_figures_of(s, -1, &f), FASC_OK);
    assert_int_equal(f.fasciculations, 7);
    assert_int_equal(f.units, 1);
    assert_int_equal(fasc_summary_unit_count(s), 1);
    fasc_summary_unit u;
    assert_int_equal(fasc_summary_unit_at(s, 0, &u), FASC_OK);
    assert_int_equal(u.id, 1);
    size_t n;
    const fasc_summary_fp *fp = fasc_summary_fasciculations(s, &n);
    assert_int_equal(n, 7);
    assert_int_equal(fp[6].unit, 0);
    fasc_summary_destroy(&s);
}

static void epochs_with_quartiles(void **state)
{
    (void)state;
    fasc_summary *s = make(1);
    const float amps[] = {10, 20, 30, 40, 50};
    for (int i = 0; i < 5; i++)
        add_fp(s, 1.0 + i, 0, 0, false, amps[i]);
    add_fp(s, 61.0, 0, 0, false, 70);
    add_epoch(s, 90, 120, -1, FASC_CLASS_VOLUNTARY);
    assert_int_equal(fasc_summary_finish(s, (fasc_index)(130 * FS)), FASC_OK);
    assert_int_equal(fasc_summary_epoch_count(s), 3);
    fasc_summary_epoch e;
    assert_int_equal(fasc_summary_epoch_at(s, 0, &e), FASC_OK);
    assert_int_equal(e.fasciculations, 5);
    assert_float_equal(e.rate_per_min, 5.0, 1e-9);
    assert_float_equal(e.p2p_q1_uv, 20.0, 1e-4);
    assert_float_equal(e.p2p_q3_uv, 40.0, 1e-4);
    assert_float_equal(e.p2p_iqr_uv, 20.0, 1e-4);
    assert_int_equal(fasc_summary_epoch_at(s, 1, &e), FASC_OK);
    assert_float_equal(e.scorable_min, 0.5, 1e-9);
    assert_float_equal(e.rate_per_min, 2.0, 1e-9);
    assert_float_equal(e.p2p_iqr_uv, 0.0, 1e-9);
    assert_int_equal(fasc_summary_epoch_at(s, 2, &e), FASC_OK);
    assert_float_equal(e.length_s, 10.0, 1e-9);
    assert_int_equal(fasc_summary_epoch_at(s, 3, &e), FASC_ERR_INVALID_ARGUMENT);
    fasc_summary_destroy(&s);
}

static void quality_grades(void **state)
{
    (void)state;
    fasc_summary *s = make(2);
    fasc_summary_set_noise(s, 0, 3.0);
    fasc_summary_set_noise(s, 1, 3.0);
    assert_int_equal(fasc_summary_finish(s, (fasc_index)(600 * FS)), FASC_OK);
    fasc_summary_figures f;
    fasc_summary_figures_of(s, -1, &f);
    assert_string_equal(f.quality.grade, "good");
    assert_int_equal(f.quality.reason_count, 0);
    fasc_summary_destroy(&s);

    s = make(2);
    fasc_summary_set_noise(s, 0, 30.0); /* fair */
    fasc_summary_set_noise(s, 1, 0.0);  /* never estimated: poor */
    fasc_summary_set_losses(s, 12, 0);
    add_epoch(s, 0, 50, -1, FASC_CLASS_MOVEMENT);
    assert_int_equal(fasc_summary_finish(s, (fasc_index)(120 * FS)), FASC_OK);
    fasc_summary_figures_of(s, 0, &f);
    assert_string_equal(f.quality.grade, "fair");
    fasc_summary_figures_of(s, 1, &f);
    assert_string_equal(f.quality.grade, "poor");
    fasc_summary_figures_of(s, -1, &f);
    assert_string_equal(f.quality.grade, "poor"); /* half the channels are poor */
    bool nonfinite = false, short_rest = false;
    for (int i = 0; i < f.quality.reason_count; i++) {
        nonfinite |= strstr(f.quality.reasons[i], "12 non-finite") != NULL;
        short_rest |= strstr(f.quality.reasons[i], "min of scorable rest") != NULL;
    }
    assert_true(nonfinite && short_rest);
    fasc_summary_destroy(&s);
}

static void arguments_and_state(void **state)
{
    (void)state;
    fasc_summary_config cfg;
    fasc_summary_config_default(&cfg);
    fasc_summary *s = NULL;
    cfg.channels = 0;
    assert_int_equal(fasc_summary_create(&cfg, &s), FASC_ERR_INVALID_ARGUMENT);
    cfg.channels = 2;
    cfg.epoch_s = 0.5;
    assert_int_equal(fasc_summary_create(&cfg, &s), FASC_ERR_INVALID_ARGUMENT);
    assert_null(s);
    s = make(2);
    fasc_event ev;
    memset(&ev, 0, sizeof ev);
    ev.channel = 2;
    assert_int_equal(fasc_summary_add(s, &ev), FASC_ERR_INVALID_ARGUMENT);
    ev.channel = 0;
    ev.cls = (fasc_class)9;
    assert_int_equal(fasc_summary_add(s, &ev), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_summary_merge_unit(s, 4, 4), FASC_ERR_INVALID_ARGUMENT);
    fasc_summary_figures f;
    assert_int_equal(fasc_summary_figures_of(s, 0, &f), FASC_ERR_STATE);
    assert_int_equal(fasc_summary_finish(s, 0), FASC_OK);
    assert_int_equal(fasc_summary_epoch_count(s), 0);
    assert_int_equal(fasc_summary_finish(s, 0), FASC_ERR_STATE);
    ev.cls = FASC_CLASS_FASCICULATION;
    assert_int_equal(fasc_summary_add(s, &ev), FASC_ERR_STATE);
    fasc_summary_destroy(&s);
    fasc_summary_destroy(&s);
    fasc_summary_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scorable_time_per_channel_and_overall),
        cmocka_unit_test(counts_rates_doublets_and_units),
        cmocka_unit_test(units_need_enough_discharges),
        cmocka_unit_test(dropped_units_are_no_units),
        cmocka_unit_test(epochs_with_quartiles),
        cmocka_unit_test(quality_grades),
        cmocka_unit_test(arguments_and_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
