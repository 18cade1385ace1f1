/* The composed detector's streaming contract on fasc-synth recordings with
 * every interference on (8 channels, 60 s): identical events and snippets
 * whatever the block split (random lengths 0..5000, many of 0 and 1) and
 * with the interleaved entry; reset and caller memory at an odd address
 * reproduce create; NaN / Inf bursts give no fasciculation inside them;
 * digital silence gives none; every event is handed out within
 * fasc_latency() input samples of its offset (heartbeats aside); 1, 3 and
 * 16 channels at 500, 2048 and 10000 Hz give well-formed events, in order
 * of peak, fasciculations with a unit; a decimated input is split-proof
 * too; a rail-clipped lead is an artefact epoch. Runs are compared event
 * by event in the order handed out (blocks of 0..40 once swapped a beat
 * and a candidate with the same peak, fixed in c6769dd); noise_sd_uv is
 * compared too (it was read from the detector at hand-out time). The tests
 * at the end found bugs in their first version; all are fixed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fasc/fasc.h"
#include "fasc/synth.h"

/* splitmix64 */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- input ---- */

typedef struct recording {
    int channels;
    double fs;
    size_t n;
    float *x; /* planar x[c * n + t] */
} recording;

static recording synth_from(const fasc_synth_config *s, double seconds);

static recording synth(int channels, double fs, double seconds, uint64_t seed)
{
    fasc_synth_config s;
    fasc_synth_config_default(&s);
    s.channels = channels;
    s.sample_rate = fs;
    s.seed = seed;
    s.snr_db = 20.0;
    s.units = 6;
    s.fasc_per_min = 60.0;
    s.mains_hz = 50.0;
    s.ecg = s.voluntary = s.movement = s.pops = s.wander = true;
    return synth_from(&s, seconds);
}

static recording synth_from(const fasc_synth_config *s, double seconds)
{
    const int channels = s->channels;
    recording r = {channels, s->sample_rate, (size_t)(seconds * s->sample_rate), NULL};
    r.x = malloc(sizeof(float) * r.n * (size_t)channels);
    assert_non_null(r.x);
    fasc_synth *sy = NULL;
    assert_int_equal(fasc_synth_create(s, &sy), FASC_OK);
    float *ptr[FASC_MAX_CHANNELS];
    for (size_t done = 0; done < r.n;) {
        const size_t len = r.n - done < 4096 ? r.n - done : 4096;
        for (int c = 0; c < channels; c++)
            ptr[c] = r.x + (size_t)c * r.n + done;
        assert_int_equal(fasc_synth_generate(sy, ptr, len, NULL, NULL), FASC_OK);
        done += len;
    }
    fasc_synth_destroy(&sy);
    return r;
}

static float *interleave(const recording *r)
{
    float *xi = malloc(sizeof(float) * r->n * (size_t)r->channels);
    assert_non_null(xi);
    for (size_t t = 0; t < r->n; t++)
        for (int c = 0; c < r->channels; c++)
            xi[t * (size_t)r->channels + (size_t)c] = r->x[(size_t)c * r->n + t];
    return xi;
}

static fasc_config config_for(const recording *r)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.sample_rate = r->fs;
    cfg.channels = r->channels;
    return cfg;
}

/* ---- output ---- */

typedef struct out {
    fasc_event *ev;
    float *snip;       /* snip_len per event */
    fasc_index *avail; /* input samples fed when it was popped */
    size_t n, cap, snip_len;
} out;

static void out_free(out *o)
{
    free(o->ev);
    free(o->snip);
    free(o->avail);
    memset(o, 0, sizeof *o);
}

static void drain(fasc *f, out *o, fasc_index fed)
{
    o->snip_len = fasc_snippet_length(f);
    for (;;) {
        if (o->n == o->cap) {
            o->cap = o->cap ? 2 * o->cap : 256;
            o->ev = realloc(o->ev, sizeof *o->ev * o->cap);
            o->snip = realloc(o->snip, sizeof(float) * o->snip_len * o->cap);
            o->avail = realloc(o->avail, sizeof *o->avail * o->cap);
            assert_non_null(o->ev);
            assert_non_null(o->snip);
            assert_non_null(o->avail);
        }
        float *snip = o->snip + o->n * o->snip_len;
        memset(snip, 0, sizeof(float) * o->snip_len);
        const int r = fasc_next(f, &o->ev[o->n], snip, o->snip_len);
        assert_true(r == 0 || r == 1);
        if (r == 0)
            return;
        o->avail[o->n++] = fed;
    }
}

/* One call (seed 0) or random blocks: a tenth of length 0, a tenth of
 * length 1, the rest 1..max_block. Planar, or interleaved from xi. The
 * input is not flushed. */
static void feed_pass(fasc *f, const recording *r, const float *xi, uint64_t seed,
                      size_t max_block, out *o)
{
    const float *ptr[FASC_MAX_CHANNELS];
    uint64_t s = seed;
    for (size_t done = 0; done < r->n;) {
        size_t len = r->n;
        if (seed) {
            const uint64_t kind = next_u64(&s) % 10;
            len = kind == 0 ? 0 : kind == 1 ? 1 : 1 + (size_t)(next_u64(&s) % max_block);
        }
        if (len > r->n - done)
            len = r->n - done;
        if (xi) {
            assert_int_equal(
                fasc_process_interleaved(f, xi + done * (size_t)r->channels, len), FASC_OK);
        } else {
            for (int c = 0; c < r->channels; c++)
                ptr[c] = r->x + (size_t)c * r->n + done;
            assert_int_equal(fasc_process(f, ptr, len), FASC_OK);
        }
        done += len;
        drain(f, o, (fasc_index)done);
    }
}

/* feed_pass, then the end of input. */
static void feed(fasc *f, const recording *r, const float *xi, uint64_t seed, size_t max_block,
                 out *o)
{
    feed_pass(f, r, xi, seed, max_block, o);
    assert_int_equal(fasc_flush(f), FASC_OK);
    drain(f, o, (fasc_index)r->n);
}

