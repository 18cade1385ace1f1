/* libFuzzer harness: the composed streaming API (fasc.h: filter bank ->
 * detector -> classifier). The first bytes choose the channel count
 * (1-16), the rate (500 Hz to 44.1 kHz), the electrode layout, a value
 * scale (denormal, µV, huge) and the block sizes; the rest are 16-bit
 * samples, repeated to a few seconds, where two codes stand for NaN and
 * ±Inf and a third starts a long run of exact zeros. Somewhere in the
 * middle the input may restart (fasc_restart, a second pass). Every event
 * is read with its snippet. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/fasc.h"

enum { HEADER = 8, MAX_CH = 16, MAX_BLOCK = 4096 };

typedef struct source {
    const uint8_t *data;
    size_t frames, pos, zeros;
    int channels;
    float scale;
} source;

/* Sample of channel c at the source's position (frames repeat). */
static float sample_at(source *s, int c)
{
    if (s->zeros > 0)
        return 0.0f;
    const size_t k = ((s->pos % s->frames) * (size_t)s->channels + (size_t)c) * 2;
    const int16_t v = (int16_t)(s->data[k] | (s->data[k + 1] << 8));
    if (v == INT16_MAX)
        return NAN;
    if (v == INT16_MIN)
        return (s->pos & 1) ? INFINITY : -INFINITY;
    if (v == INT16_MIN + 1 && c == 0)
        s->zeros = 4096; /* two seconds of digital silence at 2 kHz */
    return (float)v * s->scale;
}

static void drain(fasc *f, float *snippet, size_t capacity)
{
    fasc_event ev;
    while (fasc_next(f, &ev, snippet, capacity) == 1)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER + 2)
        return 0;
    static const double rates[] = {500.0, 1000.0, 2048.0, 4000.0, 10000.0, 44100.0};
    static const float scales[] = {1e-40f, 1.0f, 100.0f, 1e30f};
    static const fasc_geometry layouts[] = {FASC_GEOMETRY_LINE, FASC_GEOMETRY_GRID,
                                            FASC_GEOMETRY_NONE};
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = 1 + data[0] % MAX_CH;
    cfg.sample_rate = rates[data[1] % 6];
    cfg.geometry = layouts[data[2] % 3];
    if (cfg.geometry == FASC_GEOMETRY_GRID) {
        cfg.grid_rows = cfg.channels % 2 ? 1 : 2;
        cfg.grid_cols = cfg.channels / cfg.grid_rows;
    }
    const unsigned block_seed = data[4] | (unsigned)data[5] << 8;
    const bool restart = data[6] & 1;
    source s = {data + HEADER, (size - HEADER) / (2 * (size_t)cfg.channels), 0, 0, cfg.channels,
                scales[data[3] % 4]};
    if (s.frames == 0)
        return 0;
    fasc *f = NULL;
    if (fasc_create(&cfg, &f) != FASC_OK)
        return 0;
    const size_t capacity = fasc_snippet_length(f);
    float *snippet = malloc(sizeof(float) * (capacity ? capacity : 1));
    float *buf = malloc(sizeof(float) * MAX_BLOCK * (size_t)cfg.channels);
    const float *x[MAX_CH];
    /* up to three seconds (the classifier decides a block's candidates a
     * second later), and at most 120 000 samples, so that many inputs run */
    size_t total = (size_t)(3.0 * cfg.sample_rate);
    if (total * (size_t)cfg.channels > 120000)
        total = 120000 / (size_t)cfg.channels;
    uint32_t rng = block_seed | 1u;
    for (size_t done = 0; snippet && buf && done < total;) {
        rng = rng * 1664525u + 1013904223u;
        size_t n = 1 + (rng >> 8) % MAX_BLOCK;
        n = n < total - done ? n : total - done;
        for (int c = 0; c < cfg.channels; c++)
            x[c] = buf + (size_t)c * MAX_BLOCK;
        for (size_t i = 0; i < n; i++, s.pos++) {
            for (int c = 0; c < cfg.channels; c++)
                buf[(size_t)c * MAX_BLOCK + i] = sample_at(&s, c);
            s.zeros -= s.zeros > 0;
        }
        if (fasc_process(f, x, n) != FASC_OK)
            break;
        drain(f, snippet, capacity);
        if (restart && done < total / 2 && done + n >= total / 2)
            fasc_restart(f);
        done += n;
    }
    fasc_flush(f);
    drain(f, snippet, capacity);
    drain(f, NULL, 0);
    fasc_destroy(&f);
    free(buf);
    free(snippet);
    return 0;
}
