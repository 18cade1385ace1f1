/* fasc-synth: write a synthetic sEMG recording and its truth table. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/io.h"
#include "fasc/synth.h"
#include "cli_args.h"
#include "svg_trace.h"
#include "text_file.h"

#define BLOCK 4096
#define SVG_CHANNELS 4

static const char usage[] =
    "usage: fasc-synth -o REC.wav --truth TRUTH.tsv [options]\n"
    "  -o, --output FILE     recording (.wav .w64 .rf64 .flac .aiff .caf)\n"
    "  -t, --truth FILE      true events, tab-separated\n"
    "      --seconds S       length (default 60)\n"
    "      --rate HZ         sample rate, 500-48000 (default 2048)\n"
    "      --channels N      1-256 (default 8; FLAC at most 8)\n"
    "      --grid RxC        electrodes on an R x C grid (default: one line)\n"
    "      --seed N          random seed (default 1)\n"
    "      --units N         fasciculating motor units, 0-64 (default 6)\n"
    "      --fasc-per-min R  mean FP discharges per minute (default 20)\n"
    "      --snr-db D        20 log10(median FP p-p / 20-450 Hz noise RMS) (default 12)\n"
    "      --mains 50|60|0   mains interference (default 0 = off)\n"
    "      --ecg --voluntary --movement --pops --wander\n"
    "      --all-artefacts   all of the above, and mains 50 Hz unless --mains is given\n"
    "      --no-noise        no background noise (for checking waveforms)\n"
    "      --format F        float | pcm16 | pcm24 (default float; FLAC pcm24)\n"
    "      --uv-per-unit S   scale of integer formats (default 0.5 for pcm16, 0.01 for pcm24)\n"
    "      --svg FILE        picture of the first seconds of the first channels\n"
    "      --svg-seconds S   seconds in the picture (default 5)\n"
    "  -q, --quiet           no summary\n"
    "  -h, --help\n";

typedef struct options {
    const char *output, *truth, *svg;
    double seconds, svg_seconds, uv_per_unit;
    fasc_sample_format format;
    int mains_given;
    int quiet;
    fasc_synth_config cfg;
} options;

typedef struct run_state {
    FILE *truth;
    const char *truth_path;
    int io_error;
    uint64_t class_count[FASC_CLASS_COUNT];
    uint64_t repeats;
    svg_mark *marks;
    size_t mark_count, mark_capacity;
    double svg_seconds;
} run_state;

static int fail_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "fasc-synth: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    return 2;
}

static int parse_int(const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

enum {
    OPT_SECONDS = 256, OPT_RATE, OPT_CHANNELS, OPT_GRID, OPT_SEED, OPT_UNITS, OPT_RATE_FP,
    OPT_SNR, OPT_MAINS, OPT_ECG, OPT_VOLUNTARY, OPT_MOVEMENT, OPT_POPS, OPT_WANDER, OPT_ALL,
    OPT_NO_NOISE, OPT_FORMAT, OPT_SCALE, OPT_SVG, OPT_SVG_SECONDS
};

/* Returns 0, or the exit code (2) after printing the reason. */
static int parse_args(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'}, {"truth", required_argument, 0, 't'},
        {"seconds", required_argument, 0, OPT_SECONDS}, {"rate", required_argument, 0, OPT_RATE},
        {"channels", required_argument, 0, OPT_CHANNELS}, {"grid", required_argument, 0, OPT_GRID},
        {"seed", required_argument, 0, OPT_SEED}, {"units", required_argument, 0, OPT_UNITS},
        {"fasc-per-min", required_argument, 0, OPT_RATE_FP}, {"snr-db", required_argument, 0, OPT_SNR},
        {"mains", required_argument, 0, OPT_MAINS}, {"ecg", no_argument, 0, OPT_ECG},
        {"voluntary", no_argument, 0, OPT_VOLUNTARY}, {"movement", no_argument, 0, OPT_MOVEMENT},
        {"pops", no_argument, 0, OPT_POPS}, {"wander", no_argument, 0, OPT_WANDER},
        {"all-artefacts", no_argument, 0, OPT_ALL}, {"no-noise", no_argument, 0, OPT_NO_NOISE},
        {"format", required_argument, 0, OPT_FORMAT}, {"uv-per-unit", required_argument, 0, OPT_SCALE},
        {"svg", required_argument, 0, OPT_SVG}, {"svg-seconds", required_argument, 0, OPT_SVG_SECONDS},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    fasc_synth_config_default(&o->cfg);
    o->seconds = 60.0;
    o->svg_seconds = 5.0;
    int all = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:t:qh", longopts, NULL)) != -1) {
        double d;
        switch (c) {
        case 'o': o->output = optarg; break;
        case 't': o->truth = optarg; break;
        case 'q': o->quiet = 1; break;
        case 'h': fputs(usage, stdout); exit(0);
        case OPT_SECONDS:
            if (cli_parse_double(optarg, &o->seconds) || !(o->seconds > 0.0) || o->seconds > 7 * 86400.0)
                return fail_usage("--seconds must be a positive number of seconds up to a week, not '%s'", optarg);
            break;
        case OPT_RATE:
            if (cli_parse_double(optarg, &d) || d < 500.0 || d > 48000.0 || d != floor(d))
                return fail_usage("--rate must be a whole number of Hz in 500-48000, not '%s'", optarg);
            o->cfg.sample_rate = d;
            break;
        case OPT_CHANNELS:
            if (parse_int(optarg, 1, 256, &o->cfg.channels))
                return fail_usage("--channels must be 1-256, not '%s'", optarg);
            break;
        case OPT_GRID:
            if (sscanf(optarg, "%dx%d", &o->cfg.grid_rows, &o->cfg.grid_cols) != 2 ||
                o->cfg.grid_rows < 1 || o->cfg.grid_cols < 1 ||
                o->cfg.grid_rows * o->cfg.grid_cols > 256)
                return fail_usage("--grid must be RxC with R*C at most 256, not '%s'", optarg);
            break;
        case OPT_SEED: {
            char *end;
            errno = 0;
            o->cfg.seed = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-')
                return fail_usage("--seed must be a non-negative integer, not '%s'", optarg);
            break;
        }
        case OPT_UNITS:
            if (parse_int(optarg, 0, FASC_SYNTH_MAX_UNITS, &o->cfg.units))
                return fail_usage("--units must be 0-64, not '%s'", optarg);
            break;
        case OPT_RATE_FP:
            if (cli_parse_double(optarg, &o->cfg.fasc_per_min) || o->cfg.fasc_per_min < 0.0 ||
                o->cfg.fasc_per_min > 600.0)
                return fail_usage("--fasc-per-min must be 0-600, not '%s'", optarg);
            break;
        case OPT_SNR:
            if (cli_parse_double(optarg, &o->cfg.snr_db) || o->cfg.snr_db < -20.0 || o->cfg.snr_db > 80.0)
                return fail_usage("--snr-db must be -20 to 80, not '%s'", optarg);
            break;
        case OPT_MAINS:
            if (cli_parse_double(optarg, &d) || !(d == 0.0 || d == 50.0 || d == 60.0))
                return fail_usage("--mains must be 50, 60 or 0, not '%s'", optarg);
            o->cfg.mains_hz = d;
            o->mains_given = 1;
            break;
        case OPT_ECG: o->cfg.ecg = true; break;
        case OPT_VOLUNTARY: o->cfg.voluntary = true; break;
        case OPT_MOVEMENT: o->cfg.movement = true; break;
        case OPT_POPS: o->cfg.pops = true; break;
        case OPT_WANDER: o->cfg.wander = true; break;
        case OPT_ALL: all = 1; break;
        case OPT_NO_NOISE: o->cfg.noise = false; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "float") == 0) o->format = FASC_SAMPLE_FLOAT32;
            else if (strcmp(optarg, "pcm16") == 0) o->format = FASC_SAMPLE_PCM16;
            else if (strcmp(optarg, "pcm24") == 0) o->format = FASC_SAMPLE_PCM24;
            else return fail_usage("--format must be float, pcm16 or pcm24, not '%s'", optarg);
            break;
        case OPT_SCALE:
            if (cli_parse_double(optarg, &o->uv_per_unit) || !(o->uv_per_unit > 0.0))
                return fail_usage("--uv-per-unit must be a positive number, not '%s'", optarg);
            break;
        case OPT_SVG: o->svg = optarg; break;
        case OPT_SVG_SECONDS:
            if (cli_parse_double(optarg, &o->svg_seconds) || !(o->svg_seconds > 0.0) || o->svg_seconds > 60.0)
                return fail_usage("--svg-seconds must be in (0, 60], not '%s'", optarg);
            break;
        default:
            return fail_usage("unknown or incomplete option '%s' (see --help)",
                              optind > 0 && optind <= argc ? argv[optind - 1] : "?");
        }
    }
    if (optind < argc)
        return fail_usage("unexpected argument '%s'", argv[optind]);
    if (!o->output)
        return fail_usage("%s", "no output file: give -o REC.wav");
    if (!o->truth)
        return fail_usage("%s", "no truth file: give --truth TRUTH.tsv");
    if (all) {
        o->cfg.ecg = o->cfg.voluntary = o->cfg.movement = o->cfg.pops = o->cfg.wander = true;
        if (!o->mains_given)
            o->cfg.mains_hz = 50.0;
    }
    if (o->cfg.grid_rows > 0 && o->cfg.grid_rows * o->cfg.grid_cols != o->cfg.channels) {
        if (o->cfg.channels != 8) /* --channels given too and disagreeing */
            return fail_usage("%s", "--grid RxC must match --channels");
        o->cfg.channels = o->cfg.grid_rows * o->cfg.grid_cols;
    }
    const char *why;
    if (fasc_synth_config_check(&o->cfg, &why) != FASC_OK)
        return fail_usage("%s", why);
    return 0;
}

