/* fasc-stream: live scoring of interleaved samples from standard input;
 * one TSV line per event on standard output as soon as it is decided. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fasc/fasc.h"
#include "fasc/io.h"
#include "cli_args.h"

/* Bytes per read(): small, so that a live source is not kept waiting. */
#define READ_BYTES 16384

typedef enum { FMT_F32, FMT_S16, FMT_S24 } sample_format;

typedef struct options {
    double rate;
    int channels;
    sample_format format;
    double uv_per_unit; /* 0: the format's default */
    fasc_mains mains;
} options;

static int usage_error(const char *fmt, const char *arg)
{
    return cli_usage_error("fasc-stream", fmt, arg);
}

static void print_help(const options *o)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.sample_rate = o->rate;
    cfg.channels = o->channels > 0 ? o->channels : 1;
    fasc *f = NULL;
    const fasc_index latency = fasc_create(&cfg, &f) == FASC_OK ? fasc_latency(f) : -1;
    fasc_destroy(&f);
    printf("usage: fasc-stream --rate R --channels C [--format f32|s16|s24] [options] < samples\n"
           "Reads interleaved samples (little-endian; f32 in uV, integers times --uv-per-unit)\n"
           "from standard input and writes each event as a tab-separated line on standard\n"
           "output as soon as it is decided, flushed line by line. Columns as fasc-score's\n"
           "NAME.events.tsv (a header line first); times in seconds from the first sample.\n\n"
           "  -r, --rate R          sample rate, Hz (500-48000)\n"
           "  -c, --channels C      channels (1-256), labelled ch1..chC\n"
           "  -f, --format F        f32 (default), s16 or s24\n"
           "      --uv-per-unit S   uV per integer unit (default 0.5 for s16, 0.01 for s24)\n"
           "      --mains MODE      auto (default), 50, 60 or off\n"
           "  -h, --help\n\n");
    if (latency >= 0)
        printf("Decision latency: an event is written at most %lld samples (%.2f s) after its\n"
               "end was read, at %g Hz with %d channel(s) (fasc_latency).\n",
               (long long)latency, (double)latency / o->rate, o->rate, cfg.channels);
    else
        printf("Decision latency: no detector can be built at %g Hz.\n", o->rate);
}