static out run(const recording *r, const float *xi, uint64_t seed, size_t max_block)
{
    fasc_config cfg = config_for(r);
    fasc *f = NULL;
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    out o;
    memset(&o, 0, sizeof o);
    feed(f, r, xi, seed, max_block, &o);
    fasc_destroy(&f);
    assert_null(f);
    return o;
}

#define SAME(a, b) (memcmp(&(a), &(b), sizeof(a)) == 0)

/* The first field (bit patterns for floats) in which two events differ,
 * or NULL: field by field, so padding never matters. */
static const char *differing_field(const fasc_event *a, const fasc_event *b, bool noise_sd)
{
    if (noise_sd && !SAME(a->noise_sd_uv, b->noise_sd_uv))
        return "noise_sd_uv";
#define FIELD(x)                   \
    if (!SAME(a->x, b->x))         \
        return #x;
    FIELD(onset) FIELD(peak) FIELD(offset) FIELD(channel) FIELD(cls) FIELD(epoch) FIELD(unit)
    FIELD(repeat) FIELD(peak_to_peak_uv) FIELD(confidence) FIELD(flags)
    FIELD(channel_count) FIELD(channels) FIELD(features.peak_to_peak_uv)
    FIELD(features.duration_ms) FIELD(features.phases) FIELD(features.turns)
    FIELD(features.area_uv_ms) FIELD(features.rise_time_ms) FIELD(features.spectral_centroid_hz)
    FIELD(features.channel_count) FIELD(features.peak_spread_ms)
    FIELD(features.interval_prev_s) FIELD(features.train_cv)
#undef FIELD
    return NULL;
}

/* Event by event, in the order handed out; noise_sd: compare noise_sd_uv
 * too (see noise_sd_independent_of_split). */
static void assert_same_x(const out *a, const out *b, const char *what, bool noise_sd)
{
    const size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        const fasc_event *p = &a->ev[i], *q = &b->ev[i];
        const char *field = differing_field(p, q, noise_sd);
        if (field)
            fail_msg("%s: event %zu differs in %s: %s%s ch %d peak %ld unit %d noise %.9g vs"
                     " %s%s ch %d peak %ld unit %d noise %.9g", what, i, field,
                     p->epoch ? "epoch " : "", fasc_class_name(p->cls), p->channel,
                     (long)p->peak, p->unit, (double)p->noise_sd_uv, q->epoch ? "epoch " : "",
                     fasc_class_name(q->cls), q->channel, (long)q->peak, q->unit,
                     (double)q->noise_sd_uv);
        if (memcmp(a->snip + i * a->snip_len, b->snip + i * b->snip_len,
                   sizeof(float) * a->snip_len) != 0)
            fail_msg("%s: event %zu (peak %ld): snippets differ", what, i, (long)p->peak);
    }
    if (a->n != b->n)
        fail_msg("%s: %zu events vs %zu", what, a->n, b->n);
}

static void assert_same(const out *a, const out *b, const char *what)
{
    assert_same_x(a, b, what, true);
}

static size_t count_class(const out *o, fasc_class cls, bool epochs)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n; i++)
        n += o->ev[i].cls == cls && o->ev[i].epoch == epochs;
    return n;
}

static bool finite_features(const fasc_features *f)
{
    return isfinite(f->peak_to_peak_uv) && isfinite(f->duration_ms) &&
           isfinite(f->area_uv_ms) && isfinite(f->rise_time_ms) &&
           isfinite(f->spectral_centroid_hz) && isfinite(f->peak_spread_ms) &&
           isfinite(f->interval_prev_s) && isfinite(f->train_cv);
}

/* Every event well formed; discharges in order of peak. */
static void assert_well_formed(const out *o, int channels, size_t n, const char *what)
{
    fasc_index last_peak = -1;
    for (size_t i = 0; i < o->n; i++) {
        const fasc_event *e = &o->ev[i];
        const bool ok = e->onset >= 0 && e->onset <= e->peak && e->peak <= e->offset &&
                        (size_t)e->onset < n && e->channel >= -1 && e->channel < channels &&
                        (e->channel >= 0 || e->epoch) && (int)e->cls >= 0 &&
                        (int)e->cls < FASC_CLASS_COUNT && isfinite(e->peak_to_peak_uv) &&
                        e->confidence >= 0.0f && e->confidence <= 1.0f &&
                        isfinite(e->noise_sd_uv) && e->noise_sd_uv >= 0.0f &&
                        e->channel_count >= 0 &&
                        e->channel_count <= FASC_DETECTOR_MAX_EVENT_CHANNELS &&
                        finite_features(&e->features);
        if (!ok)
            fail_msg("%s: event %zu malformed: %s%s ch %d onset %ld peak %ld offset %ld conf %g"
                     " p2p %g", what, i, e->epoch ? "epoch " : "", fasc_class_name(e->cls),
                     e->channel, (long)e->onset, (long)e->peak, (long)e->offset,
                     (double)e->confidence, (double)e->peak_to_peak_uv);
        for (int j = 0; j < e->channel_count; j++)
            if (e->channels[j] < 0 || e->channels[j] >= channels)
                fail_msg("%s: event %zu involves channel %d", what, i, e->channels[j]);
        if (!e->epoch && e->cls == FASC_CLASS_FASCICULATION && e->unit < 1)
            fail_msg("%s: fasciculation %zu (peak %ld) has unit %d", what, i, (long)e->peak,
                     e->unit);
        if (!e->epoch) {
            if (e->peak < last_peak)
                fail_msg("%s: event %zu (peak %ld) after one at %ld", what, i, (long)e->peak,
                         (long)last_peak);
            last_peak = e->peak;
        }
    }
}

/* ---- tests ---- */

