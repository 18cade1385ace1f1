#include "score_options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"

/* One tunable parameter of the composed detector's configuration. */
typedef enum { P_DOUBLE, P_INT, P_BOOL } param_kind;
typedef struct param {
    const char *name;
    param_kind kind;
    size_t offset; /* in fasc_config */
    const char *help;
    const char *path; /* the field as fasc_config_check() names it */
} param;

#define P(name, kind, field, help) {name, kind, offsetof(fasc_config, field), help, #field}
static const param params[] = {
    P("threshold", P_DOUBLE, detector.threshold, "detection level, Gaussian-equivalent z"),
    P("release", P_DOUBLE, detector.release, "hysteresis release level, z"),
    P("confirm-threshold", P_DOUBLE, detector.confirm_threshold, "wavelet confirmation z (0: off)"),
    P("dead-time", P_DOUBLE, detector.dead_time_s, "refractory time, s"),
    P("noise-window", P_DOUBLE, detector.noise_window_s, "noise MAD window, s"),
    P("group-window", P_DOUBLE, detector.group_window_s, "neighbour grouping window, s"),
    P("max-event", P_DOUBLE, detector.max_event_s, "longest event, s"),
    P("ceiling-sd", P_DOUBLE, detector.ceiling_sd, "artefact ceiling, noise sigma"),
    P("ceiling-uv", P_DOUBLE, detector.ceiling_uv, "absolute artefact ceiling, uV (0: off)"),
    P("shadow", P_DOUBLE, detector.shadow_s, "after-effect window, s (0: off)"),
    P("timing-highpass", P_DOUBLE, detector.timing_highpass_hz, "high-pass corner peaks are timed at, Hz (0: the filter bank's)"),
    P("common-median", P_BOOL, detector.common_median, "subtract the median across channels (0/1)"),
    P("common-median-band", P_DOUBLE, detector.common_median_band, "leave the median in place within this many of its noise sd (0: off)"),
    P("highpass", P_DOUBLE, filterbank.highpass_hz, "high-pass cutoff, Hz"),
    P("highpass-order", P_INT, filterbank.highpass_order, "high-pass order (0: off)"),
    P("lowpass", P_DOUBLE, filterbank.lowpass_hz, "low-pass cutoff, Hz"),
    P("lowpass-order", P_INT, filterbank.lowpass_order, "low-pass order (0: off)"),
    P("mains-harmonics", P_INT, filterbank.mains_harmonics, "notches at f0, 2 f0, ..."),
    P("notch-q", P_DOUBLE, filterbank.notch_q, "notch quality factor"),
    P("mains-decision", P_DOUBLE, filterbank.mains_decision_s, "mains auto analysis, s"),
    P("working-rate-max", P_DOUBLE, filterbank.working_rate_max, "decimate inputs faster than this, Hz"),
    P("block", P_DOUBLE, classifier.block_s, "segmentation block, s"),
    P("baseline", P_DOUBLE, classifier.baseline_s, "rest-level memory, s"),
    P("voluntary-ratio", P_DOUBLE, classifier.voluntary_ratio, "active above this x rest RMS"),
    P("voluntary-min", P_DOUBLE, classifier.voluntary_min_s, "shortest voluntary epoch, s"),
    P("voluntary-events", P_DOUBLE, classifier.voluntary_min_events_per_s, "candidate rate of firing units, /s"),
    P("epoch-margin", P_DOUBLE, classifier.epoch_margin_s, "widening of voluntary epochs, s"),
    P("artefact-margin", P_DOUBLE, classifier.artefact_margin_s, "widening of artefact epochs, s"),
    P("ecg", P_BOOL, classifier.ecg, "detect heartbeats (0/1)"),
    P("ecg-window", P_DOUBLE, classifier.ecg_window_s, "candidate-to-beat distance, s"),
    P("unit-match", P_DOUBLE, classifier.unit_match, "largest mismatch that joins a unit"),
    P("unit-min-discharges", P_INT, classifier.unit_min_discharges, "discharges that make a unit distinct"),
    P("unit-pre", P_DOUBLE, classifier.unit_pre_s, "unit template before the peak, s"),
    P("unit-post", P_DOUBLE, classifier.unit_post_s, "unit template after the peak, s"),
};
#undef P
enum { PARAM_COUNT = sizeof params / sizeof params[0] };

enum {
    OPT_UV = 1000, OPT_CHANNELS, OPT_MAINS, OPT_CONFIG, OPT_TABLE, OPT_EDF, OPT_NO_REPORT,
    OPT_GRID, OPT_PASSES, OPT_LEARN, OPT_PARAM_BASE = 1100
};

