/* The composed detector on short fasc-synth recordings with every
 * interference on (--all-artefacts), 8 channels, 20 dB, two seeds: ECG
 * beats recognised, no fasciculation counted inside voluntary epochs, and
 * none on recordings that hold no fasciculations; fasciculation precision
 * and the share of scorable FPs found are checked against floors that
 * guard today's figures (bench_classifier_accuracy prints the full table
 * against the targets over 10-minute recordings). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fasc_pipeline.h"

static const double seconds = 180.0;

static void with_fasciculations(void **state)
{
    (void)state;
    fp_score sum = {0};
    for (int seed = 11; seed <= 12; seed++) {
        fasc_synth_config s;
        fp_all_artefacts(&s, seed, 20.0, 6);
        fp_result res;
        fp_score sc;
        assert_int_equal(fp_run(&s, seconds, &res), 0);
        assert_int_equal(fp_evaluate(&res, 0.005, &sc), 0);
        print_message("seed %d: FPs %zu found %zu matched %zu (scorable %zu/%zu), ECG %zu/%zu,"
                      " FPs in voluntary %zu over %.2f min, units %d found %d\n",
                      seed, sc.fp_true, sc.fp_found, sc.fp_matched, sc.fp_matched_scorable,
                      sc.fp_true_scorable, sc.ecg_matched, sc.ecg_true, sc.fp_in_voluntary,
                      sc.voluntary_min, res.true_units, res.found_units);
        fp_score_add(&sum, &sc);
        fp_free(&res);
    }
    assert_true(sum.ecg_true > 100);
    assert_true((double)sum.ecg_matched >= 0.95 * (double)sum.ecg_true);
    assert_true(sum.voluntary_min > 0.5);
    assert_true((double)sum.fp_in_voluntary <= 1.0 * sum.voluntary_min);
    assert_true((double)sum.fp_matched >= 0.85 * (double)sum.fp_found);
    assert_true((double)sum.fp_matched_scorable >= 0.65 * (double)sum.fp_true_scorable);
}

static void without_fasciculations(void **state)
{
    (void)state;
    size_t false_fp = 0;
    double minutes = 0.0;
    for (int seed = 21; seed <= 22; seed++) {
        fasc_synth_config s;
        fp_all_artefacts(&s, seed, 20.0, 0);
        fp_result res;
        assert_int_equal(fp_run(&s, seconds, &res), 0);
        size_t ecg = 0;
        for (size_t j = 0; j < res.found.n; j++) {
            false_fp += res.found.r[j].cls == FASC_CLASS_FASCICULATION;
            ecg += res.found.r[j].cls == FASC_CLASS_ECG;
        }
        assert_true(ecg > 100); /* the interference is there and recognised */
        minutes += res.seconds / 60.0;
        fp_free(&res);
    }
    print_message("false fasciculations: %zu in %.1f min\n", false_fp, minutes);
    assert_true((double)false_fp <= 0.5 * minutes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(with_fasciculations),
        cmocka_unit_test(without_fasciculations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