static void block_splits_and_interleaved_identical(void **state)
{
    (void)state;
    recording r = synth(8, 2048.0, 60.0, 31u);
    float *xi = interleave(&r);
    out whole = run(&r, NULL, 0, 0);
    out split = run(&r, NULL, 101u, 5000);
    out small = run(&r, NULL, 102u, 40);
    out inter = run(&r, xi, 103u, 5000);
    printf("%zu events, %zu fasciculations, %zu beats\n", whole.n,
           count_class(&whole, FASC_CLASS_FASCICULATION, false),
           count_class(&whole, FASC_CLASS_ECG, true));
    assert_true(count_class(&whole, FASC_CLASS_FASCICULATION, false) > 20);
    assert_true(count_class(&whole, FASC_CLASS_ECG, true) > 30);
    assert_well_formed(&whole, r.channels, r.n, "one call");
    assert_same(&whole, &split, "blocks 0..5000");
    assert_same(&whole, &small, "blocks 0..40");
    assert_same(&whole, &inter, "interleaved blocks 0..5000");
    out_free(&whole);
    out_free(&split);
    out_free(&small);
    out_free(&inter);
    free(xi);
    free(r.x);
}

static void reset_and_caller_memory_reproduce(void **state)
{
    (void)state;
    recording r = synth(8, 2048.0, 30.0, 32u);
    out made = run(&r, NULL, 0, 0);
    fasc_config cfg = config_for(&r);
    const size_t size = fasc_memory_size(&cfg);
    assert_true(size > 0);
    unsigned char *raw = malloc(size + 8);
    assert_non_null(raw);
    memset(raw, 0xEE, size + 8);
    unsigned char *mem = raw + ((uintptr_t)raw % 2 ? 0 : 1); /* odd address */
    fasc *f = NULL;
    assert_int_equal(fasc_init(mem, size - 1, &cfg, &f), FASC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fasc_init(mem, size, &cfg, &f), FASC_OK);
    out placed, again;
    memset(&placed, 0, sizeof placed);
    memset(&again, 0, sizeof again);
    feed(f, &r, NULL, 7u, 3000, &placed);
    assert_same(&made, &placed, "caller memory");
    /* flushed: no more input until reset */
    const float *ptr[8];
    for (int c = 0; c < 8; c++)
        ptr[c] = r.x + (size_t)c * r.n;
    assert_int_equal(fasc_process(f, ptr, 16), FASC_ERR_STATE);
    assert_int_equal(fasc_process_interleaved(f, r.x, 2), FASC_ERR_STATE);
    fasc_reset(f);
    feed(f, &r, NULL, 8u, 3000, &again);
    assert_same(&made, &again, "after reset");
    for (size_t i = (size_t)(mem - raw) + size; i < size + 8; i++)
        assert_int_equal(raw[i], 0xEE);
    /* caller memory is not freed by destroy; nothing to do but release it */
    free(raw);
    out_free(&made);
    out_free(&placed);
    out_free(&again);
    free(r.x);
}

/* A reset in mid-stream, with events still queued and units learnt: at
 * the end of a voluntary contraction, inside it, and at the end of a
 * heartbeat epoch. The recording then fed again from its start in random
 * blocks gives the events of a fresh object, snippets and noise levels
 * included. */
static void reset_mid_stream_at_epoch_boundary(void **state)
{
    (void)state;
    recording r = synth(8, 2048.0, 40.0, 37u);
    out made = run(&r, NULL, 0, 0);
    const fasc_event *vol = NULL, *beat = NULL;
    for (size_t i = 0; i < made.n; i++) {
        const fasc_event *e = &made.ev[i];
        if (e->epoch && e->cls == FASC_CLASS_VOLUNTARY && !vol)
            vol = e;
        if (e->epoch && e->cls == FASC_CLASS_ECG && e->onset > 8 * 2048 && !beat)
            beat = e;
    }
    assert_non_null(vol);
    assert_non_null(beat);
    const fasc_index cuts[3] = {vol->offset + 1, (vol->onset + vol->offset) / 2,
                                beat->offset + 1};
    const char *const what[3] = {"reset at a contraction's end", "reset inside a contraction",
                                 "reset at a heartbeat's end"};
    print_message("contraction %ld..%ld, heartbeat %ld..%ld\n", (long)vol->onset,
                  (long)vol->offset, (long)beat->onset, (long)beat->offset);
    fasc_config cfg = config_for(&r);
    for (int k = 0; k < 3; k++) {
        fasc *f = NULL;
        assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
        out before, after;
        memset(&before, 0, sizeof before);
        memset(&after, 0, sizeof after);
        const float *ptr[8];
        uint64_t s = 40u + (uint64_t)k;
        for (fasc_index done = 0; done < cuts[k];) {
            fasc_index len = 1 + (fasc_index)(next_u64(&s) % 3000);
            if (len > cuts[k] - done)
                len = cuts[k] - done;
            for (int c = 0; c < 8; c++)
                ptr[c] = r.x + (size_t)c * r.n + (size_t)done;
            assert_int_equal(fasc_process(f, ptr, (size_t)len), FASC_OK);
            done += len;
            if (next_u64(&s) % 2) /* sometimes leave events unread */
                drain(f, &before, done);
        }
        assert_true(before.n > 0);
        fasc_reset(f);
        feed(f, &r, NULL, 50u + (uint64_t)k, 3000, &after);
        assert_same(&made, &after, what[k]);
        fasc_destroy(&f);
        out_free(&before);
        out_free(&after);
    }
    out_free(&made);
    free(r.x);
}

/* Two passes (fasc_restart): the recording fed twice, blocks from seeds
 * seed1 and seed2; the second pass's events in *second. seed1 0: the first
 * pass in one call, its events never read. Returns the object, not
 * destroyed, for its totals. */
