/* fasc-eval: compare detected events with labels (truth or expert marks). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fasc/eval.h"

static const char usage[] =
    "usage: fasc-eval [options] TRUTH.tsv EVENTS.tsv\n"
    "Matches detected events to labelled ones: same class, peak times within the\n"
    "tolerance, same or neighbouring channel, one to one; epochs (rows of 0.1 s\n"
    "or more) match when they overlap, and further detections overlapping a true\n"
    "epoch of their class are covered, not spurious. Prints sensitivity,\n"
    "precision and F1 per class and overall, the fasciculations at rest (outside\n"
    "the truth's voluntary and movement epochs, as clinical counts exclude them)\n"
    "and those detected inside its voluntary epochs, and the confusion matrix of\n"
    "the class-blind matching.\n"
    "  -t, --tolerance-ms MS   peak-time tolerance (default 10)\n"
    "  -n, --neighbours N      electrodes apart that still match (default 1)\n"
    "      --grid RxC          electrodes on a grid, numbered row by row\n"
    "      --json              print JSON instead of tables\n"
    "  -h, --help\n";

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "fasc-eval: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, " (see --help)\n");
    return 2;
}

static cJSON *score_json(const fasc_eval_score *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "truth", (double)s->truth);
    cJSON_AddNumberToObject(o, "detected", (double)s->detected);
    cJSON_AddNumberToObject(o, "matched", (double)s->matched);
    cJSON_AddNumberToObject(o, "covered", (double)s->covered);
    cJSON_AddNumberToObject(o, "sensitivity", s->sensitivity);
    cJSON_AddNumberToObject(o, "precision", s->precision);
    cJSON_AddNumberToObject(o, "f1", s->f1);
    return o;
}

static const char *row_name(int k)
{
    return k < FASC_CLASS_COUNT ? fasc_class_name((fasc_class)k) : "none";
}

static int print_json(const fasc_eval_result *r, const fasc_eval_config *cfg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "tolerance_ms", cfg->tolerance_s * 1000.0);
    cJSON_AddNumberToObject(root, "neighbour_distance", cfg->neighbour_distance);
    cJSON *classes = cJSON_AddObjectToObject(root, "classes");
    for (int k = 0; k < FASC_CLASS_COUNT; k++)
        if (r->by_class[k].truth || r->by_class[k].detected)
            cJSON_AddItemToObject(classes, fasc_class_name((fasc_class)k), score_json(&r->by_class[k]));
    cJSON_AddItemToObject(root, "overall", score_json(&r->overall));
    const fasc_eval_rest *rest = &r->rest;
    cJSON *at_rest = cJSON_AddObjectToObject(root, "fasciculation_at_rest");
    cJSON_AddNumberToObject(at_rest, "truth", (double)rest->truth);
    cJSON_AddNumberToObject(at_rest, "matched", (double)rest->matched);
    cJSON_AddNumberToObject(at_rest, "sensitivity", rest->sensitivity);
    cJSON_AddNumberToObject(at_rest, "in_voluntary", (double)rest->in_voluntary);
    cJSON_AddNumberToObject(at_rest, "voluntary_min", rest->voluntary_min);
    cJSON_AddNumberToObject(at_rest, "in_voluntary_per_min", rest->in_voluntary_per_min);
    cJSON *conf = cJSON_AddObjectToObject(root, "confusion");
    for (int t = 0; t <= FASC_CLASS_COUNT; t++) {
        cJSON *row = cJSON_AddObjectToObject(conf, row_name(t));
        for (int d = 0; d <= FASC_CLASS_COUNT; d++)
            cJSON_AddNumberToObject(row, row_name(d), (double)r->confusion[t][d]);
    }
    cJSON *own = cJSON_AddObjectToObject(root, "inside_own_epoch");
    for (int d = 0; d < FASC_CLASS_COUNT; d++)
        cJSON_AddNumberToObject(own, row_name(d), (double)r->inside_epoch[d]);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) {
        fprintf(stderr, "fasc-eval: out of memory\n");
        return 1;
    }
    const int ok = puts(text) >= 0;
    free(text);
    return ok ? 0 : 1;
}

static void print_row(const char *name, const fasc_eval_score *s)
{
    printf("%-14s %7zu %9zu %8zu %8zu %12.3f %10.3f %7.3f\n", name, s->truth, s->detected,
           s->matched, s->covered, s->sensitivity, s->precision, s->f1);
}

static void print_tables(const fasc_eval_result *r, const fasc_eval_config *cfg)
{
    printf("matching: peak within %.1f ms, channels at most %d apart, one to one\n\n",
           cfg->tolerance_s * 1000.0, cfg->neighbour_distance);
    printf("%-14s %7s %9s %8s %8s %12s %10s %7s\n", "class", "truth", "detected", "matched",
           "covered", "sensitivity", "precision", "F1");
    for (int k = 0; k < FASC_CLASS_COUNT; k++)
        if (r->by_class[k].truth || r->by_class[k].detected)
            print_row(fasc_class_name((fasc_class)k), &r->by_class[k]);
    print_row("overall", &r->overall);
    const fasc_eval_rest *rest = &r->rest;
    printf("\nfasciculations at rest (outside true voluntary and movement epochs): %zu true,"
           " %zu matched, sensitivity %.3f\n", rest->truth, rest->matched, rest->sensitivity);
    printf("fasciculations detected inside true voluntary epochs: %zu in %.2f min (%.2f per"
           " min)\n", rest->in_voluntary, rest->voluntary_min, rest->in_voluntary_per_min);
    printf("\nconfusion (rows: truth, columns: detected; none = missed / spurious)\n%-14s", "");
    for (int d = 0; d <= FASC_CLASS_COUNT; d++)
        printf(" %13s", row_name(d));
    printf("\n");
    for (int t = 0; t <= FASC_CLASS_COUNT; t++) {
        printf("%-14s", row_name(t));
        for (int d = 0; d <= FASC_CLASS_COUNT; d++)
            printf(" %13zu", r->confusion[t][d]);
        printf("\n");
    }
    printf("%-14s", "in own epoch");
    for (int d = 0; d < FASC_CLASS_COUNT; d++)
        printf(" %13zu", r->inside_epoch[d]);
    printf("\n\ncovered / in own epoch: unmatched detections overlapping a true epoch of their class\n"
           "(a contraction's discharges, a heartbeat's candidates); precision counts them as\n"
           "right, the confusion's none row leaves them out\n");
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"tolerance-ms", required_argument, 0, 't'}, {"neighbours", required_argument, 0, 'n'},
        {"grid", required_argument, 0, 'g'}, {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    fasc_eval_config cfg;
    fasc_eval_config_default(&cfg);
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "t:n:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 't': {
            errno = 0;
            const double ms = strtod(optarg, &end);
            if (errno || *end || end == optarg || !(ms >= 0.0 && ms <= 10000.0))
                return usage_error("--tolerance-ms must be 0-10000, not '%s'", optarg);
            cfg.tolerance_s = ms / 1000.0;
            break;
        }
        case 'n': {
            errno = 0;
            const long n = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || n < 0 || n > 256)
                return usage_error("--neighbours must be 0-256, not '%s'", optarg);
            cfg.neighbour_distance = (int)n;
            break;
        }
        case 'g': {
            int rows, cols;
            char tail;
            if (sscanf(optarg, "%dx%d%c", &rows, &cols, &tail) != 2 || rows < 1 || cols < 1 || rows * cols > 4096)
                return usage_error("--grid must be RxC, not '%s'", optarg);
            cfg.grid_cols = cols;
            break;
        }
        case 'j': json = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default:
            return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return usage_error("%s", "needs exactly two files: TRUTH.tsv EVENTS.tsv");
    fasc_event_table truth, detected;
    char err[512];
    if (fasc_event_table_read(argv[optind], &truth, err, sizeof err) != FASC_OK) {
        fprintf(stderr, "fasc-eval: %s\n", err);
        return 1;
    }
    if (fasc_event_table_read(argv[optind + 1], &detected, err, sizeof err) != FASC_OK) {
        fprintf(stderr, "fasc-eval: %s\n", err);
        fasc_event_table_free(&truth);
        return 1;
    }
    fasc_eval_result result;
    int rc = fasc_eval_compare(&truth, &detected, &cfg, &result);
    if (rc != FASC_OK) {
        fprintf(stderr, "fasc-eval: comparison failed: %s\n", fasc_strerror(rc));
        rc = 1;
    } else if (json) {
        rc = print_json(&result, &cfg);
    } else {
        print_tables(&result, &cfg);
        rc = 0;
    }
    fasc_event_table_free(&truth);
    fasc_event_table_free(&detected);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "fasc-eval: cannot write the output: %s\n", strerror(errno));
        return 1;
    }
    return rc;
}
