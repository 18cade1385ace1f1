/* Accuracy of the composed detector (filter bank -> detector -> classifier)
 * on fasc-synth recordings with every interference on (--all-artefacts:
 * 50 Hz mains, ECG, voluntary epochs, movement, pops, wander), 8 channels
 * on a line (FASC_SYNTH below sets others), 10 minutes, 20 dB:
 * fasciculation sensitivity and precision (peaks within 5 ms, same or
 * neighbouring channel, one-to-one, as fasc-eval), ECG beat sensitivity,
 * FPs counted inside voluntary epochs per minute, distinct units against
 * the truth, the class confusion matrix;
 * then false fasciculations per minute on recordings without any. Also
 * the scorable sensitivity within 20 ms: how many misses are discharges
 * timed on another phase of their potential rather than not detected.
 * Usage: bench_classifier_accuracy [minutes] [seeds] [snr_db] [first_seed]
 * [passes] (defaults 10 3 20 1 1; seeds 1-3 were used while developing;
 * passes 2: each recording is fed twice with fasc_restart() between, as
 * fasc-score does, and the second pass is scored). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench_settings.h"
#include "../../tests/classifier/fasc_pipeline.h"

/* FASC_SET="common_median=0,remove_ecg=1,threshold=4.5" changes the
 * defaults, for sweeps (also common_median_band, confirm_threshold,
 * noise_window_s, unit_match, unit_pre_s, unit_post_s, epoch_margin_s). */
static void tweak(fasc_config *cfg)
{
    const char *set = getenv("FASC_SET");
    char name[64];
    double value;
    while (bench_setting_next(&set, name, &value)) {
        if (!strcmp(name, "common_median")) cfg->detector.common_median = value != 0;
        else if (!strcmp(name, "remove_ecg")) cfg->remove_ecg = value != 0;
        else if (!strcmp(name, "common_median_band")) cfg->detector.common_median_band = value;
        else if (!strcmp(name, "threshold")) cfg->detector.threshold = value;
        else if (!strcmp(name, "snippet_pre_s")) cfg->detector.snippet_pre_s = value;
        else if (!strcmp(name, "confirm_threshold")) cfg->detector.confirm_threshold = value;
        else if (!strcmp(name, "noise_window_s")) cfg->detector.noise_window_s = value;
        else if (!strcmp(name, "unit_match")) cfg->classifier.unit_match = value;
        else if (!strcmp(name, "unit_pre_s")) cfg->classifier.unit_pre_s = value;
        else if (!strcmp(name, "unit_post_s")) cfg->classifier.unit_post_s = value;
        else if (!strcmp(name, "unit_min_discharges")) cfg->classifier.unit_min_discharges = (int)value;
        else if (!strcmp(name, "epoch_margin_s")) cfg->classifier.epoch_margin_s = value;
        else if (!strcmp(name, "artefact_margin_s")) cfg->classifier.artefact_margin_s = value;
        else fprintf(stderr, "FASC_SET: unknown %s\n", name);
    }
}

/* FASC_SYNTH="ecg=0,voluntary=0" switches interferences off, to see which
 * one costs what (also mains_hz, movement, pops, wander); rate=4000 sets
 * the sample rate (Hz), channels=16 the number of leads in the line. */
static void synth_tweak(fasc_synth_config *s)
{
    const char *set = getenv("FASC_SYNTH");
    char name[64];
    double value;
    while (bench_setting_next(&set, name, &value)) {
        if (!strcmp(name, "mains_hz")) s->mains_hz = value;
        else if (!strcmp(name, "ecg")) s->ecg = value != 0;
        else if (!strcmp(name, "voluntary")) s->voluntary = value != 0;
        else if (!strcmp(name, "movement")) s->movement = value != 0;
        else if (!strcmp(name, "pops")) s->pops = value != 0;
        else if (!strcmp(name, "wander")) s->wander = value != 0;
        else if (!strcmp(name, "rate")) s->sample_rate = value;
        else if (!strcmp(name, "channels")) s->channels = (int)value;
        else fprintf(stderr, "FASC_SYNTH: unknown %s\n", name);
    }
}

static size_t per_class[FASC_CLASS_COUNT][4]; /* truth, detected, matched, covered */
static size_t inside_epoch[FASC_CLASS_COUNT];