static fasc *run_twice(const recording *r, uint64_t seed1, uint64_t seed2, out *second)
{
    fasc_config cfg = config_for(r);
    fasc *f = NULL;
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    out first;
    memset(&first, 0, sizeof first);
    memset(second, 0, sizeof *second);
    if (seed1) {
        feed_pass(f, r, NULL, seed1, 3000, &first);
        assert_true(first.n > 0); /* the first pass's events are handed out too */
    } else {
        const float *ptr[FASC_MAX_CHANNELS];
        for (int c = 0; c < r->channels; c++)
            ptr[c] = r->x + (size_t)c * r->n;
        assert_int_equal(fasc_process(f, ptr, r->n), FASC_OK);
    }
    assert_int_equal(fasc_restart(f), FASC_OK);
    feed(f, r, NULL, seed2, 3000, second);
    out_free(&first);
    return f;
}

/* The second pass: indices, totals and unit counts of that pass alone,
 * identical for any block split, nothing lost or queued from the first;
 * restart is refused after flush, and reset forgets it. */
static void restart_scores_second_pass(void **state)
{
    (void)state;
    recording r = synth(8, 2048.0, 60.0, 34u);
    out once = run(&r, NULL, 0, 0);
    out twice, split;
    fasc *f = run_twice(&r, 0, 0, &twice);
    fasc *g = run_twice(&r, 11u, 12u, &split);
    /* the first pass's events never read (f) fill its queue, not the
     * second pass's count of lost events */
    assert_int_equal(fasc_dropped(f), 0);
    assert_int_equal(fasc_dropped(g), 0);
    assert_well_formed(&twice, r.channels, r.n, "second pass");
    assert_same(&twice, &split, "second pass, blocks 0..3000");
    const fasc_classifier *cls = fasc_get_classifier(f);
    fasc_channel_totals tot;
    assert_int_equal(fasc_classifier_totals(cls, -1, &tot), FASC_OK);
    const double counted = tot.scorable_s + tot.voluntary_s + tot.artefact_s;
    size_t fasciculations = 0, beats = 0, in_units = 0;
    for (size_t i = 0; i < twice.n; i++) {
        const fasc_event *e = &twice.ev[i];
        fasciculations += !e->epoch && e->cls == FASC_CLASS_FASCICULATION;
        beats += e->epoch && e->cls == FASC_CLASS_ECG;
        if (!e->epoch && e->cls == FASC_CLASS_FASCICULATION) {
            fasc_unit_info info;
            assert_int_equal(fasc_classifier_unit(cls, e->unit, &info), FASC_OK);
            in_units += 1;
        }
    }
    uint64_t discharges = 0;
    int retired = 0;
    for (int id = 1; id <= fasc_classifier_unit_count(cls); id++) {
        fasc_unit_info info;
        assert_int_equal(fasc_classifier_unit(cls, id, &info), FASC_OK);
        discharges += info.merged_into ? 0 : info.discharges;
        retired += info.retired;
        /* a retired unit (too few discharges in the first pass) gets none */
        if (info.retired && info.discharges > 0)
            fail_msg("retired unit %d has %llu discharges", id,
                     (unsigned long long)info.discharges);
    }
    double bpm = 0.0;
    const uint64_t heartbeats = fasc_classifier_heartbeats(cls, &bpm);
    printf("one pass %zu events, %zu fasciculations; second pass %zu events, %zu"
           " fasciculations, %zu beats (%llu counted), %.2f s counted, %llu discharges,"
           " %d units retired\n",
           once.n, count_class(&once, FASC_CLASS_FASCICULATION, false), twice.n, fasciculations,
           beats, (unsigned long long)heartbeats, counted, (unsigned long long)discharges,
           retired);
    /* one recording's worth, not two: the blocks from the restart on (a
     * block is at most 0.25 s), every pass-2 discharge in a unit's count,
     * the beats confirmed from the restart on (one reaching over it may be
     * handed out but not counted) */
    assert_true(fabs(counted - 60.0) < 0.26);
    assert_int_equal(tot.fasciculations, fasciculations);
    assert_int_equal(discharges, in_units);
    assert_true(heartbeats > 30 && heartbeats + 2 >= beats && heartbeats <= beats + 2);
    assert_true(fasciculations > 20);
    /* flushed: no restart; reset forgets the origin and the units */
    assert_int_equal(fasc_restart(f), FASC_ERR_STATE);
    assert_int_equal(fasc_restart(NULL), FASC_ERR_INVALID_ARGUMENT);
    fasc_reset(f);
    out again;
    memset(&again, 0, sizeof again);
    feed(f, &r, NULL, 5u, 3000, &again);
    assert_same(&once, &again, "one pass after a two-pass run and reset");
    fasc_destroy(&f);
    fasc_destroy(&g);
    out_free(&once);
    out_free(&twice);
    out_free(&split);
    out_free(&again);
    free(r.x);
}

/* The same at 10 kHz, which the bank decimates: indices of the second
 * pass from 0, within the recording, its time counted once. */
static void restart_decimated(void **state)
{
    (void)state;
    recording r = synth(8, 10000.0, 12.0, 35u);
    out twice, split;
    fasc *f = run_twice(&r, 0, 0, &twice);
    fasc *g = run_twice(&r, 13u, 14u, &split);
    assert_true(fasc_filterbank_decimation(fasc_get_filterbank(f)) > 1);
    assert_well_formed(&twice, r.channels, r.n, "second pass at 10 kHz");
    assert_same(&twice, &split, "second pass at 10 kHz, blocks 0..3000");
    assert_true(count_class(&twice, FASC_CLASS_FASCICULATION, false) > 5);
    fasc_channel_totals tot;
    assert_int_equal(fasc_classifier_totals(fasc_get_classifier(f), -1, &tot), FASC_OK);
    assert_true(fabs(tot.scorable_s + tot.voluntary_s + tot.artefact_s - 12.0) < 0.26);
    fasc_destroy(&f);
    fasc_destroy(&g);
    out_free(&twice);
    out_free(&split);
    free(r.x);
}

