/* fasc-synth benchmarks:
 *  1. generation speed, M channel-samples/s, at 1, 8, 64 and 256 channels;
 *  2. detectability: for each SNR, the distribution over FP discharges of
 *     d = E / sd, the output SNR of an oracle matched filter that knows each
 *     discharge's exact multichannel waveform after the default pre-filter
 *     (E its energy, sd the filter's output deviation on the recording's own
 *     noise). No detector can do better than d, so these figures bound the
 *     sensitivity any detector can reach at a given false-alarm rate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fasc/filterbank.h"
#include "fasc/synth.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void bench_speed(void)
{
    const int counts[4] = {1, 8, 64, 256};
    printf("generation speed (default config, 2048 Hz, all interference on)\n");
    printf("%9s %14s %12s\n", "channels", "M ch-samp/s", "x real time");
    for (int k = 0; k < 4; k++) {
        fasc_synth_config cfg;
        fasc_synth_config_default(&cfg);
        cfg.channels = counts[k];
        cfg.mains_hz = 50;
        cfg.ecg = cfg.voluntary = cfg.movement = cfg.pops = cfg.wander = true;
        fasc_synth *s;
        if (fasc_synth_create(&cfg, &s) != FASC_OK)
            return;
        const size_t block = 2048;
        float **buf = malloc(sizeof(float *) * (size_t)cfg.channels);
        for (int c = 0; c < cfg.channels; c++)
            buf[c] = malloc(block * sizeof(float));
        const double seconds = 600.0 / cfg.channels < 4.0 ? 4.0 : 600.0 / cfg.channels;
        const size_t blocks = (size_t)(seconds * cfg.sample_rate / block);
        double best = 1e30;
        for (int run = 0; run < 3; run++) {
            const double t0 = now();
            for (size_t b = 0; b < blocks; b++)
                fasc_synth_generate(s, buf, block, NULL, NULL);
            const double dt = now() - t0;
            if (dt < best)
                best = dt;
        }
        const double samples = (double)blocks * block * cfg.channels;
        printf("%9d %14.1f %12.0f\n", cfg.channels, samples / best / 1e6,
               (double)blocks * block / cfg.sample_rate / best);
        for (int c = 0; c < cfg.channels; c++)
            free(buf[c]);
        free(buf);
        fasc_synth_destroy(&s);
    }
}

typedef struct events {
    fasc_synth_event *e;
    size_t n, cap;
} events;

static void on_event(void *user, const fasc_synth_event *ev)
{
    events *v = user;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 256;
        v->e = realloc(v->e, v->cap * sizeof *v->e);
    }
    v->e[v->n++] = *ev;
}

/* Renders cfg (noise on or off) and pre-filters it; returns x[c]. */
static float **render_filtered(const fasc_synth_config *cfg, size_t frames, events *ev)
{
    fasc_synth *s;
    fasc_synth_create(cfg, &s);
    float **x = malloc(sizeof(float *) * (size_t)cfg->channels);
    float **y = malloc(sizeof(float *) * (size_t)cfg->channels);
    for (int c = 0; c < cfg->channels; c++) {
        x[c] = malloc(frames * sizeof(float));
        y[c] = malloc(frames * sizeof(float));
    }
    fasc_synth_generate(s, x, frames, ev ? on_event : NULL, ev);
    fasc_synth_destroy(&s);
    fasc_filterbank_config fc;
    fasc_filterbank_config_default(&fc);
    fc.channels = cfg->channels;
    fc.band_count = 0;
    fc.mains = FASC_MAINS_OFF;
    fasc_filterbank *fb;
    fasc_filterbank_create(&fc, &fb);
    fasc_filterbank_process(fb, (const float *const *)x, frames, y, frames, NULL);
    fasc_filterbank_destroy(&fb);
    for (int c = 0; c < cfg->channels; c++)
        free(x[c]);
    free(x);
    return y;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench_detectability(void)
{
    const double snrs[5] = {6, 10, 14, 20, 26};
    printf("\noracle matched-filter output SNR d per FP discharge (8 channels, 2048 Hz,\n"
           "6 units, 5 seeds x 3 min); fraction with d >= 5 is roughly what a perfect\n"
           "detector finds at ~1 false alarm per minute\n");
    printf("%6s %7s %7s %7s %7s %7s %9s\n", "SNR dB", "p5", "p20", "median", "p80", "p95", "d>=5");
    for (int k = 0; k < 5; k++) {
        double *d = NULL;
        size_t nd = 0;
        for (uint64_t seed = 1; seed <= 5; seed++) {
            fasc_synth_config cfg;
            fasc_synth_config_default(&cfg);
            cfg.snr_db = snrs[k];
            cfg.seed = seed;
            cfg.fasc_per_min = 40;
            const size_t frames = (size_t)(180 * cfg.sample_rate);
            events ev = {0};
            float **with = render_filtered(&cfg, frames, NULL);
            cfg.noise = false;
            float **clean = render_filtered(&cfg, frames, &ev);
            d = realloc(d, (nd + ev.n) * sizeof(double));
            const long w = (long)(0.015 * cfg.sample_rate);
            for (size_t i = 0; i < ev.n; i++) {
                const long p = (long)ev.e[i].peak_index;
                if (p < w + 4096 || p + w + 4096 > (long)frames)
                    continue;
                double energy = 0.0, s1 = 0.0, s2 = 0.0;
                for (int c = 0; c < cfg.channels; c++)
                    for (long j = -w; j <= w; j++)
                        energy += (double)clean[c][p + j] * clean[c][p + j];
                int m = 0;
                for (long at = 4096; at + w < (long)frames - 4096 && m < 300; at += 1543, m++) {
                    double out = 0.0;
                    for (int c = 0; c < cfg.channels; c++)
                        for (long j = -w; j <= w; j++)
                            out += ((double)with[c][at + j] - clean[c][at + j]) * clean[c][p + j];
                    s1 += out;
                    s2 += out * out;
                }
                const double sd = sqrt(s2 / m - (s1 / m) * (s1 / m));
                d[nd++] = energy / sd;
            }
            for (int c = 0; c < cfg.channels; c++) {
                free(with[c]);
                free(clean[c]);
            }
            free(with);
            free(clean);
            free(ev.e);
        }
        qsort(d, nd, sizeof(double), cmp_double);
        size_t above = 0;
        for (size_t i = 0; i < nd; i++)
            above += d[i] >= 5.0;
        printf("%6.0f %7.2f %7.2f %7.2f %7.2f %7.2f %9.3f\n", snrs[k], d[nd * 5 / 100],
               d[nd * 20 / 100], d[nd / 2], d[nd * 80 / 100], d[nd * 95 / 100],
               (double)above / nd);
        free(d);
    }
}

int main(void)
{
    bench_speed();
    bench_detectability();
    return 0;
}
