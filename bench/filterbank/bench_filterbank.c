/* Throughput of the default pre-filter + 4-band bank at 2048 Hz: the
 * run-time-selected kernels against the scalar reference, same run, same
 * input. Fixed seed, one warm-up, median of several runs. Time is the
 * thread's CPU time, so that other processes on a shared machine do not
 * count against the filter bank. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench_clock.h"

#include "fasc/filterbank.h"
#include "../../lib/filterbank/fb_internal.h"

enum { BLOCK = 256, RUNS = 7 };
static const double work_channel_samples = 4.0e6;

static uint32_t rng = 12345u;

static float noise(void)
{
    return bench_noise(&rng, 100.0f);
}

/* Median M channel-samples/s of `runs` passes over `total` samples. */
static double measure(fasc_filterbank *fb, int channels, size_t total,
                      const float *const *in, float *const *out, int runs)
{
    double rates[RUNS];
    size_t n_out;
    fasc_filterbank_process(fb, in, BLOCK, out, BLOCK, &n_out); /* warm-up */
    for (int r = 0; r < runs; r++) {
        fasc_filterbank_reset(fb);
        double t0 = bench_now();
        for (size_t done = 0; done < total; done += BLOCK)
            fasc_filterbank_process(fb, in, BLOCK, out, BLOCK, &n_out);
        double dt = bench_now() - t0;
        rates[r] = (double)channels * (double)total / dt * 1e-6;
    }
    qsort(rates, (size_t)runs, sizeof rates[0], bench_compare);
    return rates[runs / 2];
}

static int bench(int channels)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = 2048.0;
    cfg.channels = channels;
    fasc_filterbank *fast = NULL, *ref = NULL;
    if (fasc_filterbank_create(&cfg, &fast) != FASC_OK ||
        fasc_fb_create_isa(&cfg, FB_ISA_SCALAR, &ref) != FASC_OK)
        return 1;
    int streams = fasc_filterbank_streams(fast);
    float *in_data = malloc(sizeof(float) * BLOCK * (size_t)channels);
    float *out_data = malloc(sizeof(float) * BLOCK * (size_t)(channels * streams));
    const float **in = malloc(sizeof(*in) * (size_t)channels);
    float **out = malloc(sizeof(*out) * (size_t)(channels * streams));
    if (!in_data || !out_data || !in || !out)
        return 1;
    for (int c = 0; c < channels; c++) {
        in[c] = in_data + (size_t)c * BLOCK;
        for (int t = 0; t < BLOCK; t++)
            in_data[(size_t)c * BLOCK + (size_t)t] = noise();
    }
    for (int i = 0; i < channels * streams; i++)
        out[i] = out_data + (size_t)i * BLOCK;
    size_t total = (size_t)(work_channel_samples / channels) / BLOCK * BLOCK;
    double fast_rate = measure(fast, channels, total, in, out, RUNS);
    double ref_rate = measure(ref, channels, total / 4, in, out, 3);
    /* Filter state proper (IIR sections, FIR history) and the whole object
     * including coefficients and scratch, both per channel. */
    size_t state_bytes = sizeof(float) * 2 * ((size_t)fast->d.sections +
                                              (size_t)fast->d.fir_taps);
    printf("%8d %12.1f %12.1f %8.2f %12.0f %10zu %10zu\n", channels, fast_rate,
           ref_rate, fast_rate / ref_rate,
           fast_rate * 1e6 / (2048.0 * channels), state_bytes,
           fasc_filterbank_memory_size(&cfg) / (size_t)channels);
    free(in_data);
    free(out_data);
    free(in);
    free(out);
    fasc_filterbank_destroy(&fast);
    fasc_filterbank_destroy(&ref);
    return 0;
}

int main(void)
{
    static const int counts[] = {1, 8, 64, 256};
    printf("filter bank, default config at 2048 Hz (HP 2nd 20 Hz, LP 4th 450 Hz, "
           "3 notches, 4 bands x 2 sections), block %d\n", BLOCK);
    printf("M/s = million channel-samples per second of thread CPU time (median of %d)\n",
           RUNS);
    printf("%8s %12s %12s %8s %12s %10s %10s\n", "channels", "fast M/s",
           "scalar M/s", "ratio", "x realtime", "state B/ch", "object B/ch");
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (bench(counts[i]) != 0) {
            fprintf(stderr, "bench_filterbank: setup failed for %d channels\n",
                    counts[i]);
            return 1;
        }
    return 0;
}
