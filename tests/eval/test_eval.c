/* Event tables: reading (good and malformed files) and matching rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fasc/eval.h"

static char path[64];

static void write_file(const char *text, size_t len)
{
    strcpy(path, "/tmp/fasc_eval_XXXXXX");
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static int read_text(const char *text, fasc_event_table *t, char *err, size_t err_len)
{
    write_file(text, strlen(text));
    const int rc = fasc_event_table_read(path, t, err, err_len);
    unlink(path);
    return rc;
}

static void reads_a_truth_table(void **state)
{
    (void)state;
    fasc_event_table t;
    char err[256];
    assert_int_equal(read_text("onset\tduration\tpeak\tchannel\tclass\tunit\tpeak_to_peak_uv\r\n"
                               "1.0\t0.01\t1.005\tch2\tfasciculation\t3\t120.5\r\n"
                               "\n"
                               "2.0\t4.0\t4.0\tn/a\tvoluntary\tn/a\tn/a\r\n",
                               &t, err, sizeof err),
                     FASC_OK);
    assert_int_equal(t.count, 2);
    assert_string_equal(t.rows[0].channel, "ch2");
    assert_int_equal(t.rows[0].cls, FASC_CLASS_FASCICULATION);
    assert_int_equal(t.rows[0].unit, 3);
    assert_true(t.rows[0].peak_s == 1.005);
    assert_null(t.rows[1].channel);
    assert_int_equal(t.rows[1].unit, 0);
    fasc_event_table_free(&t);
    assert_null(t.rows);
    fasc_event_table_free(&t);
}

static void columns_found_by_name(void **state)
{
    (void)state;
    fasc_event_table t;
    char err[256];
    assert_int_equal(read_text("class\tconfidence\tonset\tchannel\n"
                               "ecg\t0.9\t3.5\tEMG 1\n", &t, err, sizeof err), FASC_OK);
    assert_int_equal(t.count, 1);
    assert_true(t.rows[0].peak_s == 3.5); /* no peak column: onset + duration / 2 */
    assert_string_equal(t.rows[0].channel, "EMG 1");
    fasc_event_table_free(&t);
    assert_int_equal(read_text("onset\tclass\n", &t, err, sizeof err), FASC_OK);
    assert_int_equal(t.count, 0);
    fasc_event_table_free(&t);
}

static void expect_error(const char *text, size_t len, const char *needle)
{
    fasc_event_table t;
    char err[256] = "";
    write_file(text, len);
    assert_true(fasc_event_table_read(path, &t, err, sizeof err) < 0);
    unlink(path);
    assert_int_equal(t.count, 0);
    assert_null(t.rows);
    if (!strstr(err, needle) || !strstr(err, "/tmp/fasc_eval_"))
        fail_msg("error '%s' does not name the file and '%s'", err, needle);
}