static int usage_error(const char *fmt, const char *a, const char *b)
{
    char text[512];
    snprintf(text, sizeof text, fmt, a, b);
    return cli_usage_error("fasc-score", "%s", text);
}

static void *field(fasc_config *cfg, const param *p)
{
    return (char *)cfg + p->offset;
}

static double param_value(const fasc_config *cfg, const param *p)
{
    const void *v = (const char *)cfg + p->offset;
    switch (p->kind) {
    case P_INT: return *(const int *)v;
    case P_BOOL: return *(const bool *)v;
    default: return *(const double *)v;
    }
}

/* Sets parameter p from text; 0 or -1 (not a number of its kind). */
static int set_param(fasc_config *cfg, const param *p, const char *text)
{
    double v;
    if (cli_parse_double(text, &v) != 0)
        return -1;
    if (p->kind == P_DOUBLE) {
        *(double *)field(cfg, p) = v;
    } else if (p->kind == P_INT) {
        if (v != floor(v) || fabs(v) > 1e6)
            return -1;
        *(int *)field(cfg, p) = (int)v;
    } else {
        if (v != 0.0 && v != 1.0)
            return -1;
        *(bool *)field(cfg, p) = v != 0.0;
    }
    return 0;
}

/* Replaces *slot by a copy of value; 0 or -1. */
static int set_text(char **slot, const char *value)
{
    char *d = strdup(value);
    if (!d)
        return -1;
    free(*slot);
    *slot = d;
    return 0;
}

static int set_grid(fasc_config *cfg, const char *v)
{
    int rows, cols;
    char tail;
    if (sscanf(v, "%dx%d%c", &rows, &cols, &tail) != 2 || rows < 1 || cols < 1 ||
        rows * cols > FASC_MAX_CHANNELS)
        return -1;
    cfg->geometry = FASC_GEOMETRY_GRID;
    cfg->grid_rows = rows;
    cfg->grid_cols = cols;
    return 0;
}

static double positive_or(const char *v, double bad)
{
    double x;
    return cli_parse_double(v, &x) == 0 && x > 0.0 ? x : bad;
}

/* A setting by name, from the config file or a flag. 0, -1 bad value,
 * -2 unknown name, -3 out of memory. */
static int apply(score_options *o, const char *key, const char *value)
{
    for (int i = 0; i < PARAM_COUNT; i++)
        if (strcmp(key, params[i].name) == 0)
            return set_param(&o->cfg, &params[i], value);
    if (strcmp(key, "mains") == 0)
        return cli_parse_mains(value, &o->cfg.mains);
    if (strcmp(key, "grid") == 0)
        return set_grid(&o->cfg, value);
    if (strcmp(key, "uv-per-unit") == 0)
        return (o->uv_per_unit = positive_or(value, -1.0)) > 0.0 ? 0 : -1;
    if (strcmp(key, "channels") == 0)
        return value[0] ? (set_text(&o->channels, value) ? -3 : 0) : -1;
    if (strcmp(key, "learn-minutes") == 0) {
        double m;
        return cli_parse_double(value, &m) == 0 && m >= 0.0 && m <= 1e6
                   ? (o->learn_minutes = m, 0) : -1;
    }
    if (strcmp(key, "passes") == 0) {
        const int n = strcmp(value, "1") == 0 ? 1 : strcmp(value, "2") == 0 ? 2 : 0;
        return n ? (o->passes = n, 0) : -1;
    }
    return -2;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* "key = value" lines; '#' starts a comment. 0 or 2 (reported). */
static int read_config(score_options *o, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "fasc-score: %s: cannot open the config file: %s\n", path, strerror(errno));
        return 2;
    }
    char line[1024];
    int number = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        number++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *text = trim(line);
        if (!*text)
            continue;
        char *eq = strchr(text, '=');
        if (!eq) {
            fprintf(stderr, "fasc-score: %s:%d: expected 'key = value'\n", path, number);
            rc = 2;
            break;
        }
        *eq = '\0';
        const char *key = trim(text), *value = trim(eq + 1);
        const int r = apply(o, key, value);
        if (r == -2)
            fprintf(stderr, "fasc-score: %s:%d: unknown setting '%s'\n", path, number, key);
        else if (r == -1)
            fprintf(stderr, "fasc-score: %s:%d: bad value '%s' for %s\n", path, number, value, key);
        else if (r == -3)
            fprintf(stderr, "fasc-score: out of memory\n");
        rc = r ? 2 : 0;
    }
    fclose(f);
    return rc;
}