static void add_confusion(const fp_result *res, size_t conf[FASC_CLASS_COUNT + 1][FASC_CLASS_COUNT + 1])
{
    fasc_event_table t = {res->truth.r, res->truth.n, NULL};
    fasc_event_table d = {res->found.r, res->found.n, NULL};
    fasc_eval_config ec;
    fasc_eval_config_default(&ec);
    ec.tolerance_s = 0.005;
    fasc_eval_result er;
    if (fasc_eval_compare(&t, &d, &ec, &er) != FASC_OK)
        return;
    for (int i = 0; i <= FASC_CLASS_COUNT; i++)
        for (int j = 0; j <= FASC_CLASS_COUNT; j++)
            conf[i][j] += er.confusion[i][j];
    for (int i = 0; i < FASC_CLASS_COUNT; i++) {
        per_class[i][0] += er.by_class[i].truth;
        per_class[i][1] += er.by_class[i].detected;
        per_class[i][2] += er.by_class[i].matched;
        per_class[i][3] += er.by_class[i].covered;
        inside_epoch[i] += er.inside_epoch[i];
    }
}

/* FASC_BENCH_DUMP=PREFIX writes PREFIX-SEED.truth.tsv and .found.tsv, and
 * PREFIX-none-SEED.* for the recordings without fasciculations (whose
 * seeds, 100 + k, are those of other recordings with them) */
static void dump(const fp_result *res, const char *kind, int seed)
{
    const char *prefix = getenv("FASC_BENCH_DUMP");
    if (!prefix)
        return;
    const fp_rows *sets[2] = {&res->truth, &res->found};
    const char *names[2] = {"truth", "found"};
    for (int k = 0; k < 2; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s-%s%d.%s.tsv", prefix, kind, seed, names[k]);
        FILE *f = fopen(path, "w");
        if (!f)
            continue;
        fasc_events_tsv_write_header(f);
        for (size_t i = 0; i < sets[k]->n; i++)
            fasc_events_tsv_write_row(f, &sets[k]->r[i]);
        fclose(f);
    }
}

static const char *name(int c)
{
    return c < FASC_CLASS_COUNT ? fasc_class_name((fasc_class)c) : "none";
}