static void malformed_tables_rejected(void **state)
{
    (void)state;
    expect_error("", 0, "empty");
    expect_error("\n\n", 2, "empty");
    expect_error("a\tb\n1\t2\n", 9, "onset");
    expect_error("onset\tclass\n1.0\n", 16, ":2: 1 columns");
    expect_error("onset\tclass\nabc\tecg\n", 20, "onset 'abc'");
    expect_error("onset\tclass\nnan\tecg\n", 20, "finite");
    expect_error("onset\tclass\n1e999\tecg\n", 22, "finite");
    expect_error("onset\tclass\n1\ttwitch\n", 21, "unknown class 'twitch'");
    expect_error("onset\tclass\tunit\n1\tecg\t2.5\n", 26, "whole number");
    expect_error("onset\tclass\tduration\n1\tecg\t-1\n", 29, "negative duration");
    expect_error("onset\tclass\n1\tecg\n2\0\tecg\n", 24, "NUL");
    fasc_event_table t;
    char err[256];
    assert_int_equal(fasc_event_table_read("/nonexistent/x.tsv", &t, err, sizeof err), FASC_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/x.tsv"));
    assert_int_equal(fasc_event_table_read(NULL, &t, err, sizeof err), FASC_ERR_INVALID_ARGUMENT);
}

static fasc_event_row fp(double peak, const char *ch)
{
    const fasc_event_row r = {peak - 0.005, 0.01, peak, ch, FASC_CLASS_FASCICULATION, 0, 100.0};
    return r;
}

static void matching_rules(void **state)
{
    (void)state;
    fasc_eval_config cfg;
    fasc_eval_config_default(&cfg);
    cfg.tolerance_s = 0.005;
    const fasc_event_row truth[] = {fp(1.000, "ch3"), fp(2.000, "ch3"), fp(3.000, "ch3"),
                                    fp(4.000, "ch3"), fp(5.000, "ch3")};
    const fasc_event_row det[] = {
        fp(1.0049, "ch3"),  /* inside tolerance */
        fp(2.0051, "ch3"),  /* just outside */
        fp(3.000, "ch4"),   /* neighbour */
        fp(4.000, "ch5"),   /* two apart */
        fp(5.001, "ch3"), fp(5.002, "ch3"), /* one to one: only the closer */
    };
    long match[5];
    assert_int_equal(fasc_eval_match(truth, 5, det, 6, &cfg, match), 3);
    assert_int_equal(match[0], 0);
    assert_int_equal(match[1], -1);
    assert_int_equal(match[2], 2);
    assert_int_equal(match[3], -1);
    assert_int_equal(match[4], 4);
    cfg.neighbour_distance = 2;
    assert_int_equal(fasc_eval_match(truth, 5, det, 6, &cfg, match), 4);
    /* Grid 4 wide: ch3 (row 0, col 2) and ch7 (row 1, col 2) are neighbours,
     * ch3 and ch5 (row 1, col 0) are not. */
    cfg.neighbour_distance = 1;
    cfg.grid_cols = 4;
    const fasc_event_row g[] = {fp(1.0, "ch7"), fp(2.0, "ch5")};
    assert_int_equal(fasc_eval_match(truth, 2, g, 2, &cfg, match), 1);
    assert_int_equal(match[0], 0);
    /* Labels without numbers match only themselves; n/a matches anything. */
    cfg.grid_cols = 0;
    const fasc_event_row a[] = {fp(1.0, "left"), fp(2.0, NULL)};
    const fasc_event_row b[] = {fp(1.0, "right"), fp(2.0, "ch9")};
    assert_int_equal(fasc_eval_match(a, 2, b, 2, &cfg, match), 1);
    assert_int_equal(match[1], 1);
    assert_int_equal(fasc_eval_match(truth, 5, det, 6, NULL, match), FASC_ERR_INVALID_ARGUMENT);
}

static void epochs_match_by_overlap(void **state)
{
    (void)state;
    fasc_eval_config cfg;
    fasc_eval_config_default(&cfg);
    const fasc_event_row t[] = {{10.0, 5.0, 12.5, NULL, FASC_CLASS_VOLUNTARY, 0, 0},
                                {30.0, 2.0, 31.0, NULL, FASC_CLASS_VOLUNTARY, 0, 0}};
    const fasc_event_row d[] = {{14.0, 3.0, 15.5, NULL, FASC_CLASS_VOLUNTARY, 0, 0},
                                {33.0, 1.0, 33.5, NULL, FASC_CLASS_VOLUNTARY, 0, 0}};
    long match[2];
    assert_int_equal(fasc_eval_match(t, 2, d, 2, &cfg, match), 1);
    assert_int_equal(match[0], 0);
    assert_int_equal(match[1], -1);
}

static void per_class_scores_and_confusion(void **state)
{
    (void)state;
    fasc_event_row trow[] = {fp(1.0, "ch1"), fp(2.0, "ch1"), fp(3.0, "ch1"), fp(4.0, "ch2")};
    trow[3].cls = FASC_CLASS_ECG;
    fasc_event_row drow[] = {fp(1.0, "ch1"), fp(2.001, "ch1"), fp(4.0, "ch2"), fp(9.0, "ch1")};
    drow[1].cls = FASC_CLASS_ECG;     /* an FP called ECG */
    drow[2].cls = FASC_CLASS_ECG;
    const fasc_event_table truth = {trow, 4, NULL}, det = {drow, 4, NULL};
    fasc_eval_config cfg;
    fasc_eval_config_default(&cfg);
    fasc_eval_result r;
    assert_int_equal(fasc_eval_compare(&truth, &det, &cfg, &r), FASC_OK);
    const fasc_eval_score *f = &r.by_class[FASC_CLASS_FASCICULATION];
    assert_int_equal(f->truth, 3);
    assert_int_equal(f->detected, 2);
    assert_int_equal(f->matched, 1);
    assert_true(f->sensitivity > 0.333 && f->sensitivity < 0.334);
    assert_true(f->precision == 0.5);
    assert_int_equal(r.by_class[FASC_CLASS_ECG].matched, 1);
    assert_int_equal(r.overall.matched, 3);
    assert_int_equal(r.confusion[FASC_CLASS_FASCICULATION][FASC_CLASS_FASCICULATION], 1);
    assert_int_equal(r.confusion[FASC_CLASS_FASCICULATION][FASC_CLASS_ECG], 1);
    assert_int_equal(r.confusion[FASC_CLASS_FASCICULATION][FASC_CLASS_COUNT], 1);
    assert_int_equal(r.confusion[FASC_CLASS_ECG][FASC_CLASS_ECG], 1);
    assert_int_equal(r.confusion[FASC_CLASS_COUNT][FASC_CLASS_FASCICULATION], 1);
}

/* Fasciculations at rest: true FPs inside true voluntary or movement
 * epochs (overlapping epochs merged) are left out; detected FPs inside true
 * voluntary epochs are counted per minute of them. */
static void figures_at_rest(void **state)
{
    (void)state;
    const fasc_event_row vol1 = {10.0, 30.0, 25.0, NULL, FASC_CLASS_VOLUNTARY, 0, 0};
    const fasc_event_row vol2 = {30.0, 20.0, 40.0, NULL, FASC_CLASS_VOLUNTARY, 0, 0};
    const fasc_event_row move = {70.0, 2.0, 71.0, NULL, FASC_CLASS_MOVEMENT, 0, 0};
    fasc_event_row trow[] = {vol2, fp(1.0, "ch1"), vol1, fp(20.0, "ch1"), fp(45.0, "ch1"),
                             fp(60.0, "ch1"), move, fp(71.0, "ch1"), fp(80.0, "ch1")};
    fasc_event_row drow[] = {fp(1.0, "ch1"), fp(20.0, "ch1"), fp(33.0, "ch1"), fp(71.0, "ch1"),
                             fp(80.0, "ch1"), fp(49.99, "ch1")};
    const fasc_event_table truth = {trow, 9, NULL}, det = {drow, 6, NULL};
    fasc_eval_config cfg;
    fasc_eval_config_default(&cfg);
    fasc_eval_result r;
    assert_int_equal(fasc_eval_compare(&truth, &det, &cfg, &r), FASC_OK);
    /* at rest: 1, 60 and 80 s (20 and 45 in the voluntary span 10-50 s, 71
     * in the movement); 1 and 80 found */
    assert_int_equal(r.rest.truth, 3);
    assert_int_equal(r.rest.matched, 2);
    assert_true(r.rest.sensitivity > 0.666 && r.rest.sensitivity < 0.667);
    /* 20, 33 and 49.99 s lie in the 40 s of true voluntary epochs */
    assert_int_equal(r.rest.in_voluntary, 3);
    assert_true(r.rest.voluntary_min > 0.6666 && r.rest.voluntary_min < 0.6667);
    assert_true(r.rest.in_voluntary_per_min > 4.49 && r.rest.in_voluntary_per_min < 4.51);
    /* without epochs everything is at rest, and no voluntary minute */
    const fasc_event_table plain = {trow + 3, 3, NULL};
    assert_int_equal(fasc_eval_compare(&plain, &det, &cfg, &r), FASC_OK);
    assert_int_equal(r.rest.truth, 3);
    assert_int_equal(r.rest.in_voluntary, 0);
    assert_true(r.rest.voluntary_min == 0.0 && r.rest.in_voluntary_per_min == 0.0);
}

/* Detections overlapping a true epoch of their own class beyond the one row
 * that matches it (a contraction's discharges) are covered: right for precision,
 * left out of the confusion's none row. A movement swing of 0.2 s is an
 * epoch (matched by overlap), a 0.01 s discharge is not. */
static void detections_inside_own_epochs_are_covered(void **state)
{
    (void)state;
    const fasc_event_row trow[] = {{10.0, 5.0, 12.5, NULL, FASC_CLASS_VOLUNTARY, 0, 0},
                                   {20.0, 0.2, 20.1, "ch2", FASC_CLASS_MOVEMENT, 0, 0}};
    fasc_event_row drow[] = {{10.0, 5.25, 12.5, NULL, FASC_CLASS_VOLUNTARY, 0, 0},
                             fp(11.0, "ch1"), fp(12.0, "ch5"), fp(14.0, "ch3"), /* inside */
                             fp(16.0, "ch1"),                                   /* after it */
                             fp(11.5, "ch1"),  /* an FP inside: not its class */
                             {20.125, 0.125, 20.19, NULL, FASC_CLASS_MOVEMENT, 0, 0},
                             /* a second epoch row reaching into it: its
                              * peak after the true epoch, its span over it */
                             {14.5, 1.0, 15.2, NULL, FASC_CLASS_VOLUNTARY, 0, 0}};
    for (int j = 1; j <= 4; j++)
        drow[j].cls = FASC_CLASS_VOLUNTARY;
    const fasc_event_table truth = {(fasc_event_row *)trow, 2, NULL}, det = {drow, 8, NULL};
    fasc_eval_config cfg;
    fasc_eval_config_default(&cfg);
    fasc_eval_result r;
    assert_int_equal(fasc_eval_compare(&truth, &det, &cfg, &r), FASC_OK);
    const fasc_eval_score *v = &r.by_class[FASC_CLASS_VOLUNTARY];
    assert_int_equal(v->detected, 6);
    assert_int_equal(v->matched, 1);
    assert_int_equal(v->covered, 4);
    assert_true(v->precision > 0.8333 && v->precision < 0.8334);
    assert_int_equal(r.by_class[FASC_CLASS_MOVEMENT].matched, 1);
    assert_int_equal(r.by_class[FASC_CLASS_FASCICULATION].covered, 0);
    assert_int_equal(r.inside_epoch[FASC_CLASS_VOLUNTARY], 4);
    assert_int_equal(r.confusion[FASC_CLASS_COUNT][FASC_CLASS_VOLUNTARY], 1);
    assert_int_equal(r.confusion[FASC_CLASS_COUNT][FASC_CLASS_FASCICULATION], 1);
    assert_int_equal(r.overall.covered, 4);
    /* with epochs from 0.5 s only, the 0.2 s swing and the 0.125 s
     * detection must meet within the peak tolerance, and do not */
    cfg.epoch_min_s = 0.5;
    assert_int_equal(fasc_eval_compare(&truth, &det, &cfg, &r), FASC_OK);
    assert_int_equal(r.by_class[FASC_CLASS_MOVEMENT].matched, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_a_truth_table),
        cmocka_unit_test(columns_found_by_name),
        cmocka_unit_test(malformed_tables_rejected),
        cmocka_unit_test(matching_rules),
        cmocka_unit_test(epochs_match_by_overlap),
        cmocka_unit_test(per_class_scores_and_confusion),
        cmocka_unit_test(figures_at_rest),
        cmocka_unit_test(detections_inside_own_epochs_are_covered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
