/* Speed of the composed detector on a busy recording: fasc-synth with
 * every interference (50 Hz mains, ECG, voluntary contractions, movement,
 * pops, wander) at 20 dB, 10 units, generated into memory once, then fed
 * in blocks of 256 samples with every event read. The performance report's
 * input is sparse spikes in noise; here every contraction and heartbeat
 * brings candidates to verify, time and classify, so this is the figure a
 * recording of a patient gives. Printed: M channel-samples/s of thread CPU
 * time (median and best of the runs), times real time, events per second.
 * Usage: bench_busy [seconds] [runs] [seed] (defaults 60 5 3). */
#include <stdio.h>
#include <stdlib.h>

#include "../bench_clock.h"
#include "fasc/fasc.h"
#include "fasc/synth.h"

enum { BLOCK = 256 };

typedef struct layout {
    int channels, rows, cols;
} layout;

/* Seconds of fasc-synth --all-artefacts, planar; NULL on failure. */
static float *generate(const layout *g, double seconds, unsigned seed, size_t *frames)
{
    fasc_synth_config sc;
    fasc_synth_config_default(&sc);
    sc.channels = g->channels;
    sc.grid_rows = g->rows;
    sc.grid_cols = g->cols;
    sc.seed = seed;
    sc.snr_db = 20.0;
    sc.units = 10;
    sc.mains_hz = 50.0;
    sc.ecg = sc.voluntary = sc.movement = sc.pops = sc.wander = true;
    *frames = (size_t)(seconds * sc.sample_rate);
    fasc_synth *sy = NULL;
    float *data = malloc(sizeof(float) * *frames * (size_t)g->channels);
    float **out = malloc(sizeof(float *) * (size_t)g->channels);
    int ok = data && out && fasc_synth_create(&sc, &sy) == FASC_OK;
    for (size_t at = 0; ok && at < *frames; at += BLOCK) {
        const size_t n = *frames - at < BLOCK ? *frames - at : BLOCK;
        for (int c = 0; c < g->channels; c++)
            out[c] = data + (size_t)c * *frames + at;
        ok = fasc_synth_generate(sy, out, n, NULL, NULL) == FASC_OK;
    }
    fasc_synth_destroy(&sy);
    free(out);
    if (!ok) {
        free(data);
        return NULL;
    }
    return data;
}

/* One pass of the recording through a fresh object; returns CPU seconds
 * of processing (creation excluded), -1 on failure. */
static double one_run(const layout *g, const float *data, size_t frames, long *events)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = g->channels;
    cfg.sample_rate = 2048.0;
    if (g->rows > 0) {
        cfg.geometry = FASC_GEOMETRY_GRID;
        cfg.grid_rows = g->rows;
        cfg.grid_cols = g->cols;
    }
    fasc *f = NULL;
    const float **in = malloc(sizeof(float *) * (size_t)g->channels);
    if (!in || fasc_create(&cfg, &f) != FASC_OK) {
        free(in);
        return -1.0;
    }
    fasc_event ev;
    *events = 0;
    const double t0 = bench_now();
    for (size_t at = 0; at < frames; at += BLOCK) {
        const size_t n = frames - at < BLOCK ? frames - at : BLOCK;
        for (int c = 0; c < g->channels; c++)
            in[c] = data + (size_t)c * frames + at;
        fasc_process(f, in, n);
        while (fasc_next(f, &ev, NULL, 0) == 1)
            ++*events;
    }
    fasc_flush(f);
    while (fasc_next(f, &ev, NULL, 0) == 1)
        ++*events;
    const double cpu = bench_now() - t0;
    fasc_destroy(&f);
    free(in);
    return cpu;
}

int main(int argc, char **argv)
{
    const double seconds = argc > 1 ? atof(argv[1]) : 60.0;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    const unsigned seed = argc > 3 ? (unsigned)atoi(argv[3]) : 3u;
    if (!(seconds >= 1.0 && seconds <= 3600.0) || runs < 1) {
        fprintf(stderr, "usage: bench_busy [seconds 1-3600] [runs >= 1] [seed]\n");
        return 2;
    }
    runs = runs > 32 ? 32 : runs;
    static const layout layouts[] = {{8, 0, 0}, {64, 8, 8}};
    printf("composed detector on fasc-synth --all-artefacts, 20 dB, 10 units, %.0f s, seed %u,"
           " blocks of %d, every event read; M/s: million channel-samples per second of thread CPU"
           " time, median and best of %d runs\n",
           seconds, seed, BLOCK, runs);
    printf("%-10s %8s %10s %10s %11s %10s\n", "layout", "channels", "median_M/s", "best_M/s",
           "x_realtime", "events/s");
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++) {
        const layout *g = &layouts[i];
        size_t frames = 0;
        float *data = generate(g, seconds, seed, &frames);
        if (!data) {
            fprintf(stderr, "bench_busy: could not generate %d channels\n", g->channels);
            return 1;
        }
        double rate[32];
        long events = 0;
        for (int r = 0; r < runs; r++) {
            const double cpu = one_run(g, data, frames, &events);
            if (!(cpu > 0.0)) {
                fprintf(stderr, "bench_busy: the composed detector failed at %d channels\n",
                        g->channels);
                free(data);
                return 1;
            }
            rate[r] = (double)frames * g->channels / cpu * 1e-6;
        }
        qsort(rate, (size_t)runs, sizeof rate[0], bench_compare);
        char name[32];
        if (g->rows > 0)
            snprintf(name, sizeof name, "grid %dx%d", g->rows, g->cols);
        else
            snprintf(name, sizeof name, "line");
        printf("%-10s %8d %10.1f %10.1f %11.0f %10.1f\n", name, g->channels, rate[runs / 2],
               rate[runs - 1], rate[runs / 2] * 1e6 / (2048.0 * g->channels),
               (double)events / seconds);
        free(data);
    }
    return 0;
}