/* The second pass starts where the first ended: a recording that drifts
 * by mV from its start to its end (electrode offsets) meets itself at the
 * restart with a jump on every lead. The jump is bridged
 * (fasc_filterbank_join): before, it rang through the 20 Hz high-pass as
 * a discharge on one lead or more at the start of nearly every second
 * pass (62 false events in the first 50 ms on 96 bench recordings). No
 * units, pops, movement or contractions here, so that nothing but ECG
 * belongs in the second pass's first 0.2 s. */
static void restart_joins_end_to_start(void **state)
{
    (void)state;
    fasc_synth_config s;
    fasc_synth_config_default(&s);
    s.channels = 8;
    s.seed = 36u;
    s.snr_db = 20.0;
    s.units = 0;
    s.mains_hz = 50.0;
    s.ecg = s.wander = true;
    recording r = synth_from(&s, 20.0);
    for (int c = 0; c < r.channels; c++) {
        const float drift = (c % 2 ? -1.0f : 1.0f) * (1500.0f + 400.0f * (float)c);
        for (size_t t = 0; t < r.n; t++)
            r.x[(size_t)c * r.n + t] += drift * (float)t / (float)r.n;
    }
    out twice;
    fasc *f = run_twice(&r, 0, 0, &twice);
    for (size_t i = 0; i < twice.n; i++) {
        const fasc_event *e = &twice.ev[i];
        if (e->cls != FASC_CLASS_ECG && e->peak < (fasc_index)(0.2 * r.fs))
            fail_msg("%s event on ch%d at sample %lld of the second pass",
                     fasc_class_name(e->cls), e->channel + 1, (long long)e->peak);
    }
    fasc_destroy(&f);
    out_free(&twice);
    free(r.x);
}

/* NaN on every lead for 0.5 s from nan_s, ±Inf on leads 2 and 3 for
 * 0.3 s from inf_s, lone NaN samples. */
static const size_t nan_len = 1024, inf_len = 614;

static out run_nonfinite(recording *r, double seconds, double nan_s, double inf_s, bool zeros)
{
    *r = synth(8, 2048.0, seconds, 33u);
    const size_t nan_from = (size_t)(nan_s * 2048), inf_from = (size_t)(inf_s * 2048);
    for (int c = 0; c < 8; c++)
        for (size_t t = nan_from; t < nan_from + nan_len; t++)
            r->x[(size_t)c * r->n + t] = NAN;
    for (int c = 2; c <= 3; c++)
        for (size_t t = inf_from; t < inf_from + inf_len; t++)
            r->x[(size_t)c * r->n + t] = zeros ? 0.0f : (t % 2) ? INFINITY : -INFINITY;
    for (size_t t = 5 * 2048; t + 5 * 2048 < r->n; t += 4099) /* lone samples */
        r->x[(size_t)(t % 8) * r->n + t] = NAN;
    out o = run(r, NULL, 41u, 2000);
    assert_well_formed(&o, r->channels, r->n, "with NaN / Inf");
    return o;
}

static void nonfinite_bursts(void **state)
{
    (void)state;
    recording r;
    const size_t nan_from = 15 * 2048, nan_to = nan_from + nan_len;
    out o = run_nonfinite(&r, 40.0, 15.0, 28.0, false);
    size_t fps = 0;
    for (size_t i = 0; i < o.n; i++) {
        const fasc_event *e = &o.ev[i];
        if (e->epoch || e->cls != FASC_CLASS_FASCICULATION)
            continue;
        fps++;
        const size_t p = (size_t)e->peak;
        if (p >= nan_from && p < nan_to)
            fail_msg("fasciculation on channel %d at %zu inside the NaN burst", e->channel, p);
    }
    assert_true(fps > 10); /* the rest of the recording is still scored */
    out_free(&o);
    free(r.x);
}

static void silence_gives_no_fasciculation(void **state)
{
    (void)state;
    recording r = {8, 2048.0, 30 * 2048, NULL};
    r.x = calloc(r.n * 8, sizeof(float));
    assert_non_null(r.x);
    out o = run(&r, NULL, 42u, 3000);
    assert_well_formed(&o, r.channels, r.n, "silence");
    const size_t fps = count_class(&o, FASC_CLASS_FASCICULATION, false);
    if (fps)
        fail_msg("%zu fasciculations in 30 s of zeros", fps);
    out_free(&o);
    free(r.x);
}

/* lag of every event (beats included or not) against fasc_latency() */
static void check_latency(double fs, double seconds, uint64_t seed, bool beats_too,
                          size_t min_events)
{
    recording r = synth(8, fs, seconds, seed);
    fasc_config cfg = config_for(&r);
    fasc *f = NULL;
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    const fasc_index latency = fasc_latency(f);
    out o;
    memset(&o, 0, sizeof o);
    feed(f, &r, NULL, 43u, 8, &o); /* blocks of 0..8 samples */
    fasc_index worst = INT64_MIN;
    size_t checked = 0;
    for (size_t i = 0; i < o.n; i++) {
        const fasc_event *e = &o.ev[i];
        if (!beats_too && e->epoch && e->cls == FASC_CLASS_ECG)
            continue;
        /* events finished by flush are handed out when the input ends */
        if ((size_t)o.avail[i] == r.n && (size_t)e->offset + (size_t)latency >= r.n)
            continue;
        /* an event decided at input offset + latency comes out when the call
         * holding that sample returns: up to a block (8 samples) later */
        const fasc_index lag = o.avail[i] - 1 - e->offset;
        worst = lag > worst ? lag : worst;
        checked++;
        if (lag > latency + 7)
            fail_msg("event %zu (%s%s ch %d, onset %ld, peak %ld, offset %ld) handed out after"
                     " input %ld: lag %ld > latency %ld", i, e->epoch ? "epoch " : "",
                     fasc_class_name(e->cls), e->channel, (long)e->onset, (long)e->peak,
                     (long)e->offset, (long)o.avail[i] - 1, (long)lag, (long)latency);
    }
    printf("%zu events, worst lag %ld of %ld input samples\n", checked, (long)worst,
           (long)latency);
    assert_true(checked >= min_events);
    fasc_destroy(&f);
    out_free(&o);
    free(r.x);
}