static void on_event(void *user, const fasc_synth_event *ev)
{
    run_state *st = user;
    st->class_count[ev->cls]++;
    st->repeats += ev->repeat;
    char label[16] = "";
    if (ev->channel >= 0)
        snprintf(label, sizeof label, "ch%d", ev->channel + 1);
    const fasc_event_row row = {ev->onset_s, ev->duration_s, ev->peak_s, label, ev->cls,
                                ev->unit, ev->peak_to_peak_uv};
    if (fasc_events_tsv_write_row(st->truth, &row) != FASC_OK)
        st->io_error = 1;
    if (st->marks && ev->onset_s < st->svg_seconds && st->mark_count < st->mark_capacity) {
        const svg_mark m = {ev->cls == FASC_CLASS_VOLUNTARY ? ev->onset_s : ev->peak_s,
                            ev->channel < SVG_CHANNELS ? ev->channel : -2, ev->cls,
                            ev->cls == FASC_CLASS_VOLUNTARY ? ev->duration_s : 0.0};
        if (m.channel != -2)
            st->marks[st->mark_count++] = m;
    }
}

static void print_summary(const options *o, const fasc_synth *s, const run_state *st,
                          uint64_t frames, double uv_per_unit, uint64_t clipped)
{
    const fasc_synth_config *c = &o->cfg;
    printf("fasc-synth: wrote %s (%d ch, %.0f Hz, %.1f s, %s) and %s\n", o->output, c->channels,
           c->sample_rate, (double)frames / c->sample_rate,
           uv_per_unit > 0.0 ? "integer" : "float µV", o->truth);
    if (uv_per_unit > 0.0)
        printf("  scale: %g µV per unit (stored in the file comment), %llu samples clipped\n",
               uv_per_unit, (unsigned long long)clipped);
    printf("  SNR %.1f dB: median FP %.1f µV p-p, noise %.2f µV RMS (20-450 Hz)%s\n", c->snr_db,
           fasc_synth_median_fp_uv(s), fasc_synth_noise_rms_uv(s), c->noise ? "" : " [noise off]");
    printf("  fasciculations: %llu (%llu repeat discharges) from %d units, %.1f per minute\n",
           (unsigned long long)st->class_count[FASC_CLASS_FASCICULATION],
           (unsigned long long)st->repeats, c->units,
           st->class_count[FASC_CLASS_FASCICULATION] * 60.0 * c->sample_rate / (double)frames);
    for (int u = 1; u <= c->units; u++)
        printf("    unit %d: %.2f per minute\n", u, fasc_synth_unit_rate_per_min(s, u));
    printf("  interference: mains %s, ECG %s (%llu beats, %.0f bpm), voluntary epochs %llu, "
           "movement %llu, pops %llu, wander %s\n",
           c->mains_hz > 0 ? (c->mains_hz == 50 ? "50 Hz" : "60 Hz") : "off", c->ecg ? "on" : "off",
           (unsigned long long)st->class_count[FASC_CLASS_ECG], fasc_synth_heart_rate_bpm(s),
           (unsigned long long)st->class_count[FASC_CLASS_VOLUNTARY],
           (unsigned long long)st->class_count[FASC_CLASS_MOVEMENT],
           (unsigned long long)st->class_count[FASC_CLASS_ELECTRODE_POP], c->wander ? "on" : "off");
}

