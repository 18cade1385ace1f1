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
#include <string.h>

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
    assert_true((double)sum.fp_matched_scorable >= 0.75 * (double)sum.fp_true_scorable);
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

/* One pass with ECG removal on or off, in blocks of `block` samples;
 * returns the events (non-epoch ones only) in *out. */
static size_t run_removal(const fasc_synth_config *s, bool remove, size_t block, fasc_event *out,
                          size_t cap)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = s->channels;
    cfg.remove_ecg = remove;
    cfg.detector.common_median = false; /* which would hide the beats too */
    fasc_synth *sy = NULL;
    fasc *f = NULL;
    assert_int_equal(fasc_synth_create(s, &sy), FASC_OK);
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    const size_t total = (size_t)(60.0 * s->sample_rate);
    float *buf = malloc(sizeof(float) * total * (size_t)s->channels);
    float *ptr[8];
    assert_non_null(buf);
    for (int c = 0; c < s->channels; c++)
        ptr[c] = buf + (size_t)c * total;
    assert_int_equal(fasc_synth_generate(sy, ptr, total, NULL, NULL), FASC_OK);
    size_t n = 0;
    fasc_event ev;
    const float *in[8];
    for (size_t done = 0; done < total; done += block) {
        const size_t len = total - done < block ? total - done : block;
        for (int c = 0; c < s->channels; c++)
            in[c] = ptr[c] + done;
        assert_int_equal(fasc_process(f, in, len), FASC_OK);
        while (fasc_next(f, &ev, NULL, 0) == 1)
            if (!ev.epoch && n < cap)
                out[n++] = ev;
    }
    assert_int_equal(fasc_flush(f), FASC_OK);
    while (fasc_next(f, &ev, NULL, 0) == 1)
        if (!ev.epoch && n < cap)
            out[n++] = ev;
    free(buf);
    fasc_destroy(&f);
    fasc_synth_destroy(&sy);
    return n;
}

/* ECG removal (fasc_config.remove_ecg): heartbeats no longer reach the
 * detector as candidates, and the events do not depend on block sizes. */
static void ecg_removal(void **state)
{
    (void)state;
    fasc_synth_config s;
    fasc_synth_config_default(&s);
    s.channels = 8;
    s.seed = 23;
    s.snr_db = 20.0;
    s.units = 0;
    s.ecg = true;
    enum { CAP = 4096 };
    fasc_event *a = malloc(sizeof *a * CAP), *b = malloc(sizeof *b * CAP);
    assert_true(a && b);
    const size_t kept = run_removal(&s, false, 2048, a, CAP);
    size_t ecg_kept = 0;
    for (size_t i = 0; i < kept; i++)
        ecg_kept += a[i].cls == FASC_CLASS_ECG;
    const size_t removed = run_removal(&s, true, 2048, a, CAP);
    size_t ecg_removed = 0;
    for (size_t i = 0; i < removed; i++)
        ecg_removed += a[i].cls == FASC_CLASS_ECG;
    print_message("ECG candidates in 60 s: %zu without removal, %zu with\n", ecg_kept, ecg_removed);
    assert_true(ecg_kept > 20);
    assert_true(4 * ecg_removed < ecg_kept);
    const size_t again = run_removal(&s, true, 333, b, CAP);
    assert_int_equal(again, removed);
    for (size_t i = 0; i < removed; i++) {
        assert_int_equal(a[i].peak, b[i].peak);
        assert_int_equal(a[i].channel, b[i].channel);
        assert_int_equal(a[i].cls, b[i].cls);
        assert_memory_equal(&a[i].peak_to_peak_uv, &b[i].peak_to_peak_uv, sizeof(float));
    }
    free(a);
    free(b);
}

/* Seed 96 (10 units) has an electrode pop of 1.9 mV on ch6 75.8 s in, in
 * the middle of a voluntary contraction. Its tail once entered the
 * detector's wavelet noise factors there, whose memory is a minute: the
 * factors overstated the channel's noise-free scale, and noise peaks
 * passed as discharges for four minutes (391 false FPs in ten minutes,
 * precision 0.28). Windows far above the noise no longer enter them. */
static void pop_in_contraction_leaves_no_false_train(void **state)
{
    (void)state;
    fasc_synth_config s;
    fp_all_artefacts(&s, 96, 20.0, 10);
    fp_result res;
    fp_score sc;
    assert_int_equal(fp_run(&s, seconds, &res), 0);
    assert_int_equal(fp_evaluate(&res, 0.005, &sc), 0);
    size_t on_ch6 = 0;
    for (size_t j = 0; j < res.found.n; j++)
        on_ch6 += res.found.r[j].cls == FASC_CLASS_FASCICULATION &&
                  res.found.r[j].peak_s > 78.0 && res.found.r[j].channel &&
                  strcmp(res.found.r[j].channel, "ch6") == 0;
    size_t true_ch6 = 0;
    for (size_t i = 0; i < res.truth.n; i++)
        true_ch6 += res.truth.r[i].cls == FASC_CLASS_FASCICULATION &&
                    res.truth.r[i].peak_s > 78.0 && res.truth.r[i].channel &&
                    strcmp(res.truth.r[i].channel, "ch6") == 0;
    print_message("seed 96: FPs %zu found %zu matched %zu; after the pop on ch6: %zu true, %zu"
                  " found\n", sc.fp_true, sc.fp_found, sc.fp_matched, true_ch6, on_ch6);
    assert_true((double)sc.fp_matched >= 0.85 * (double)sc.fp_found);
    assert_true(on_ch6 <= true_ch6 + 5);
    fp_free(&res);
}