static int parse(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"rate", required_argument, 0, 'r'}, {"channels", required_argument, 0, 'c'},
        {"format", required_argument, 0, 'f'}, {"uv-per-unit", required_argument, 0, 'u'},
        {"mains", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    *o = (options){2048.0, 0, FMT_F32, 0.0, FASC_MAINS_AUTO};
    bool help = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "r:c:f:h", longopts, NULL)) != -1) {
        char *end;
        errno = 0;
        switch (c) {
        case 'r':
            if (cli_parse_double(optarg, &o->rate) != 0 ||
                !(o->rate >= FASC_MIN_SAMPLE_RATE && o->rate <= FASC_MAX_SAMPLE_RATE))
                return usage_error("--rate must be 500-48000 Hz, not '%s'", optarg);
            break;
        case 'c': {
            const long n = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || n < 1 || n > FASC_MAX_CHANNELS)
                return usage_error("--channels must be 1-256, not '%s'", optarg);
            o->channels = (int)n;
            break;
        }
        case 'f':
            if (strcmp(optarg, "f32") == 0) o->format = FMT_F32;
            else if (strcmp(optarg, "s16") == 0) o->format = FMT_S16;
            else if (strcmp(optarg, "s24") == 0) o->format = FMT_S24;
            else return usage_error("unsupported --format '%s' (f32, s16 or s24)", optarg);
            break;
        case 'u':
            if (cli_parse_double(optarg, &o->uv_per_unit) != 0 || !(o->uv_per_unit > 0.0))
                return usage_error("--uv-per-unit must be > 0, not '%s'", optarg);
            break;
        case 'm':
            if (cli_parse_mains(optarg, &o->mains) != 0)
                return usage_error("--mains must be auto, 50, 60 or off, not '%s'", optarg);
            break;
        case 'h': help = true; break;
        default: return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (help) {
        print_help(o);
        return -1;
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s': samples come on standard input", argv[optind]);
    if (o->channels == 0)
        return usage_error("%s", "--channels is required");
    if (o->uv_per_unit == 0.0)
        o->uv_per_unit = o->format == FMT_S16 ? FASC_IO_DEFAULT_UV_PER_UNIT_PCM16
                       : o->format == FMT_S24 ? FASC_IO_DEFAULT_UV_PER_UNIT_PCM24 : 1.0;
    return 0;
}

static size_t sample_bytes(sample_format f)
{
    return f == FMT_F32 ? 4 : f == FMT_S16 ? 2 : 3;
}

/* Little-endian bytes to µV. */
static void decode(const unsigned char *in, size_t samples, sample_format fmt, double scale,
                   float *out)
{
    for (size_t i = 0; i < samples; i++) {
        const unsigned char *b = in + i * sample_bytes(fmt);
        if (fmt == FMT_F32) {
            const uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                               (uint32_t)b[3] << 24;
            float v;
            memcpy(&v, &u, sizeof v);
            out[i] = (float)(v * scale);
        } else if (fmt == FMT_S16) {
            const int16_t v = (int16_t)(uint16_t)(b[0] | b[1] << 8);
            out[i] = (float)(v * scale);
        } else {
            int32_t v = (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16);
            if (v & 0x800000)
                v -= 0x1000000;
            out[i] = (float)(v * scale);
        }
    }
}

/* Writes every finished event; 0, or -1 when standard output fails. */
static int drain(fasc *f, double rate)
{
    fasc_event ev;
    char label[16];
    while (fasc_next(f, &ev, NULL, 0) == 1) {
        snprintf(label, sizeof label, "ch%d", ev.channel + 1);
        const fasc_event_row row = {
            (double)ev.onset / rate, (double)(ev.offset - ev.onset + 1) / rate,
            (double)ev.peak / rate, ev.channel >= 0 ? label : NULL, ev.cls,
            ev.cls == FASC_CLASS_FASCICULATION ? ev.unit : 0, ev.epoch ? 0.0 : ev.peak_to_peak_uv};
        const fasc_event_extra extra = {ev.epoch ? 0 : ev.features.phases, ev.confidence};
        if (fasc_events_tsv_write_row_scored(stdout, &row, &extra) != FASC_OK || fflush(stdout) != 0)
            return -1;
    }
    return 0;
}

static int run(fasc *f, const options *o)
{
    const size_t frame = sample_bytes(o->format) * (size_t)o->channels;
    unsigned char *raw = malloc(READ_BYTES + frame);
    float *x = malloc(sizeof(float) * (READ_BYTES / sample_bytes(o->format) + (size_t)o->channels));
    if (!raw || !x) {
        free(raw);
        free(x);
        fprintf(stderr, "fasc-stream: out of memory\n");
        return 1;
    }
    size_t held = 0; /* bytes of an incomplete frame kept from the last read */
    int rc = 0;
    for (;;) {
        const ssize_t n = read(STDIN_FILENO, raw + held, READ_BYTES);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "fasc-stream: cannot read standard input: %s\n", strerror(errno));
            rc = 1;
            break;
        }
        if (n == 0)
            break;
        held += (size_t)n;
        const size_t frames = held / frame;
        decode(raw, frames * (size_t)o->channels, o->format, o->uv_per_unit, x);
        fasc_process_interleaved(f, x, frames);
        memmove(raw, raw + frames * frame, held - frames * frame);
        held -= frames * frame;
        if (drain(f, o->rate) != 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        fasc_flush(f);
        rc = drain(f, o->rate);
    }
    if (rc == -1) {
        fprintf(stderr, "fasc-stream: cannot write to standard output: %s\n", strerror(errno));
        rc = 1;
    } else if (rc == 0 && held > 0) {
        fprintf(stderr, "fasc-stream: input ends inside a frame (%zu bytes left over)\n", held);
        rc = 1;
    }
    free(raw);
    free(x);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    const int prc = parse(argc, argv, &o);
    if (prc != 0)
        return prc < 0 ? 0 : prc;
    /* A closed reader must show as a write error, not kill us silently. */
    signal(SIGPIPE, SIG_IGN);
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.sample_rate = o.rate;
    cfg.channels = o.channels;
    cfg.mains = o.mains;
    fasc *f = NULL;
    const int crc = fasc_create(&cfg, &f);
    if (crc != FASC_OK) {
        const char *why = fasc_strerror(crc);
        const char *field = NULL;
        if (crc == FASC_ERR_INVALID_ARGUMENT && fasc_config_check(&cfg, &field) != FASC_OK)
            why = field;
        fprintf(stderr, "fasc-stream: cannot set up the detector at %g Hz, %d channels: %s\n",
                o.rate, o.channels, why);
        return 2;
    }
    int rc = 0;
    if (fasc_events_tsv_write_header_scored(stdout) != FASC_OK || fflush(stdout) != 0) {
        fprintf(stderr, "fasc-stream: cannot write to standard output: %s\n", strerror(errno));
        rc = 1;
    }
    if (rc == 0)
        rc = run(f, &o);
    uint64_t nonfinite = 0;
    const fasc_filterbank *fb = fasc_get_filterbank(f);
    for (int c = 0; c < o.channels; c++)
        nonfinite += fasc_filterbank_nonfinite_count(fb, c);
    if (nonfinite > 0)
        fprintf(stderr, "fasc-stream: note: %llu non-finite samples replaced by 0\n",
                (unsigned long long)nonfinite);
    fasc_destroy(&f);
    return rc;
}
