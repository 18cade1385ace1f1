/* Welch PSD throughput at 2048 Hz: million channel-samples per second for
 * 1, 8, 64 and 256 channels (median of 5 runs after a warm-up), and the
 * bytes of per-channel state (segment history + power accumulator). */
#include "fasc/spectrum.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { RATE = 2048, SECONDS = 20, RUNS = 5 };

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fixed-seed uniform noise (xorshift32): the FFT cost does not depend on
 * the signal, only the seed must not change between runs. */
static void fill_noise(float *x, size_t n, unsigned seed)
{
    unsigned s = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        x[i] = (float)s * (20.0f / 4294967296.0f) - 10.0f;
    }
}

static int run(size_t channels, const float *noise, size_t n)
{
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = RATE;
    cfg.channels = channels;
    fasc_spectrum *sp = NULL;
    if (fasc_spectrum_create(&cfg, &sp) != FASC_OK)
        return 1;
    const size_t block = 256;
    double times[RUNS];
    for (int r = -1; r < RUNS; r++) {  /* run -1 is the warm-up */
        fasc_spectrum_reset(sp);
        const double t0 = now_seconds();
        for (size_t at = 0; at + block <= n; at += block) {
            /* The same data on every channel costs the same. */
            const float *block_start[FASC_MAX_CHANNELS];
            for (size_t c = 0; c < channels; c++)
                block_start[c] = noise + at;
            fasc_spectrum_process(sp, block_start, block);
        }
        if (r >= 0)
            times[r] = now_seconds() - t0;
    }
    qsort(times, RUNS, sizeof times[0], compare_doubles);
    const double median = times[RUNS / 2];
    const double rate = (double)channels * (double)n / median / 1e6;
    const size_t state = fasc_spectrum_segment_length(sp) * sizeof(float) +
                         fasc_spectrum_bins(sp) * sizeof(double);
    printf("%4zu channels: %8.1f M channel-samples/s  real-time x%.0f  "
           "%zu bytes of state per channel\n",
           channels, rate, (double)n / RATE / median, state);
    fasc_spectrum_destroy(&sp);
    return 0;
}

int main(void)
{
    const size_t n = (size_t)RATE * SECONDS;
    float *noise = malloc(n * sizeof *noise);
    if (!noise)
        return 1;
    fill_noise(noise, n, 12345);
    printf("Welch PSD, %d Hz, segment %d, 50 %% overlap, blocks of 256\n",
           RATE, RATE);
    const size_t counts[] = {1, 8, 64, 256};
    int failed = 0;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        failed |= run(counts[i], noise, n);
    free(noise);
    return failed;
}
