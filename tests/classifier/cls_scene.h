/* Hand-built recordings for the classifier's core tests: Gaussian noise
 * from a fixed-seed generator, broad biphasic "beats" on every channel,
 * Mexican-hat discharges with their candidate (fasc_detection) written
 * as the detector would, single-lead pops; and a run of a classifier over
 * them in blocks, pushing each candidate as soon as the signal up to its
 * offset has been processed and recording when every event came out. */
#ifndef FASC_TEST_CLS_SCENE_H
#define FASC_TEST_CLS_SCENE_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fasc/classifier.h"

#define CS_FS 2048.0
#define CS_PI 3.14159265358979323846
enum {
    CS_SNIP_PRE = 41,  /* lround(0.020 * 2048) */
    CS_SNIP_LEN = 103, /* 41 + lround(0.030 * 2048) + 1 */
    CS_MAX_CAND = 4096,
    CS_ROWS = FASC_DETECTOR_MAX_EVENT_CHANNELS
};

/* splitmix64: small, fixed, the same on every machine */
typedef struct cs_rng {
    uint64_t s;
} cs_rng;

static inline uint64_t cs_u64(cs_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline double cs_uniform(cs_rng *r) /* (0, 1) */
{
    return ((double)(cs_u64(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static inline double cs_gauss(cs_rng *r)
{
    const double u1 = cs_uniform(r), u2 = cs_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * CS_PI * u2);
}

typedef struct cs_scene {
    int channels;
    size_t n;
    float *x;       /* planar: x[c * n + t] */
    float noise_sd;
    fasc_detection *cand; /* sorted by offset by cs_finish() */
    float *snips;         /* CS_ROWS rows of CS_SNIP_LEN per candidate */
    int n_cand;
    fasc_index *beats;    /* R-wave samples of the beats */
    int n_beats;
} cs_scene;

static inline cs_scene cs_new(int channels, double seconds, float noise_sd, uint64_t seed)
{
    cs_scene sc;
    memset(&sc, 0, sizeof sc);
    sc.channels = channels;
    sc.n = (size_t)(seconds * CS_FS);
    sc.noise_sd = noise_sd;
    sc.x = malloc(sizeof(float) * sc.n * (size_t)channels);
    sc.cand = calloc(CS_MAX_CAND, sizeof *sc.cand);
    sc.beats = calloc(1024, sizeof *sc.beats);
    assert_non_null(sc.x);
    assert_non_null(sc.cand);
    assert_non_null(sc.beats);
    cs_rng r = {seed};
    for (size_t i = 0; i < sc.n * (size_t)channels; i++)
        sc.x[i] = (float)(noise_sd * cs_gauss(&r));
    return sc;
}

static inline void cs_free(cs_scene *sc)
{
    free(sc->x);
    free(sc->cand);
    free(sc->snips);
    free(sc->beats);
    memset(sc, 0, sizeof *sc);
}

static inline float *cs_at(cs_scene *sc, int c, fasc_index t)
{
    return sc->x + (size_t)c * sc->n + (size_t)t;
}

/* Beats: one period of a sine 10 ms (21 samples) long and `amp` µV on
 * every channel (a little smaller on later ones), every `period_s` from
 * `first_s`. The R wave is the positive lobe's top. */
static inline void cs_beats(cs_scene *sc, double first_s, double period_s, double amp)
{
    const int w = 21;
    for (double t0 = first_s; (size_t)(t0 * CS_FS) + (size_t)w < sc->n; t0 += period_s) {
        const fasc_index at = (fasc_index)(t0 * CS_FS);
        for (int c = 0; c < sc->channels; c++)
            for (int i = 0; i < w; i++)
                *cs_at(sc, c, at + i) +=
                    (float)(amp * (1.0 - 0.04 * c) * sin(2.0 * CS_PI * (i + 0.5) / w));
        sc->beats[sc->n_beats++] = at + w / 4;
    }
}

/* Mexican hat of width s samples: three phases, p2p = 1.446 a. */
static inline double cs_hat(double u, double s)
{
    const double v = u / s;
    return (1.0 - v * v) * exp(-0.5 * v * v);
}

/* A discharge on `count` neighbouring channels from `main` (main first,
 * each next one 60 % of the previous), and its candidate. */
static inline fasc_detection *cs_discharge(cs_scene *sc, int main, int count, fasc_index peak,
                                           double p2p, double score, unsigned flags)
{
    assert_true(sc->n_cand < CS_MAX_CAND);
    const double s = 3.0;
    fasc_detection *d = &sc->cand[sc->n_cand++];
    memset(d, 0, sizeof *d);
    d->onset = peak - 10;
    d->peak = peak;
    d->offset = peak + 12;
    d->main_channel = main;
    d->polarity = 1;
    d->peak_to_peak_uv = (float)p2p;
    d->score = (float)score;
    d->noise_sd_uv = sc->noise_sd;
    d->flags = flags;
    d->snippet_length = CS_SNIP_LEN;
    d->snippet_start = peak - CS_SNIP_PRE;
    double a = p2p / 1.446;
    for (int j = 0; j < count; j++) {
        const int c = main + j < sc->channels ? main + j : main - (main + j - sc->channels + 1);
        for (int u = -15; u <= 15; u++)
            if (peak + u >= 0 && (size_t)(peak + u) < sc->n)
                *cs_at(sc, c, peak + u) += (float)(a * cs_hat(u, s));
        d->channels[j] = c;
        d->channel_peak[j] = peak;
        d->channel_peak_to_peak_uv[j] = (float)(a * 1.446);
        a *= 0.6;
    }
    d->channel_count = count;
    return d;
}

/* The main channel's line neighbours that d does not involve, as the
 * detector adds them (quiet rows), with the scene's noise σ on each row. */
static inline void cs_add_quiet(const cs_scene *sc, fasc_detection *d)
{
    const int around[2] = {d->main_channel - 1, d->main_channel + 1};
    d->quiet_count = 0;
    for (int j = 0; j < 2; j++) {
        bool involved = around[j] < 0 || around[j] >= sc->channels;
        for (int k = 0; k < d->channel_count; k++)
            involved |= d->channels[k] == around[j];
        if (!involved)
            d->quiet_channels[d->quiet_count++] = around[j];
    }
    for (int k = 0; k < fasc_detection_rows(d); k++)
        d->row_noise_sd_uv[k] = d->noise_sd_uv;
}

/* A candidate with no waveform added (the signal is already there). */
static inline fasc_detection *cs_candidate(cs_scene *sc, int main, fasc_index onset,
                                           fasc_index peak, fasc_index offset, double p2p,
                                           unsigned flags)
{
    assert_true(sc->n_cand < CS_MAX_CAND);
    fasc_detection *d = &sc->cand[sc->n_cand++];
    memset(d, 0, sizeof *d);
    d->onset = onset;
    d->peak = peak;
    d->offset = offset;
    d->main_channel = main;
    d->polarity = 1;
    d->peak_to_peak_uv = (float)p2p;
    d->score = 30.0f;
    d->noise_sd_uv = sc->noise_sd;
    d->flags = flags;
    d->channel_count = 1;
    d->channels[0] = main;
    d->channel_peak[0] = peak;
    d->channel_peak_to_peak_uv[0] = (float)p2p;
    d->snippet_length = CS_SNIP_LEN;
    d->snippet_start = peak - CS_SNIP_PRE;
    return d;
}

static int cs_by_offset(const void *a, const void *b)
{
    const fasc_detection *p = a, *q = b;
    if (p->offset != q->offset)
        return p->offset < q->offset ? -1 : 1;
    return p->peak < q->peak ? -1 : p->peak > q->peak;
}

/* Candidates in the detector's order, with their snippets cut from the
 * finished signal (zero outside it). */
static inline void cs_finish(cs_scene *sc)
{
    qsort(sc->cand, (size_t)sc->n_cand, sizeof *sc->cand, cs_by_offset);
    free(sc->snips);
    sc->snips = calloc((size_t)(sc->n_cand ? sc->n_cand : 1) * CS_ROWS * CS_SNIP_LEN,
                       sizeof(float));
    assert_non_null(sc->snips);
    for (int i = 0; i < sc->n_cand; i++) {
        const fasc_detection *d = &sc->cand[i];
        for (int j = 0; j < fasc_detection_rows(d); j++)
            for (int k = 0; k < CS_SNIP_LEN; k++) {
                const fasc_index t = d->snippet_start + k;
                if (t >= 0 && (size_t)t < sc->n)
                    sc->snips[((size_t)i * CS_ROWS + (size_t)j) * CS_SNIP_LEN + (size_t)k] =
                        *cs_at(sc, fasc_detection_row_channel(d, j), t);
            }
    }
}

static inline const float *cs_snip(const cs_scene *sc, int i)
{
    return sc->snips + (size_t)i * CS_ROWS * CS_SNIP_LEN;
}

/* What came out of a classifier. */
typedef struct cs_out {
    fasc_classified *ev;
    float *snip;        /* CS_SNIP_LEN per event */
    fasc_index *avail;  /* samples processed when it was popped */
    size_t n, cap;
} cs_out;

static inline void cs_out_free(cs_out *o)
{
    free(o->ev);
    free(o->snip);
    free(o->avail);
    memset(o, 0, sizeof *o);
}

static inline void cs_drain(fasc_classifier *cls, cs_out *o, fasc_index processed)
{
    for (;;) {
        if (o->n == o->cap) {
            o->cap = o->cap ? 2 * o->cap : 256;
            o->ev = realloc(o->ev, sizeof *o->ev * o->cap);
            o->snip = realloc(o->snip, sizeof(float) * CS_SNIP_LEN * o->cap);
            o->avail = realloc(o->avail, sizeof *o->avail * o->cap);
            assert_non_null(o->ev);
            assert_non_null(o->snip);
            assert_non_null(o->avail);
        }
        float *snip = o->snip + o->n * CS_SNIP_LEN;
        memset(snip, 0, sizeof(float) * CS_SNIP_LEN);
        const int r = fasc_classifier_next(cls, &o->ev[o->n], snip, CS_SNIP_LEN);
        assert_true(r == 0 || r == 1);
        if (r == 0)
            return;
        o->avail[o->n++] = processed;
    }
}

/* Feeds the whole scene: one block (max_block 0) or random blocks of
 * 0..max_block samples; flushes when asked. */
static inline void cs_feed(fasc_classifier *cls, const cs_scene *sc, cs_out *o, uint64_t seed,
                           size_t max_block, bool flush)
{
    const float *ptr[FASC_MAX_CHANNELS];
    cs_rng r = {seed};
    int next = 0;
    for (size_t done = 0; done < sc->n;) {
        size_t len = max_block ? (size_t)(cs_u64(&r) % (max_block + 1)) : sc->n;
        if (len > sc->n - done)
            len = sc->n - done;
        for (int c = 0; c < sc->channels; c++)
            ptr[c] = sc->x + (size_t)c * sc->n + done;
        assert_int_equal(fasc_classifier_process(cls, ptr, NULL, len), FASC_OK);
        done += len;
        while (next < sc->n_cand && sc->cand[next].offset < (fasc_index)done) {
            assert_int_equal(fasc_classifier_push(cls, &sc->cand[next], cs_snip(sc, next)),
                             FASC_OK);
            next++;
        }
        cs_drain(cls, o, (fasc_index)done);
    }
    if (flush) {
        for (; next < sc->n_cand; next++)
            assert_int_equal(fasc_classifier_push(cls, &sc->cand[next], cs_snip(sc, next)),
                             FASC_OK);
        assert_int_equal(fasc_classifier_flush(cls), FASC_OK);
        cs_drain(cls, o, (fasc_index)sc->n);
    }
}

/* A classifier fed the scene (as cs_feed), kept for the caller's queries
 * (fasc_classifier_destroy it); its events in *o. */
static inline fasc_classifier *cs_run_kept(const fasc_classifier_config *cfg, const cs_scene *sc,
                                           cs_out *o, uint64_t seed, size_t max_block,
                                           bool flush)
{
    fasc_classifier *cls = NULL;
    assert_int_equal(fasc_classifier_create(cfg, &cls), FASC_OK);
    memset(o, 0, sizeof *o);
    cs_feed(cls, sc, o, seed, max_block, flush);
    return cls;
}

static inline cs_out cs_run(const fasc_classifier_config *cfg, const cs_scene *sc,
                            uint64_t seed, size_t max_block)
{
    fasc_classifier *cls = NULL;
    assert_int_equal(fasc_classifier_create(cfg, &cls), FASC_OK);
    cs_out o;
    memset(&o, 0, sizeof o);
    cs_feed(cls, sc, &o, seed, max_block, true);
    fasc_classifier_destroy(&cls);
    assert_null(cls);
    return o;
}

#define CS_SAME(a, b) (memcmp(&(a), &(b), sizeof(a)) == 0)

/* Field by field (bit patterns for floats), so padding never matters. */
static inline bool cs_same_event(const fasc_classified *a, const fasc_classified *b)
{
    bool same = CS_SAME(a->onset, b->onset) && CS_SAME(a->peak, b->peak) &&
                CS_SAME(a->offset, b->offset) && a->channel == b->channel && a->cls == b->cls &&
                a->epoch == b->epoch && a->unit == b->unit && a->repeat == b->repeat &&
                CS_SAME(a->peak_to_peak_uv, b->peak_to_peak_uv) &&
                CS_SAME(a->confidence, b->confidence) && a->flags == b->flags &&
                a->channel_count == b->channel_count;
    for (int j = 0; same && j < a->channel_count && j < CS_ROWS; j++)
        same = a->channels[j] == b->channels[j];
    const fasc_features *f = &a->features, *g = &b->features;
    return same && CS_SAME(f->peak_to_peak_uv, g->peak_to_peak_uv) &&
           CS_SAME(f->duration_ms, g->duration_ms) && f->phases == g->phases &&
           f->turns == g->turns && CS_SAME(f->area_uv_ms, g->area_uv_ms) &&
           CS_SAME(f->rise_time_ms, g->rise_time_ms) &&
           CS_SAME(f->spectral_centroid_hz, g->spectral_centroid_hz) &&
           f->channel_count == g->channel_count && CS_SAME(f->peak_spread_ms, g->peak_spread_ms) &&
           CS_SAME(f->interval_prev_s, g->interval_prev_s) && CS_SAME(f->train_cv, g->train_cv);
}

static inline void cs_assert_same(const cs_out *a, const cs_out *b)
{
    if (a->n != b->n)
        fail_msg("%zu events vs %zu", a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        if (!cs_same_event(&a->ev[i], &b->ev[i]))
            fail_msg("event %zu differs: peak %ld class %d unit %d vs peak %ld class %d unit %d",
                     i, (long)a->ev[i].peak, (int)a->ev[i].cls, a->ev[i].unit,
                     (long)b->ev[i].peak, (int)b->ev[i].cls, b->ev[i].unit);
        if (memcmp(a->snip + i * CS_SNIP_LEN, b->snip + i * CS_SNIP_LEN,
                   sizeof(float) * CS_SNIP_LEN) != 0)
            fail_msg("event %zu (peak %ld): snippets differ", i, (long)a->ev[i].peak);
    }
}

/* The event (not epoch) whose peak is within tol of `peak`, or NULL. */
static inline const fasc_classified *cs_find(const cs_out *o, fasc_index peak, fasc_index tol)
{
    for (size_t i = 0; i < o->n; i++)
        if (!o->ev[i].epoch && o->ev[i].peak >= peak - tol && o->ev[i].peak <= peak + tol)
            return &o->ev[i];
    return NULL;
}

#endif