static void latency_bound(void **state)
{
    (void)state;
    check_latency(2048.0, 40.0, 34u, false, 30); /* beats: beats_within_latency */
}

static void channels_and_rates(void **state)
{
    (void)state;
    static const int channels[] = {1, 3, 16};
    static const double rates[] = {500.0, 2048.0, 10000.0};
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++) {
            recording r = synth(channels[i], rates[j], 12.0, 50u + i * 3 + j);
            out o = run(&r, NULL, 60u + i * 3 + j, 3000);
            char what[64];
            snprintf(what, sizeof what, "%d channels at %.0f Hz", channels[i], rates[j]);
            assert_well_formed(&o, r.channels, r.n, what);
            printf("%s: %zu events, %zu fasciculations\n", what, o.n,
                   count_class(&o, FASC_CLASS_FASCICULATION, false));
            assert_true(o.n > 0);
            out_free(&o);
            free(r.x);
        }
}

/* Decimated input (10 kHz: working rate 5 kHz): the same events whatever
 * the block split, though blocks then start at any decimation phase. */
static void decimated_block_split(void **state)
{
    (void)state;
    recording r = synth(8, 10000.0, 12.0, 35u);
    out whole = run(&r, NULL, 0, 0);
    out split = run(&r, NULL, 104u, 5000);
    assert_same(&whole, &split, "10 kHz, blocks 0..5000");
    out_free(&whole);
    out_free(&split);
    free(r.x);
}

/* Heartbeats too: the first beats of a rhythm are confirmed when the
 * fourth candidate arrives, up to three intervals later (seed 34: the beat
 * with offset 10095 was handed out after input 15618, lag 5523 > 2451,
 * until 223f4a2 stopped emitting them). */
static void beats_within_latency(void **state)
{
    (void)state;
    check_latency(2048.0, 40.0, 34u, true, 30);
}

/* The latency bound with a decimating filter bank (10 kHz: D = 2) and
 * at the lowest rate. */
static void latency_bound_other_rates(void **state)
{
    (void)state;
    check_latency(10000.0, 12.0, 37u, false, 5);
    check_latency(500.0, 30.0, 38u, false, 5);
}

/* A lead stuck at its rail for 0.15 s (a clipped excursion) is an artefact
 * epoch of that lead, and no fasciculation lies in it. */
static const size_t rail_at = 20 * 2048, rail_len = 300;

static out run_rail(bool inf_before)
{
    recording r = synth(8, 2048.0, 30.0, 36u);
    for (size_t t = rail_at; t < rail_at + rail_len; t++)
        r.x[t] = 8000.0f; /* channel 0 */
    if (inf_before)
        r.x[5 * 2048] = INFINITY;
    out o = run(&r, NULL, 44u, 3000);
    assert_well_formed(&o, r.channels, r.n, "clipped lead");
    free(r.x);
    return o;
}

static void clipped_lead_is_artefact(void **state)
{
    (void)state;
    out o = run_rail(false);
    bool epoch = false;
    for (size_t i = 0; i < o.n; i++) {
        const fasc_event *e = &o.ev[i];
        const bool inside = (size_t)e->peak >= rail_at && (size_t)e->peak < rail_at + rail_len;
        if (!e->epoch && e->cls == FASC_CLASS_FASCICULATION && e->channel == 0 && inside)
            fail_msg("fasciculation at %ld on the clipped lead", (long)e->peak);
        epoch |= e->epoch && e->cls != FASC_CLASS_VOLUNTARY && e->cls != FASC_CLASS_ECG &&
                 (e->channel == 0 || e->channel == -1) && (size_t)e->onset <= rail_at &&
                 (size_t)e->offset >= rail_at + rail_len - 1;
    }
    assert_true(epoch);
    out_free(&o);
}

/* A 4 x 4 grid, and the most channels the object takes (256, a short run
 * of noise with beats on every lead). */