static void print_help(const fasc_config *defaults)
{
    printf("usage: fasc-score [options] FILE...\n"
           "Scores surface-EMG recordings (WAV, W64, RF64, FLAC, AIFF, CAF, EDF, EDF+, BDF, BDF+)\n"
           "for fasciculation potentials. For each FILE writes, beside it or in -o DIR:\n"
           "  NAME.events.tsv    one row per event or excluded epoch (times in seconds)\n"
           "  NAME.events.json   the columns of the table, their meaning and units\n"
           "  NAME.summary.json  counts, rates, units, doublets, noise, mains, ECG, quality\n"
           "  NAME.report.svg    one-page picture: raster, excluded epochs, unit waveforms, rates\n"
           "  NAME.events.edf    with --edf-annotations: the events as EDF+ annotations\n"
           "Exit code: 0 all files scored, 1 some failed (one line each), 2 usage error.\n\n"
           "  -o, --output-dir DIR    where the outputs go (default: beside each input)\n"
           "  -j, --jobs N            files scored in parallel (default 1)\n"
           "      --table FILE        closing table across all files (TSV)\n"
           "      --uv-per-unit S     scale of integer samples (or of float files not in uV)\n"
           "      --channels SPEC     channels to score: numbers and ranges (1-8,12) or labels\n"
           "      --mains MODE        auto, 50, 60 or off (default auto)\n"
           "      --grid RxC          electrodes on a grid, row by row (default: a line)\n"
           "      --passes N          2: a learning pass over the first minutes of each file,\n"
           "                          then the file scored from its start with the unit,\n"
           "                          heartbeat and noise templates learnt (default);\n"
           "                          1: one pass, as fasc-stream does\n"
           "      --learn-minutes M   length of the learning pass at most (default 10;\n"
           "                          0: the whole file)\n"
           "      --config FILE       settings as 'key = value' lines (the long option names\n"
           "                          below and mains, grid, channels, uv-per-unit, passes,\n"
           "                          learn-minutes); flags win\n"
           "      --edf-annotations   also write NAME.events.edf\n"
           "      --no-report         skip the SVG report\n"
           "  -q, --quiet             no notes about the files\n"
           "  -h, --help\n\nDetector and classifier parameters (default in brackets):\n");
    for (int i = 0; i < PARAM_COUNT; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s X", params[i].name);
        printf("      %-24s%s [%g]\n", flag, params[i].help, param_value(defaults, &params[i]));
    }
}

/* The config file is read before the flags, wherever --config stands. */
static int find_config(int argc, char **argv, const char **path)
{
    *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--config") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s%s", "--config needs a file", "");
            *path = argv[++i];
        } else if (strncmp(argv[i], "--config=", 9) == 0) {
            *path = argv[i] + 9;
        }
    }
    return 0;
}

static int parse_flag(score_options *o, int c, const char *arg)
{
    switch (c) {
    case 'o': return set_text(&o->out_dir, arg) ? usage_error("%s%s", "out of memory", "") : 0;
    case OPT_TABLE: return set_text(&o->table, arg) ? usage_error("%s%s", "out of memory", "") : 0;
    case 'j': {
        double j;
        if (cli_parse_double(arg, &j) != 0 || j < 1 || j > 256 || j != floor(j))
            return usage_error("--jobs must be 1-256, not '%s'%s", arg, "");
        o->jobs = (int)j;
        return 0;
    }
    case OPT_EDF: o->edf_annotations = true; return 0;
    case OPT_NO_REPORT: o->report = false; return 0;
    case 'q': o->quiet = true; return 0;
    case OPT_CONFIG: return 0;
    case OPT_UV: return apply(o, "uv-per-unit", arg) ? usage_error("--uv-per-unit must be > 0, not '%s'%s", arg, "") : 0;
    case OPT_CHANNELS: return apply(o, "channels", arg) ? usage_error("bad --channels '%s'%s", arg, "") : 0;
    case OPT_MAINS: return apply(o, "mains", arg) ? usage_error("--mains must be auto, 50, 60 or off, not '%s'%s", arg, "") : 0;
    case OPT_GRID: return apply(o, "grid", arg) ? usage_error("--grid must be RxC, not '%s'%s", arg, "") : 0;
    case OPT_PASSES: return apply(o, "passes", arg) ? usage_error("--passes must be 1 or 2, not '%s'%s", arg, "") : 0;
    case OPT_LEARN: return apply(o, "learn-minutes", arg) ? usage_error("--learn-minutes must be a number >= 0, not '%s'%s", arg, "") : 0;
    default:
        if (c >= OPT_PARAM_BASE && c < OPT_PARAM_BASE + PARAM_COUNT) {
            const param *p = &params[c - OPT_PARAM_BASE];
            return set_param(&o->cfg, p, arg) ? usage_error("bad value '%s' for --%s", arg, p->name) : 0;
        }
        return 2;
    }
}