int main(int argc, char **argv)
{
    fp_tweak = tweak;

    const double minutes = argc > 1 ? atof(argv[1]) : 10.0;
    const int seeds = argc > 2 ? atoi(argv[2]) : 3;
    const double snr = argc > 3 ? atof(argv[3]) : 20.0;
    const int first = argc > 4 ? atoi(argv[4]) : 1;
    fp_passes = argc > 5 && atoi(argv[5]) == 2 ? 2 : 1;
    static size_t conf[FASC_CLASS_COUNT + 1][FASC_CLASS_COUNT + 1];
    fasc_synth_config shown;
    fp_all_artefacts(&shown, first, snr, 10);
    synth_tweak(&shown);
    printf("composed detector on fasc-synth --all-artefacts: %d channels, %.0f min, %.0f dB, %s\n",
           shown.channels, minutes, snr, fp_passes == 2 ? "two passes (fasc_restart)" : "one pass");
    printf("%-6s %5s %6s %6s %8s %10s %9s %8s %8s %9s %6s %6s %6s\n", "seed", "units", "FPs",
           "found", "sens", "sens(rest)", "precision", "ECG sens", "FP/vmin", "units", "ident",
           "found", "ARI");
    fp_score sum = {0};
    int units_close = 0; /* recordings whose unit count is within 1 of the truth */
    int ident_close = 0; /* ... of the truth's identifiable units */
    double ari_sum = 0.0; /* the recordings' adjusted Rand indices of units */
    int ari_n = 0;
    fasc_classifier_config cc;
    fasc_classifier_config_default(&cc);
    const int unit_min = cc.unit_min_discharges;
    for (int k = first; k < first + seeds; k++) {
        fasc_synth_config s;
        fp_all_artefacts(&s, k, snr, k % 2 ? 6 : 10);
        synth_tweak(&s);
        fp_result res;
        fp_score sc;
        if (fp_run(&s, minutes * 60.0, &res) || fp_evaluate(&res, 0.005, &sc)) {
            fprintf(stderr, "bench_classifier_accuracy: seed %d failed\n", k);
            return 1;
        }
        add_confusion(&res, conf);
        dump(&res, "", k);
        printf("%-6d %5d %6zu %6zu %8.3f %10.3f %9.3f %8.3f %8.2f %9d %6d %6d %6.3f\n", k, s.units,
               sc.fp_true, sc.fp_found, (double)sc.fp_matched / (double)sc.fp_true,
               (double)sc.fp_matched_scorable / (double)sc.fp_true_scorable,
               sc.fp_found ? (double)sc.fp_matched / (double)sc.fp_found : 0.0,
               sc.ecg_true ? (double)sc.ecg_matched / (double)sc.ecg_true : 0.0,
               sc.voluntary_min > 0 ? sc.fp_in_voluntary / sc.voluntary_min : 0.0,
               res.true_units, sc.identifiable_units, res.found_units, sc.unit_ari);
        fp_score_add(&sum, &sc);
        if (!isnan(sc.unit_ari)) {
            ari_sum += sc.unit_ari;
            ari_n++;
        }
        units_close += abs(res.found_units - res.true_units) <= 1;
        ident_close += abs(res.found_units - sc.identifiable_units) <= 1;
        fp_free(&res);
    }
    printf("%-6s %5s %6zu %6zu %8.3f %10.3f %9.3f %8.3f %8.2f\n", "all", "", sum.fp_true,
           sum.fp_found, (double)sum.fp_matched / (double)sum.fp_true,
           (double)sum.fp_matched_scorable / (double)sum.fp_true_scorable,
           sum.fp_found ? (double)sum.fp_matched / (double)sum.fp_found : 0.0,
           sum.ecg_true ? (double)sum.ecg_matched / (double)sum.ecg_true : 0.0,
           sum.voluntary_min > 0 ? sum.fp_in_voluntary / sum.voluntary_min : 0.0);
    printf("sens(rest) within %.0f ms instead of 5: %.3f (%zu of the %zu scorable misses have a\n"
           " fasciculation found 5-%.0f ms away instead: units timed on another phase)\n",
           1000.0 * fp_phase_tolerance_s,
           (double)sum.fp_matched_scorable_phase / (double)sum.fp_true_scorable,
           sum.fp_matched_scorable_phase - sum.fp_matched_scorable,
           sum.fp_true_scorable - sum.fp_matched_scorable, 1000.0 * fp_phase_tolerance_s);
    printf("units within +-1 of the truth on %d of %d recordings\n", units_close, seeds);
    printf("units within +-1 of the identifiable ones (ident: true units with >= %d scorable\n"
           " discharges, the fewest a unit is counted from) on %d of %d recordings\n",
           unit_min, ident_close, seeds);
    printf("units' agreement with the truth over the matched FPs (ARI: adjusted Rand index,\n"
           " 1 the same partition, 0 chance): mean %.4f over %d recordings\n",
           ari_n ? ari_sum / ari_n : 0.0, ari_n);
    printf("targets: sens >= 0.90, precision >= 0.90, ECG sens >= 0.95, FP/vmin <= 1,"
           " units within +-1\n");
    printf("sens(rest): true FPs outside voluntary and movement epochs, the scorable ones\n\n");
    printf("confusion of class-blind matching (rows: truth, columns: detected; epochs match by overlap)\n%-14s",
           "");
    for (int j = 0; j <= FASC_CLASS_COUNT; j++)
        printf(" %13s", name(j));
    printf("\n");
    for (int i = 0; i <= FASC_CLASS_COUNT; i++) {
        printf("%-14s", name(i));
        for (int j = 0; j <= FASC_CLASS_COUNT; j++)
            printf(" %13zu", conf[i][j]);
        printf("\n");
    }
    printf("%-14s", "in own epoch");
    for (int j = 0; j < FASC_CLASS_COUNT; j++)
        printf(" %13zu", inside_epoch[j]);
    printf("\n(in own epoch: unmatched detections overlapping a true epoch of their class, as\n"
           " a contraction's discharges; not counted as none)\n");
    printf("\nper class (matching within each class; epochs by overlap)\n%-14s %8s %8s %8s %8s %12s %10s\n",
           "class", "true", "found", "matched", "covered", "sensitivity", "precision");
    for (int i = 0; i < FASC_CLASS_COUNT; i++)
        printf("%-14s %8zu %8zu %8zu %8zu %12.3f %10.3f\n", name(i), per_class[i][0],
               per_class[i][1], per_class[i][2], per_class[i][3],
               per_class[i][0] ? (double)per_class[i][2] / per_class[i][0] : 0.0,
               per_class[i][1] ? (double)(per_class[i][2] + per_class[i][3]) / per_class[i][1]
                               : 0.0);
    printf("(epochs: rows of 0.1 s or more. covered: detections overlapping a true epoch of their\n"
           " class beyond the one that matches it; precision = (matched + covered) / found)\n");
    printf("\nfalse fasciculations on recordings without any (voluntary, ECG, artefacts only)\n");
    double fp = 0, mins = 0;
    for (int k = first; k < first + seeds; k++) {
        fasc_synth_config s;
        fp_all_artefacts(&s, 100 + k, snr, 0);
        synth_tweak(&s);
        fp_result res;
        if (fp_run(&s, minutes * 60.0, &res)) {
            fprintf(stderr, "bench_classifier_accuracy: seed %d failed\n", 100 + k);
            return 1;
        }
        dump(&res, "none-", 100 + k);
        size_t n = 0;
        for (size_t j = 0; j < res.found.n; j++)
            n += res.found.r[j].cls == FASC_CLASS_FASCICULATION;
        printf("seed %d: %zu false fasciculations, %.2f per minute\n", 100 + k, n,
               n / (res.seconds / 60.0));
        fp += (double)n;
        mins += res.seconds / 60.0;
        fp_free(&res);
    }
    printf("all: %.2f per minute (target <= 0.5)\n", fp / mins);
    return 0;
}