static void grid_and_many_channels(void **state)
{
    (void)state;
    recording r = synth(16, 2048.0, 12.0, 39u);
    fasc_config cfg = config_for(&r);
    cfg.geometry = FASC_GEOMETRY_GRID;
    cfg.grid_rows = 4;
    cfg.grid_cols = 4;
    fasc *f = NULL;
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    out o;
    memset(&o, 0, sizeof o);
    feed(f, &r, NULL, 45u, 3000, &o);
    assert_well_formed(&o, r.channels, r.n, "4 x 4 grid");
    assert_true(o.n > 0);
    fasc_destroy(&f);
    out_free(&o);
    free(r.x);
    cfg.grid_rows = 3; /* 3 x 4 != 16 */
    assert_int_equal(fasc_memory_size(&cfg), 0);
    assert_int_equal(fasc_create(&cfg, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_null(f);

    r = synth(FASC_MAX_CHANNELS, 2048.0, 3.0, 40u);
    o = run(&r, NULL, 46u, 3000);
    assert_well_formed(&o, r.channels, r.n, "256 channels");
    out_free(&o);
    free(r.x);
}

/* fasc.h's argument checks and NULL safety; a short snippet buffer keeps
 * the event. */
static void api_arguments(void **state)
{
    (void)state;
    fasc_config cfg;
    fasc_config_default(&cfg);
    fasc_config_default(NULL);
    assert_float_equal(cfg.sample_rate, 2048.0, 0.0);
    assert_int_equal(cfg.channels, 1);
    assert_int_equal(cfg.filterbank.band_count, 0);
    assert_true(cfg.detector.common_median);
    fasc *f = (fasc *)(uintptr_t)1;
    const double bad_rates[] = {499.0, 48001.0, NAN, 0.0};
    for (size_t i = 0; i < 4; i++) {
        cfg.sample_rate = bad_rates[i];
        assert_int_equal(fasc_memory_size(&cfg), 0);
        assert_int_equal(fasc_create(&cfg, &f), FASC_ERR_INVALID_ARGUMENT);
        assert_null(f);
    }
    fasc_config_default(&cfg);
    const int bad_channels[] = {0, -1, FASC_MAX_CHANNELS + 1};
    for (size_t i = 0; i < 3; i++) {
        cfg.channels = bad_channels[i];
        assert_int_equal(fasc_memory_size(&cfg), 0);
        assert_int_equal(fasc_create(&cfg, &f), FASC_ERR_INVALID_ARGUMENT);
    }
    fasc_config_default(&cfg);
    cfg.classifier.unit_match = 0.5; /* a stage's own field out of range */
    assert_int_equal(fasc_memory_size(&cfg), 0);
    assert_int_equal(fasc_create(&cfg, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_memory_size(NULL), 0);
    assert_int_equal(fasc_create(NULL, &f), FASC_ERR_INVALID_ARGUMENT);
    fasc_config_default(&cfg);
    assert_int_equal(fasc_create(&cfg, NULL), FASC_ERR_INVALID_ARGUMENT);
    unsigned char mem[64];
    assert_int_equal(fasc_init(NULL, 64, &cfg, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_init(mem, sizeof mem, NULL, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_init(mem, sizeof mem, &cfg, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_init(mem, sizeof mem, &cfg, &f), FASC_ERR_BUFFER_TOO_SMALL);

    /* NULL object */
    fasc_destroy(NULL);
    fasc *none = NULL;
    fasc_destroy(&none);
    fasc_reset(NULL);
    fasc_event ev;
    float x[4] = {0};
    const float *px[1] = {x};
    assert_int_equal(fasc_process(NULL, px, 4), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_process_interleaved(NULL, x, 4), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_flush(NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_next(NULL, &ev, NULL, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_snippet_length(NULL), 0);
    assert_int_equal(fasc_latency(NULL), 0);
    assert_float_equal(fasc_working_rate(NULL), 0.0, 0.0);
    assert_null(fasc_get_filterbank(NULL));
    assert_null(fasc_get_detector(NULL));
    assert_null(fasc_get_classifier(NULL));
    assert_int_equal(fasc_dropped(NULL), 0);

    /* a live object */
    recording r = synth(8, 2048.0, 20.0, 47u);
    cfg = config_for(&r);
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    assert_non_null(fasc_get_filterbank(f));
    assert_non_null(fasc_get_detector(f));
    assert_non_null(fasc_get_classifier(f));
    assert_float_equal(fasc_working_rate(f), 2048.0, 0.0);
    const size_t len = fasc_snippet_length(f);
    assert_int_equal(len, 41 + 61 + 1);
    const float *ptr[8];
    for (int c = 0; c < 8; c++)
        ptr[c] = r.x + (size_t)c * r.n;
    const float *holes[8];
    memcpy(holes, ptr, sizeof holes);
    holes[6] = NULL;
    assert_int_equal(fasc_process(f, NULL, 16), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_process(f, holes, 16), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_process_interleaved(f, NULL, 16), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_process(f, NULL, 0), FASC_OK);
    assert_int_equal(fasc_process_interleaved(f, NULL, 0), FASC_OK);
    assert_int_equal(fasc_process(f, ptr, r.n), FASC_OK);
    assert_int_equal(fasc_flush(f), FASC_OK);
    assert_int_equal(fasc_flush(f), FASC_OK);
    assert_int_equal(fasc_process(f, ptr, 1), FASC_ERR_STATE);
    assert_int_equal(fasc_next(f, NULL, NULL, 0), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_next(f, &ev, NULL, len), FASC_ERR_INVALID_ARGUMENT);
    float *snip = malloc(sizeof(float) * (len + 1)), *again = malloc(sizeof(float) * (len + 1));
    assert_non_null(snip);
    assert_non_null(again);
    size_t events = 0, discharges = 0;
    for (;;) {
        snip[len] = again[len] = 777.0f; /* guard */
        fasc_event ev2;
        const int rc = fasc_next(f, &ev, snip, len - 1);
        if (rc == 0)
            break;
        if (rc == 1) { /* an epoch has no snippet: any buffer does */
            assert_true(ev.epoch);
            events++;
            continue;
        }
        assert_int_equal(rc, FASC_ERR_BUFFER_TOO_SMALL);
        assert_int_equal(fasc_next(f, &ev2, again, len), 1); /* what the short call kept */
        assert_false(ev2.epoch);
        events++;
        discharges++;
        assert_true(snip[len] == 777.0f && again[len] == 777.0f);
    }
    printf("%zu events (%zu discharges) kept by a short snippet buffer\n", events, discharges);
    assert_true(discharges > 5);
    free(snip);
    free(again);
    fasc_destroy(&f);
    assert_null(f);
    free(r.x);
}

/* ---- found by these tests' first version, fixed since ---- */

/* fasc_event.noise_sd_uv is read from the detector when the event is
 * popped, not the σ the event was detected with: it changes with the
 * block split and with when fasc_next is called. */
static void noise_sd_independent_of_split(void **state)
{
    (void)state;
    recording r = synth(8, 2048.0, 60.0, 31u);
    out whole = run(&r, NULL, 0, 0);
    out split = run(&r, NULL, 101u, 5000);
    assert_same_x(&whole, &split, "blocks 0..5000, noise_sd_uv", true);
    out_free(&whole);
    out_free(&split);
    free(r.x);
}

/* A 0.3 s dropout of leads 2 and 3 at 40 s of 60 s (seed 33): no
 * fasciculation of those leads inside it, and an artefact epoch of each
 * covering it. ±Inf (replaced by 0): the filter bank's step response 22 ms
 * into it (input 81965) was a fasciculation before 5eca0c5; exact zeros:
 * see zero_dropout_on_two_leads. */
static void check_dropout(bool zeros)
{
    recording r;
    const size_t from = 40 * 2048, to = from + inf_len;
    out o = run_nonfinite(&r, 60.0, 20.0, 40.0, zeros);
    bool covered[2] = {false, false};
    for (size_t i = 0; i < o.n; i++) {
        const fasc_event *e = &o.ev[i];
        const size_t p = (size_t)e->peak;
        if (!e->epoch && e->cls == FASC_CLASS_FASCICULATION &&
            (e->channel == 2 || e->channel == 3) && p >= from && p < to)
            fail_msg("fasciculation on channel %d at %zu inside the %s dropout", e->channel, p,
                     zeros ? "zero" : "Inf");
        if (e->epoch && (e->channel == 2 || e->channel == 3) && (size_t)e->onset <= from &&
            (size_t)e->offset + 1 >= to)
            covered[e->channel - 2] = true;
    }
    if (!covered[0] || !covered[1])
        fail_msg("no artefact epoch covers the %s dropout of lead %d", zeros ? "zero" : "Inf",
                 covered[0] ? 3 : 2);
    out_free(&o);
    free(r.x);
}

static void nonfinite_dropout_is_artefact(void **state)
{
    (void)state;
    check_dropout(false);
}

/* The same dropout as exact zeros (a digital dropout, not replaced
 * samples): the step response 22 ms in is a fasciculation of channel 2 and
 * no epoch marks the dropout (on a 3 s one the flat epoch starts ~0.6 s
 * in, once the band RMS has decayed under 1 % of the rest level). */
static void zero_dropout_on_two_leads(void **state)
{
    (void)state;
    check_dropout(true);
}

/* Raw (unfiltered) input reaches the classifier's saturation test without
 * the NaN / Inf replacement: one +Inf sample makes the lead's largest value
 * infinite for good, and its saturation test never fires again (seed 36:
 * the candidate at input 40957 on the clipped lead 15 s later is noise
 * without the Inf, electrode_pop with it). */
static void inf_keeps_saturation_test(void **state)
{
    (void)state;
    out a = run_rail(false), b = run_rail(true);
    for (size_t i = 0; i < a.n; i++) {
        const fasc_event *e = &a.ev[i];
        if (e->epoch || e->channel != 0 || (size_t)e->peak + 2048 < rail_at ||
            (size_t)e->peak > rail_at + 2048)
            continue;
        bool same = false;
        for (size_t j = 0; j < b.n && !same; j++)
            same = !b.ev[j].epoch && b.ev[j].peak == e->peak && b.ev[j].channel == 0 &&
                   b.ev[j].cls == e->cls;
        if (!same)
            fail_msg("candidate at %ld on the clipped lead (%s) changes with one Inf sample 15 s"
                     " earlier", (long)e->peak, fasc_class_name(e->cls));
    }
    out_free(&a);
    out_free(&b);
}

/* fasc_next with a short snippet buffer says FASC_ERR_BUFFER_TOO_SMALL
 * ("capacity short, event kept") even when no event is ready, where the
 * classifier's next says 0: a caller draining with a short buffer until 0
 * never stops. */
static void next_empty_short_buffer(void **state)
{
    (void)state;
    fasc_config cfg;
    fasc_config_default(&cfg);
    fasc *f = NULL;
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    fasc_event ev;
    float snip[8];
    const int rc = fasc_next(f, &ev, snip, 8);
    fasc_destroy(&f);
    if (rc != 0)
        fail_msg("fasc_next on a new object with capacity 8: %d (%s), expected 0", rc,
                 fasc_strerror(rc));
}

/* Two groups, registered as two meson tests so each stays short under the
 * sanitizers: "streaming" and "inputs" (no argument: both). */
int main(int argc, char **argv)
{
    const struct CMUnitTest streaming[] = {
        cmocka_unit_test(block_splits_and_interleaved_identical),
        cmocka_unit_test(reset_and_caller_memory_reproduce),
        cmocka_unit_test(reset_mid_stream_at_epoch_boundary),
        cmocka_unit_test(latency_bound),
        cmocka_unit_test(latency_bound_other_rates),
        cmocka_unit_test(beats_within_latency),
        cmocka_unit_test(noise_sd_independent_of_split),
    };
    const struct CMUnitTest inputs[] = {
        cmocka_unit_test(nonfinite_bursts),
        cmocka_unit_test(nonfinite_dropout_is_artefact),
        cmocka_unit_test(silence_gives_no_fasciculation),
        cmocka_unit_test(channels_and_rates),
        cmocka_unit_test(decimated_block_split),
        cmocka_unit_test(clipped_lead_is_artefact),
        cmocka_unit_test(grid_and_many_channels),
        cmocka_unit_test(api_arguments),
        cmocka_unit_test(zero_dropout_on_two_leads),
        cmocka_unit_test(inf_keeps_saturation_test),
        cmocka_unit_test(next_empty_short_buffer),
    };
    const struct CMUnitTest passes[] = {
        cmocka_unit_test(restart_scores_second_pass),
        cmocka_unit_test(restart_decimated),
        cmocka_unit_test(restart_joins_end_to_start),
    };
    const char *group = argc > 1 ? argv[1] : "";
    int failed = 0;
    if (!*group || !strcmp(group, "streaming"))
        failed += cmocka_run_group_tests_name("streaming", streaming, NULL, NULL);
    if (!*group || !strcmp(group, "inputs"))
        failed += cmocka_run_group_tests_name("inputs", inputs, NULL, NULL);
    if (!*group || !strcmp(group, "passes"))
        failed += cmocka_run_group_tests_name("passes", passes, NULL, NULL);
    return failed;
}
