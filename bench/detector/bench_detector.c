/* Throughput of the detector alone and of the default filter bank followed
 * by the detector, at 2048 Hz, on noise with a few spikes (the event logic
 * runs as in real recordings). Fixed seed, one warm-up, median of several
 * runs; time is the thread's CPU time, so that other processes on a shared
 * machine do not count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench_clock.h"

#include "fasc/detector.h"
#include "fasc/filterbank.h"

enum { BLOCK = 256, RUNS = 7, PERIOD = 64 * BLOCK };
static const double work_channel_samples = 8.0e6;

static uint32_t rng = 12345u;

static float noise(void)
{
    return bench_noise(&rng, 20.0f);
}

typedef struct setup {
    int channels;
    fasc_filterbank *fb;
    fasc_detector *det;
    float *in_data, *out_data;
    const float **in;
    float **out;
} setup;

/* One pass over `total` samples, the input repeating every PERIOD. */
static void pass(setup *s, size_t total, int with_bank)
{
    fasc_detection ev;
    size_t produced = BLOCK;
    for (size_t done = 0; done < total; done += BLOCK) {
        size_t at = done % PERIOD;
        for (int c = 0; c < s->channels; c++)
            s->in[c] = s->in_data + (size_t)c * PERIOD + at;
        if (with_bank) {
            fasc_filterbank_process(s->fb, s->in, BLOCK, s->out, BLOCK, &produced);
            fasc_detector_process(s->det, (const float *const *)s->out, produced);
        } else {
            fasc_detector_process(s->det, s->in, BLOCK);
        }
        while (fasc_detector_next(s->det, &ev, NULL, 0) == 1)
            ;
    }
}

static double measure(setup *s, int with_bank)
{
    double rates[RUNS];
    size_t total = (size_t)(work_channel_samples / s->channels) / BLOCK * BLOCK;
    for (int r = 0; r < RUNS; r++) {
        fasc_filterbank_reset(s->fb);
        fasc_detector_reset(s->det);
        pass(s, 2048 * 2, with_bank); /* warm-up past the noise estimate's */
        double t0 = bench_now();
        pass(s, total, with_bank);
        rates[r] = (double)s->channels * (double)total / (bench_now() - t0) * 1e-6;
    }
    qsort(rates, RUNS, sizeof rates[0], bench_compare);
    return rates[RUNS / 2];
}

static int bench(int channels)
{
    setup s = {.channels = channels};
    fasc_filterbank_config fc;
    fasc_filterbank_config_default(&fc);
    fc.channels = channels;
    fasc_detector_config dc;
    fasc_detector_config_default(&dc);
    dc.channels = channels;
    if (fasc_filterbank_create(&fc, &s.fb) != FASC_OK ||
        fasc_detector_create(&dc, &s.det) != FASC_OK)
        return 1;
    const int outs = channels * fasc_filterbank_streams(s.fb);
    s.in_data = malloc(sizeof(float) * PERIOD * (size_t)channels);
    s.out_data = malloc(sizeof(float) * BLOCK * (size_t)outs);
    s.in = malloc(sizeof(*s.in) * (size_t)channels);
    s.out = malloc(sizeof(*s.out) * (size_t)outs);
    if (!s.in_data || !s.out_data || !s.in || !s.out)
        return 1;
    for (size_t i = 0; i < PERIOD * (size_t)channels; i++)
        s.in_data[i] = noise();
    /* a spike every 0.5 s on one channel in turn: 30 candidates a minute */
    for (int k = 0; k * 1024 + 20 < PERIOD; k++)
        for (int j = -3; j <= 3; j++)
            s.in_data[(size_t)(k % channels) * PERIOD + (size_t)(k * 1024 + 10 + j)] +=
                (float)(120.0 * exp(-0.5 * j * j) * (j == 0 ? 1 : -0.5));
    for (int i = 0; i < outs; i++)
        s.out[i] = s.out_data + (size_t)i * BLOCK;
    double det_rate = measure(&s, 0);
    double both_rate = measure(&s, 1);
    double fb_time = 1.0 / both_rate - 1.0 / det_rate; /* s per M ch-samples */
    printf("%8d %14.1f %14.1f %12.1f %10.2f %12zu\n", channels, det_rate, both_rate,
           fb_time > 0 ? 1.0 / fb_time : 0.0, fb_time > 0 ? (1.0 / det_rate) / fb_time : 0.0,
           fasc_detector_memory_size(&dc) / (size_t)channels);
    free(s.in_data);
    free(s.out_data);
    free(s.in);
    free(s.out);
    fasc_filterbank_destroy(&s.fb);
    fasc_detector_destroy(&s.det);
    return 0;
}

int main(void)
{
    static const int counts[] = {1, 8, 64, 256};
    printf("detector (default config) and default filter bank + detector, 2048 Hz, block %d\n",
           BLOCK);
    printf("M/s = million channel-samples per second of thread CPU time (median of %d);\n"
           "bank M/s is implied by the two; cost ratio = detector time / bank time;\n"
           "state = detector object bytes per channel (queue of 256 events with\n"
           "snippets included: 16 x 103 floats each, shared by all channels)\n", RUNS);
    printf("%8s %14s %14s %12s %10s %12s\n", "channels", "detector M/s", "bank+det M/s",
           "bank M/s", "cost ratio", "state B/ch");
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (bench(counts[i]) != 0) {
            fprintf(stderr, "bench_detector: setup failed for %d channels\n", counts[i]);
            return 1;
        }
    return 0;
}