int score_options_parse(int argc, char **argv, score_options *o)
{
    memset(o, 0, sizeof *o);
    fasc_config_default(&o->cfg);
    o->jobs = 1;
    o->passes = 2;
    o->learn_minutes = 10.0;
    o->report = true;
    static const struct option fixed[] = {
        {"output-dir", required_argument, 0, 'o'}, {"jobs", required_argument, 0, 'j'},
        {"table", required_argument, 0, OPT_TABLE}, {"uv-per-unit", required_argument, 0, OPT_UV},
        {"channels", required_argument, 0, OPT_CHANNELS}, {"mains", required_argument, 0, OPT_MAINS},
        {"grid", required_argument, 0, OPT_GRID}, {"config", required_argument, 0, OPT_CONFIG},
        {"passes", required_argument, 0, OPT_PASSES}, {"learn-minutes", required_argument, 0, OPT_LEARN},
        {"edf-annotations", no_argument, 0, OPT_EDF}, {"no-report", no_argument, 0, OPT_NO_REPORT},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
    };
    enum { FIXED = sizeof fixed / sizeof fixed[0] };
    struct option longopts[FIXED + PARAM_COUNT + 1];
    memcpy(longopts, fixed, sizeof fixed);
    for (int i = 0; i < PARAM_COUNT; i++)
        longopts[FIXED + i] = (struct option){params[i].name, required_argument, 0, OPT_PARAM_BASE + i};
    longopts[FIXED + PARAM_COUNT] = (struct option){0, 0, 0, 0};

    const char *config = NULL;
    int rc = find_config(argc, argv, &config);
    if (rc == 0 && config)
        rc = read_config(o, config);
    int c;
    opterr = 0;
    /* a second parse in one process must start afresh: glibc keeps a
     * pointer into the last argv (inside a group of short options) unless
     * optind is 0 (found by tests/fuzz/fuzz_config: a use after free) */
#ifdef __GLIBC__
    optind = 0;
#else
    optind = 1;
#endif
    while (rc == 0 && (c = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
        if (c == 'h') {
            fasc_config defaults;
            fasc_config_default(&defaults);
            print_help(&defaults);
            rc = -1;
        } else if (c == '?' || c == ':') {
            rc = usage_error("unknown or incomplete option '%s'%s", argv[optind - 1], "");
        } else {
            rc = parse_flag(o, c, optarg);
        }
    }
    if (rc == 0 && optind >= argc)
        rc = usage_error("%s%s", "no input files", "");
    if (rc != 0) {
        score_options_free(o);
        return rc;
    }
    o->files = argv + optind;
    o->file_count = argc - optind;
    return 0;
}

void score_options_free(score_options *o)
{
    free(o->channels);
    free(o->out_dir);
    free(o->table);
    o->channels = o->out_dir = o->table = NULL;
}

/* The parameter option that sets the field `why` (from
 * fasc_config_check) begins with, or NULL. The other options (--mains,
 * --grid, --channels) are checked as they are parsed or per file. */
static const char *option_of(const char *why)
{
    const size_t at = strcspn(why, ":");
    if (why[at] != ':')
        return NULL;
    for (int i = 0; i < PARAM_COUNT; i++)
        if (strlen(params[i].path) == at && strncmp(why, params[i].path, at) == 0)
            return params[i].name;
    return NULL;
}

void score_options_explain(const char *why, char *out, size_t size)
{
    const char *option = option_of(why);
    if (option)
        snprintf(out, size, "--%s%s (%.*s)", option, why + strcspn(why, ":"),
                 (int)strcspn(why, ":"), why);
    else
        snprintf(out, size, "%s", why);
}

void score_options_visit(const score_options *o, score_param_visitor visit, void *user)
{
    for (int i = 0; i < PARAM_COUNT; i++)
        visit(user, params[i].name, param_value(&o->cfg, &params[i]));
    visit(user, "passes", o->passes);
    visit(user, "learn-minutes", o->learn_minutes);
}