/* Seed 196 (10 units): 327 s in, a movement swing of 1.9 mV was taken for a
 * beat and raised the typical beat level so far that no real beat passed
 * the threshold again, which rises only with accepted beats: no beat was
 * found after it (ECG sensitivity 0.54 in one pass, 0 in two). One beat
 * now raises the level at most as one four times the typical would, and
 * the level halves when a beat is 8 s overdue. */
static void artefact_beat_does_not_stop_beat_detection(void **state)
{
    (void)state;
    fasc_synth_config s;
    fp_all_artefacts(&s, 196, 20.0, 10);
    fp_result res;
    assert_int_equal(fp_run(&s, 400.0, &res), 0);
    size_t truth = 0, found = 0;
    for (size_t i = 0; i < res.truth.n; i++)
        truth += res.truth.r[i].cls == FASC_CLASS_ECG && res.truth.r[i].peak_s > 340.0 &&
                 res.truth.r[i].peak_s < 395.0;
    for (size_t j = 0; j < res.found.n; j++)
        found += res.found.r[j].cls == FASC_CLASS_ECG && res.found.r[j].duration_s >= 0.5 &&
                 res.found.r[j].peak_s > 340.0 && res.found.r[j].peak_s < 395.0;
    print_message("seed 196, 340-395 s: %zu beats, %zu found\n", truth, found);
    assert_true(truth > 40);
    assert_true((double)found >= 0.9 * (double)truth);
    fp_free(&res);
}

/* A discharge that rides on a QRS complex is compared with its unit as
 * one at rest is: the common median takes off the heartbeat only in part
 * on a lead where the beat is larger or smaller than on most (seed 53 of
 * the benchmark: 3 and 4 discharges of one unit near beats made two units
 * of their own). ECG and units only, each unit firing often enough that
 * several of its discharges land within 40 ms of an R wave: the count of
 * units is right, and at most one in five of the discharges near a beat
 * lies outside the found unit that holds most of its unit's discharges
 * (one in twenty-five elsewhere). */
static void discharges_riding_beats_join_their_unit(void **state)
{
    (void)state;
    size_t near = 0, apart = 0, far = 0, far_apart = 0;
    int units_off = 0;
    for (int seed = 41; seed <= 43; seed++) {
        fasc_synth_config s;
        fasc_synth_config_default(&s);
        s.channels = 8;
        s.seed = (uint64_t)seed;
        s.snr_db = 20.0;
        s.units = 3;
        s.fasc_per_min = 90.0;
        s.ecg = true;
        fp_result res;
        assert_int_equal(fp_run(&s, 150.0, &res), 0);
        /* each found fasciculation's true unit (a true FP within 5 ms) */
        enum { MAXU = 64 };
        static int tally[4][MAXU + 1];
        memset(tally, 0, sizeof tally);
        for (size_t j = 0; j < res.found.n; j++) {
            const fasc_event_row *f = &res.found.r[j];
            if (f->cls != FASC_CLASS_FASCICULATION || f->unit < 1 || f->unit > MAXU)
                continue;
            for (size_t i = 0; i < res.truth.n; i++) {
                const fasc_event_row *t = &res.truth.r[i];
                if (t->cls == FASC_CLASS_FASCICULATION && t->unit >= 1 && t->unit <= 3 &&
                    fabs(t->peak_s - f->peak_s) <= 0.005)
                    tally[t->unit][f->unit]++;
            }
        }
        for (int u = 1; u <= 3; u++) {
            int own = 1;
            for (int k = 2; k <= MAXU; k++)
                own = tally[u][k] > tally[u][own] ? k : own;
            for (size_t j = 0; j < res.found.n; j++) {
                const fasc_event_row *f = &res.found.r[j];
                if (f->cls != FASC_CLASS_FASCICULATION || f->unit < 1)
                    continue;
                bool of_u = false, by_beat = false;
                for (size_t i = 0; i < res.truth.n; i++) {
                    const fasc_event_row *t = &res.truth.r[i];
                    of_u |= t->cls == FASC_CLASS_FASCICULATION && t->unit == u &&
                            fabs(t->peak_s - f->peak_s) <= 0.005;
                    by_beat |= t->cls == FASC_CLASS_ECG && fabs(t->peak_s - f->peak_s) <= 0.040;
                }
                if (of_u && by_beat) {
                    near++;
                    apart += f->unit != own;
                } else if (of_u) {
                    far++;
                    far_apart += f->unit != own;
                }
            }
        }
        units_off += abs(res.found_units - res.true_units);
        print_message("seed %d: units %d found %d; discharges within 40 ms of an R wave %zu,"
                      " outside their unit %zu; others %zu, outside %zu (seeds so far)\n",
                      seed, res.true_units, res.found_units, near, apart, far, far_apart);
        fp_free(&res);
    }
    /* today 8 of 69 near beats outside their unit, 24 of 595 elsewhere;
     * before: a fourth unit on each seed, and 20 of 69 near beats outside */
    assert_true(near >= 20);
    assert_int_equal(units_off, 0);
    assert_true(5 * apart <= near);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(with_fasciculations),
        cmocka_unit_test(without_fasciculations),
        cmocka_unit_test(ecg_removal),
        cmocka_unit_test(pop_in_contraction_leaves_no_false_train),
        cmocka_unit_test(artefact_beat_does_not_stop_beat_detection),
        cmocka_unit_test(discharges_riding_beats_join_their_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