int main(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    const int usage_rc = parse_args(argc, argv, &o);
    if (usage_rc)
        return usage_rc;

    char err[512];
    fasc_writer *writer = NULL;
    int rc = fasc_writer_open(o.output, o.cfg.sample_rate, o.cfg.channels, o.format,
                              o.uv_per_unit, &writer, err, sizeof err);
    if (rc != FASC_OK) {
        fprintf(stderr, "fasc-synth: %s\n", err);
        return 2; /* nothing written yet: a bad argument or path */
    }
    run_state st;
    memset(&st, 0, sizeof st);
    text_file truth_file;
    st.truth_path = o.truth;
    if (text_file_open(&truth_file, o.truth) != 0) {
        fprintf(stderr, "fasc-synth: %s: cannot create: %s\n", o.truth, strerror(errno));
        fasc_writer_abort(&writer);
        return 2;
    }
    st.truth = truth_file.f;
    fasc_synth *synth = NULL;
    float *block[FASC_MAX_CHANNELS] = {0};
    float *svg_buf[SVG_CHANNELS] = {0};
    size_t svg_frames = 0, svg_filled = 0;
    int failed = 0;
    const int svg_channels = o.cfg.channels < SVG_CHANNELS ? o.cfg.channels : SVG_CHANNELS;
    if (fasc_synth_create(&o.cfg, &synth) != FASC_OK) {
        fprintf(stderr, "fasc-synth: out of memory\n");
        failed = 1;
    }
    for (int c = 0; c < o.cfg.channels && !failed; c++)
        if (!(block[c] = malloc(sizeof(float) * BLOCK)))
            failed = 1;
    if (o.svg && !failed) {
        svg_frames = (size_t)ceil(o.svg_seconds * o.cfg.sample_rate);
        st.svg_seconds = o.svg_seconds;
        st.mark_capacity = 100000;
        st.marks = malloc(sizeof *st.marks * st.mark_capacity);
        failed = !st.marks;
        for (int c = 0; c < svg_channels && !failed; c++)
            failed = !(svg_buf[c] = malloc(sizeof(float) * svg_frames));
    }
    if (failed && synth)
        fprintf(stderr, "fasc-synth: out of memory\n");

    const uint64_t total = (uint64_t)llround(o.seconds * o.cfg.sample_rate);
    uint64_t done = 0;
    if (!failed && fasc_events_tsv_write_header(st.truth) != FASC_OK)
        st.io_error = 1;
    while (!failed && done < total && !st.io_error) {
        const size_t n = total - done < BLOCK ? (size_t)(total - done) : BLOCK;
        rc = fasc_synth_generate(synth, block, n, on_event, &st);
        if (rc != FASC_OK) {
            fprintf(stderr, "fasc-synth: generator failed: %s\n", fasc_strerror(rc));
            failed = 1;
            break;
        }
        if (fasc_writer_write(writer, (const float *const *)block, n) != FASC_OK) {
            fprintf(stderr, "fasc-synth: %s: write failed (disk full?)\n", o.output);
            failed = 1;
            break;
        }
        for (int c = 0; c < svg_channels && svg_filled < svg_frames; c++) {
            const size_t take = svg_frames - svg_filled < n ? svg_frames - svg_filled : n;
            memcpy(svg_buf[c] + svg_filled, block[c], take * sizeof(float));
            if (c == svg_channels - 1)
                svg_filled += take;
        }
        done += n;
    }
    if (st.io_error) {
        fprintf(stderr, "fasc-synth: %s: write failed\n", o.truth);
        failed = 1;
    }
    const double uv_per_unit = fasc_writer_uv_per_unit(writer);
    const uint64_t clipped = fasc_writer_clipped(writer);
    /* the truth table is complete on disk before the recording appears,
     * and the recording goes again if the table cannot follow it: the two
     * come as a pair or not at all */
    if (!failed && text_file_finish(&truth_file) != 0) {
        fprintf(stderr, "fasc-synth: %s: write failed: %s\n", o.truth, strerror(errno));
        failed = 1;
    }
    if (failed) {
        fasc_writer_abort(&writer);
    } else if (fasc_writer_close(&writer, err, sizeof err) != FASC_OK) {
        fprintf(stderr, "fasc-synth: %s\n", err);
        failed = 1;
    }
    if (failed) {
        text_file_abort(&truth_file);
    } else if (text_file_publish(&truth_file) != 0) {
        fprintf(stderr, "fasc-synth: %s: cannot move into place: %s\n", o.truth, strerror(errno));
        text_file_abort(&truth_file);
        remove(o.output);
        failed = 1;
    }
    if (!failed && o.svg) {
        char title[256];
        snprintf(title, sizeof title, "fasc-synth seed %llu: %d units, %.0f FP/min, SNR %.0f dB, first %g s",
                 (unsigned long long)o.cfg.seed, o.cfg.units, o.cfg.fasc_per_min, o.cfg.snr_db,
                 (double)svg_filled / o.cfg.sample_rate);
        if (svg_trace_write(o.svg, title, o.cfg.sample_rate, (const float *const *)svg_buf,
                            svg_channels, svg_filled, st.marks, st.mark_count) != 0) {
            fprintf(stderr, "fasc-synth: %s: cannot write picture: %s\n", o.svg, strerror(errno));
            failed = 1;
        }
    }
    if (!failed && !o.quiet)
        print_summary(&o, synth, &st, done, uv_per_unit, clipped);
    if (!failed && clipped > 0)
        fprintf(stderr, "fasc-synth: warning: %llu samples clipped to the integer range; "
                        "use --uv-per-unit or a float format\n", (unsigned long long)clipped);
    fasc_synth_destroy(&synth);
    for (int c = 0; c < FASC_MAX_CHANNELS; c++)
        free(block[c]);
    for (int c = 0; c < SVG_CHANNELS; c++)
        free(svg_buf[c]);
    free(st.marks);
    return failed ? 1 : 0;
}
