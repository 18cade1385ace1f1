/* libfasc performance report: one run prints every stage's throughput at
 * 1, 8, 64 and 256 channels beside its scalar reference, the state bytes
 * per channel, the allocations made while processing (counted by the
 * wrapped allocator; must be 0), the composed detector's real-time factor
 * on an hour of 64-channel 2048 Hz input, and each optimised kernel against
 * its plain C reference on the same input (outputs compared). The format
 * is stable (its number is printed first and changes with any column), so
 * reports from different builds and days can be set side by side. Exit
 * status 1 when a check fails (an allocation, a kernel that disagrees). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench_clock.h"
#include "report.h"

#include "fasc/fasc.h"

#define REPORT_FORMAT 1

float *report_input(int channels)
{
    float *x = malloc(sizeof(float) * (size_t)channels * REPORT_PERIOD);
    if (!x)
        return NULL;
    uint32_t rng = 12345u;
    for (size_t i = 0; i < (size_t)channels * REPORT_PERIOD; i++)
        x[i] = bench_noise(&rng, 60.0f);
    /* a 6 ms biphasic spike of 200 µV peak to peak every 50 ms */
    static const float spike[12] = {0.0f, 50.0f, 86.6f, 100.0f, 86.6f, 50.0f,
                                    0.0f, -50.0f, -86.6f, -100.0f, -86.6f, -50.0f};
    for (int k = 0, at = 300; at + 12 < REPORT_PERIOD; k++, at += 102)
        for (int j = 0; j < 12; j++)
            x[(size_t)(k % channels) * REPORT_PERIOD + (size_t)(at + j)] += spike[j];
    return x;
}

void report_input_free(float *x)
{
    free(x);
}

double report_rate(report_work work, void *ctx, int channels, size_t samples, int runs)
{
    double rates[16];
    if (runs > 16)
        runs = 16;
    work(ctx, samples / 4 + REPORT_BLOCK); /* warm-up: caches, noise levels */
    for (int r = 0; r < runs; r++) {
        const double t0 = bench_now();
        work(ctx, samples);
        rates[r] = (double)samples * channels / (bench_now() - t0) * 1e-6;
    }
    qsort(rates, (size_t)runs, sizeof rates[0], bench_compare);
    return rates[runs / 2];
}

static void usage(FILE *to, const char *name)
{
    fprintf(to,
            "usage: %s [--quick] [--channels N] [--stage S] [--runs R] [--hours H]\n"
            "  --quick       a fiftieth of the work and one minute of real-time input\n"
            "                (a smoke run: the checks hold, the figures are rough)\n"
            "  --channels N  the throughput table only, for N channels (profiling)\n"
            "  --stage S     the throughput table only, for stage S: filterbank,\n"
            "                detector, classifier or composed\n"
            "  --runs R      timed runs per figure, median printed (default 5)\n"
            "  --hours H     length of the real-time run (default 1)\n",
            name);
}

int main(int argc, char **argv)
{
    report_options o = {.scale = 1.0, .runs = 5, .rt_hours = 1.0, .only_channels = 0,
                         .stages = 15};
    static const char *const stage_names[] = {"filterbank", "detector", "classifier",
                                              "composed"};
    static const struct option longs[] = {{"quick", no_argument, NULL, 'q'},
                                          {"channels", required_argument, NULL, 'c'},
                                          {"runs", required_argument, NULL, 'r'},
                                          {"stage", required_argument, NULL, 's'},
                                          {"hours", required_argument, NULL, 'H'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "qc:r:s:H:h", longs, NULL)) != -1) {
        char *end = NULL;
        switch (opt) {
        case 'q':
            o.scale = 0.02;
            o.runs = 3;
            o.rt_hours = 1.0 / 60.0;
            break;
        case 'c':
            o.only_channels = (int)strtol(optarg, &end, 10);
            if (*end || o.only_channels < 1 || o.only_channels > FASC_MAX_CHANNELS) {
                fprintf(stderr, "%s: --channels: 1 to %d, not '%s'\n", argv[0],
                        FASC_MAX_CHANNELS, optarg);
                return 2;
            }
            break;
        case 'r':
            o.runs = (int)strtol(optarg, &end, 10);
            if (*end || o.runs < 1 || o.runs > 16) {
                fprintf(stderr, "%s: --runs: 1 to 16, not '%s'\n", argv[0], optarg);
                return 2;
            }
            break;
        case 's':
            o.stages = 0;
            for (unsigned k = 0; k < 4; k++)
                if (strcmp(optarg, stage_names[k]) == 0)
                    o.stages = 1u << k;
            if (!o.stages) {
                fprintf(stderr, "%s: --stage: filterbank, detector, classifier or composed, "
                                "not '%s'\n", argv[0], optarg);
                return 2;
            }
            break;
        case 'H':
            o.rt_hours = strtod(optarg, &end);
            if (*end || !(o.rt_hours > 0.0 && o.rt_hours <= 48.0)) {
                fprintf(stderr, "%s: --hours: more than 0, at most 48, not '%s'\n", argv[0],
                        optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout, argv[0]);
            return 0;
        default:
            usage(stderr, argv[0]);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr, argv[0]);
        return 2;
    }
    printf("libfasc performance report, format %d\n", REPORT_FORMAT);
    printf("build: %s %s%s, %s\n",
#if defined(__clang__)
           "clang",
#elif defined(__GNUC__)
           "gcc",
#else
           "cc",
#endif
           __VERSION__,
#ifdef __OPTIMIZE__
           ", optimised",
#else
           ", not optimised",
#endif
#if defined(__SANITIZE_ADDRESS__)
           "address sanitizer (figures not comparable)"
#else
           "no sanitizer"
#endif
    );
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    const char *avx2 = __builtin_cpu_supports("avx2") ? "yes" : "no";
#else
    const char *avx2 = "no";
#endif
    printf("cpu: avx2 %s; M/s: million channel-samples per second of thread CPU time, "
           "median of %d runs%s\n",
           avx2, o.runs,
           o.scale < 1.0 ? "; --quick (rough)" : "");
    int failed = report_stages(&o);
    if (!o.only_channels && o.stages == 15) {
        failed += report_realtime(&o);
        failed += report_kernels(&o);
    }
    printf("checks: %s\n", failed ? "FAILED" : "passed");
    return failed ? 1 : 0;
}
