/* Activity segmentation: per-block band RMS against the rest level,
 * voluntary runs, low-frequency excursions (movement, pops), saturation,
 * flat channels; widening, totals and epoch events. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "cls_internal.h"
#include "../common/clones.h"

/* The rest level is the 20th percentile of block RMS: below the median so
 * that ECG blocks and discharges do not lift it, above the minimum so that
 * a few quiet blocks do not pull it down. */
static const double rest_quantile = 0.20;
/* A block is flat below 1 % of the rest level (a disconnected lead keeps
 * at most amplifier noise, 40 dB under sEMG rest noise). */
static const double flat_ratio = 0.01;
/* A low-frequency change larger than this many times the typical one is a
 * movement artefact or a pop (the median block change is set by the 1/f
 * background; movement swings are 0.3-2 mV, Clancy et al. 2002). */
static const double lf_ratio = 8.0;
/* Near a heartbeat the threshold is also this many times the beat's own
 * low-frequency change, so P-QRS-T waves are not movement. */
static const double lf_ecg_ratio = 2.5;
/* ... and larger than this many times the block's band RMS. */
static const double lf_rms_ratio = 2.0;
/* Saturation: the largest |value| seen so far, far above the rest level,
 * recurs this many times in a block (an amplifier or converter rail; a
 * natural maximum is reached once). */
static const int sat_hits = 3;
static const float rail_ratio = 20.0f;
/* A sustained RMS this many times the active level marks a contraction
 * by itself (a noise level that doubles stays far below it). */
static const double strong_ratio = 4.0;
/* Blocks needed before a rest level is trusted. */
static const int warm_blocks = 8;

/* Block sums, sub-block sums and the saturation test over a run of `len`
 * samples of every channel (channel by channel, so the sums vectorise). */
/* The per-sample sums of a run (at most one sub-block) in SEG_LANES
 * interleaved partial sums, which the compiler vectorises; float partials
 * over a few dozen samples lose nothing the RMS and mean tests could see. */
#define SEG_LANES 8

static FASC_CLONE_INLINE double sum_squares(const float *x, int len)
{
    float part[SEG_LANES] = {0};
    int j = 0;
    for (; j + SEG_LANES <= len; j += SEG_LANES)
        for (int l = 0; l < SEG_LANES; l++)
            part[l] += x[j + l] * x[j + l];
    /* folded as a tree, l with l + 4, then pairs */
    float p[4];
    for (int l = 0; l < 4; l++)
        p[l] = part[l] + part[l + 4];
    double sq = (double)((p[0] + p[2]) + (p[1] + p[3]));
    for (; j < len; j++)
        sq += (double)x[j] * x[j];
    return sq;
}

/* Σ r and max |r| of a run into *sum and *top; nonzero when the run holds
 * an exact zero or a non-finite sample (then both are to be redone sample
 * by sample). Branch-free lanes of sum, max and min: a NaN poisons the sum,
 * an infinity the max, an exact zero the min (an overflow of the float
 * partial sums only sends a run to the exact slow path). */
static FASC_CLONE_INLINE int scan_finish(const float *r, int j, int len, const float *part,
                       const float *hi, const float *lo, double *sum, float *top)
{
    /* the lanes folded as a tree (l with l + 4, then pairs): three steps
     * where a chain over the eight would take eight */
    float p[4], h[4], m[4];
    for (int l = 0; l < 4; l++) {
        p[l] = part[l] + part[l + 4];
        h[l] = hi[l] > hi[l + 4] ? hi[l] : hi[l + 4];
        m[l] = lo[l] < lo[l + 4] ? lo[l] : lo[l + 4];
    }
    const float p01 = p[0] + p[2], p23 = p[1] + p[3];
    const float h01 = h[0] > h[2] ? h[0] : h[2], h23 = h[1] > h[3] ? h[1] : h[3];
    const float m01 = m[0] < m[2] ? m[0] : m[2], m23 = m[1] < m[3] ? m[1] : m[3];
    double s = (double)(p01 + p23);
    float t = h01 > h23 ? h01 : h23, least = m01 < m23 ? m01 : m23;
    for (; j < len; j++) {
        const float a = fabsf(r[j]);
        s += r[j];
        t = a > t ? a : t;
        least = a < least ? a : least;
    }
    *sum = s;
    *top = t;
    return !(least > 0.0f) | !(t <= FLT_MAX) | !(fabs(s) <= DBL_MAX);
}

/* the plain reference */
int fasc_cls_scan_raw_ref(const float *r, int len, double *sum, float *top)
{
    float part[SEG_LANES] = {0}, hi[SEG_LANES] = {0}, lo[SEG_LANES];
    for (int l = 0; l < SEG_LANES; l++)
        lo[l] = FLT_MAX;
    int j = 0;
    for (; j + SEG_LANES <= len; j += SEG_LANES)
        for (int l = 0; l < SEG_LANES; l++) {
            const float a = fabsf(r[j + l]);
            part[l] += r[j + l];
            hi[l] = a > hi[l] ? a : hi[l];
            lo[l] = a < lo[l] ? a : lo[l];
        }
    return scan_finish(r, j, len, part, hi, lo, sum, top);
}

#if defined(__SSE2__)
#include <emmintrin.h>
/* The same lanes in two SSE registers (x86-64's baseline); max and min
 * keep the running value when the sample is NaN, as the reference's
 * comparisons do, so the bits are the same. */
static FASC_CLONE_INLINE int scan_raw(const float *r, int len, double *sum, float *top)
{
    __m128 p0 = _mm_setzero_ps(), p1 = p0, h0 = p0, h1 = p0;
    __m128 l0 = _mm_set1_ps(FLT_MAX), l1 = l0;
    const __m128 abs_mask = _mm_castsi128_ps(_mm_set1_epi32(INT32_MAX));
    int j = 0;
    for (; j + SEG_LANES <= len; j += SEG_LANES) {
        const __m128 x0 = _mm_loadu_ps(r + j), x1 = _mm_loadu_ps(r + j + 4);
        p0 = _mm_add_ps(p0, x0);
        p1 = _mm_add_ps(p1, x1);
        const __m128 a0 = _mm_and_ps(x0, abs_mask), a1 = _mm_and_ps(x1, abs_mask);
        /* _mm_max_ps(a, b) is a > b ? a : b, _mm_min_ps(a, b) a < b ? a : b */
        h0 = _mm_max_ps(a0, h0);
        h1 = _mm_max_ps(a1, h1);
        l0 = _mm_min_ps(a0, l0);
        l1 = _mm_min_ps(a1, l1);
    }
    float part[SEG_LANES], hi[SEG_LANES], lo[SEG_LANES];
    _mm_storeu_ps(part, p0);
    _mm_storeu_ps(part + 4, p1);
    _mm_storeu_ps(hi, h0);
    _mm_storeu_ps(hi + 4, h1);
    _mm_storeu_ps(lo, l0);
    _mm_storeu_ps(lo + 4, l1);
    return scan_finish(r, j, len, part, hi, lo, sum, top);
}
#else
#define scan_raw fasc_cls_scan_raw_ref
#endif

int fasc_cls_scan_raw(const float *r, int len, double *sum, float *top)
{
    return scan_raw(r, len, sum, top);
}

FASC_CLONES void fasc_cls_segment_run(fasc_classifier *cls, const float *const *band,
                          const float *const *raw, size_t from, int len)
{
    /* two streams per channel, more than the hardware prefetchers follow
     * (and in the composed object the detector's state pushes them out of
     * the cache between runs): fetch the channel after next while this
     * one is summed */
    const int ahead = 2;
    for (int k = 0; k < cls->d.channels; k++) {
        if (k + ahead < cls->d.channels)
            for (int j = 0; j < len; j += 16) {
                __builtin_prefetch(band[k + ahead] + from + j);
                if (raw)
                    __builtin_prefetch(raw[k + ahead] + from + j);
            }
        cls_channel *ch = &cls->ch[k];
        const float *x = band[k] + from;
        double sum = 0.0;
        ch->sumsq += sum_squares(x, len);
        if (!raw)
            continue; /* no low-frequency track: the band has none */
        const float *r = raw[k] + from;
        float top = 0.0f;
        /* exact zeros or non-finite samples in the run */
        const int odd = scan_raw(r, len, &sum, &top);
        if (odd) { /* the slow path: sample by sample */
            sum = 0.0;
            top = 0.0f;
            for (int j = 0; j < len; j++) {
                const float a = fabsf(r[j]);
                if (a > 0.0f && a <= FLT_MAX) {
                    sum += r[j];
                    top = a > top ? a : top;
                    ch->zero_run = 0;
                } else if (++ch->zero_run >= cls->d.dropout_n) {
                    ch->dropout = true; /* a dropout: zeros or non-finite input */
                }
            }
        } else {
            ch->zero_run = 0;
        }
        /* a sample equal to the largest value before it hits the rail
         * (sample by sample, so any split of the run counts the same);
         * the usual run stays below the largest value and skips this */
        const float level = rail_ratio * ch->rest;
        if (top >= ch->raw_max && top > 0.0f)
            for (int j = 0; j < len; j++) {
                const float a = fabsf(r[j]);
                if (!(a <= FLT_MAX))
                    continue;
                ch->rail_hits += a == ch->raw_max && a > level && level > 0.0f;
                ch->raw_max = a > ch->raw_max ? a : ch->raw_max;
            }
        ch->sub_sum += sum;
    }
}

/* End of a low-frequency sub-block: the change of the sub-block mean over
 * the last CLS_SUB sub-blocks (one block). */
static FASC_CLONE_INLINE void sub_block_end(fasc_classifier *cls)
{
    const double inv = 1.0 / cls->d.sub_n;
    for (int k = 0; k < cls->d.channels; k++) {
        cls_channel *ch = &cls->ch[k];
        const float m = (float)(ch->sub_sum * inv);
        ch->sub_sum = 0.0;
        if (ch->lf_fill == CLS_SUB) {
            const float jump = fabsf(m - ch->lf_prev[ch->lf_head]);
            if (jump > ch->lf_jump)
                ch->lf_jump = jump;
        } else {
            ch->lf_fill++;
        }
        ch->lf_prev[ch->lf_head] = m;
        ch->lf_head = (ch->lf_head + 1) % CLS_SUB;
    }
}

static void mark_back(fasc_classifier *cls, int k, int64_t from, int64_t to, uint8_t flag)
{
    if (from < cls->final_block)
        from = cls->final_block;
    for (int64_t b = from; b <= to; b++)
        fasc_cls_block(cls, b, k)->flags |= flag;
}

/* Blocks from..to of channel k that hold candidates and are not final yet
 * become voluntary (the rate tests mark where the units fire). */
static void mark_firing(fasc_classifier *cls, int k, int64_t from, int64_t to)
{
    for (int64_t b = from; b <= to; b++)
        if (b >= cls->final_block && fasc_cls_block(cls, b, k)->events > 0)
            fasc_cls_block(cls, b, k)->flags |= CLS_VOL;
}

/* A candidate rate of sustained_share of voluntary_min_events_per_s in
 * each of sustained_windows voluntary windows in a row (2 s by default). */
static const int sustained_windows = 4;
static const double sustained_share = 0.75;

/* Voluntary test of block e (lag_blocks back, so its candidates are in). */
static void voluntary_test(fasc_classifier *cls, int k, int64_t e)
{
    const cls_design *d = &cls->d;
    cls_channel *ch = &cls->ch[k];
    unsigned events = 0;
    for (int64_t b = e - d->vol_blocks + 1; b <= e; b++)
        events += b >= 0 ? fasc_cls_block(cls, b, k)->events : 0;
    const double seconds = d->vol_blocks * d->block_n / d->rate;
    /* Twice the rate alone marks a contraction whose RMS has not risen
     * yet (the first recruited units of a ramp); resting FPs (a few per
     * minute) never come this close together. */
    /* ... and so does a sustained rate over a longer stretch: where no rest
     * was ever seen (a recording that is active throughout), the RMS test
     * has no reference */
    unsigned sustained = events; /* window 0 is the one counted above */
    for (int w = 1; w < sustained_windows; w++) {
        unsigned n = 0;
        for (int64_t b = e - (w + 1) * d->vol_blocks + 1; b <= e - w * d->vol_blocks; b++)
            n += b >= 0 ? fasc_cls_block(cls, b, k)->events : 0;
        sustained = n < sustained ? n : sustained;
    }
    if (d->min_events > 0.0 &&
        (events >= 2.0 * d->min_events * seconds ||
         sustained >= sustained_share * d->min_events * seconds))
        mark_firing(cls, k, e - d->vol_blocks + 1, e);
    if (!(fasc_cls_block(cls, e, k)->flags & CLS_ACTIVE)) {
        ch->run = 0;
        ch->vol = false;
        return;
    }
    ch->run++;
    if (ch->vol) {
        fasc_cls_block(cls, e, k)->flags |= CLS_VOL;
        return;
    }
    if (ch->run < d->vol_blocks)
        return;
    /* a rise far beyond the active level needs no candidates: the
     * detector's noise estimate follows a strong contraction and stops
     * resolving it into discharges */
    const bool strong = fasc_cls_block(cls, e, k)->rms > strong_ratio * d->ratio * ch->rest;
    if (events >= d->min_events * seconds || strong) {
        ch->vol = true;
        mark_back(cls, k, e - ch->run + 1, e, CLS_VOL);
    }
}

/* Movement / pop test of block e (lag_blocks + 1 back, so nearby beats
 * are confirmed). */
static void lowfreq_test(fasc_classifier *cls, int64_t e)
{
    const cls_design *d = &cls->d;
    const fasc_index mid = (fasc_index)(e * d->block_n + d->block_n / 2);
    const fasc_index near = (fasc_index)(0.35 * d->rate) + d->block_n / 2;
    const bool beat = fasc_cls_beat_near(cls, mid, near) >= 0;
    int moving = 0;
    for (int k = 0; k < d->channels; k++) {
        cls_channel *ch = &cls->ch[k];
        cls_block *blk = fasc_cls_block(cls, e, k);
        if (ch->h_lf.len < warm_blocks)
            continue;
        double thr = lf_ratio * ch->lf_typ;
        if (beat) {
            if (ch->ecg_lf > 0.0f && lf_ecg_ratio * ch->ecg_lf > thr)
                thr = lf_ecg_ratio * ch->ecg_lf;
            ch->ecg_lf = ch->ecg_lf > 0.0f ? 0.875f * ch->ecg_lf + 0.125f * blk->lf_jump
                                           : blk->lf_jump;
        }
        /* a broadband rise (a contraction) moves the sub-block means too,
         * by a fraction of the band RMS; a movement swing dwarfs it */
        if (lf_rms_ratio * blk->rms > thr)
            thr = lf_rms_ratio * blk->rms;
        if (blk->lf_jump > thr) {
            blk->flags |= CLS_MOVE;
            moving++;
        }
    }
    /* one or two channels alone: a step on a lead (pop), not movement */
    const int spread = d->channels >= 4 ? (d->channels + 1) / 2 : d->channels;
    if (moving > 0 && moving < spread && d->channels > 2) {
        for (int k = 0; k < d->channels; k++) {
            cls_block *blk = fasc_cls_block(cls, e, k);
            if (blk->flags & CLS_MOVE)
                blk->flags = (uint8_t)((blk->flags & ~CLS_MOVE) | CLS_POP);
        }
    }
}

FASC_CLONES void fasc_cls_block_end(fasc_classifier *cls)
{
    const cls_design *d = &cls->d;
    const int64_t b = cls->block;
    for (int k = 0; k < d->channels; k++) {
        cls_channel *ch = &cls->ch[k];
        cls_block *blk = fasc_cls_block(cls, b, k);
        const double rms = sqrt(ch->sumsq / d->block_n);
        ch->sumsq = 0.0;
        blk->rms = (float)rms;
        blk->lf_jump = ch->lf_jump;
        ch->lf_jump = 0.0f;
        const bool warm = ch->h_rms.len >= warm_blocks;
        if (warm && rms > d->ratio * ch->rest)
            blk->flags |= CLS_ACTIVE;
        if (rms == 0.0 || (warm && rms < flat_ratio * ch->rest))
            blk->flags |= CLS_FLAT;
        if (ch->rail_hits >= sat_hits)
            blk->flags |= CLS_SAT;
        ch->rail_hits = 0;
        if (ch->dropout)
            blk->flags |= CLS_FLAT;
        ch->dropout = ch->zero_run >= d->dropout_n; /* still in it */
        if (!(blk->flags & (CLS_FLAT | CLS_SAT))) {
            fasc_cls_hist_add(&ch->h_rms, rms);
            fasc_cls_hist_add(&ch->h_lf, blk->lf_jump);
        }
        /* the levels move slowly: every block while the histograms fill,
         * then every fourth */
        if (ch->h_rms.len < 64 || b % 4 == 0) {
            ch->rest = (float)fasc_cls_hist_quantile(&ch->h_rms, rest_quantile);
            ch->lf_typ = (float)fasc_cls_hist_quantile(&ch->h_lf, 0.5);
        }
        if (b >= d->lag_blocks)
            voluntary_test(cls, k, b - d->lag_blocks);
        /* the next block starts clean */
        memset(fasc_cls_block(cls, b + 1, k), 0, sizeof(cls_block));
    }
    *fasc_cls_overall(cls, b + 1) = 0;
    if (b >= d->lag_blocks + 1)
        lowfreq_test(cls, b - d->lag_blocks - 1);
    cls->block = b + 1;
}

/* What the channels say together in block j: voluntary where half of them
 * are, movement where any lead saw it (lowfreq_test only leaves MOVE where
 * enough leads did), CLS_ALL_ART where half of them are artefact. */
static uint8_t consensus(fasc_classifier *cls, int64_t j)
{
    const cls_design *d = &cls->d;
    const int half = (d->channels + 1) / 2;
    int vol = 0, art = 0, move = 0;
    for (int c = 0; c < d->channels; c++) {
        const uint8_t f = fasc_cls_block(cls, j, c)->flags;
        vol += (f & CLS_VOL) != 0;
        art += (f & CLS_ART) != 0;
        move += (f & CLS_MOVE) != 0;
    }
    uint8_t out = *fasc_cls_overall(cls, j);
    if (vol >= half)
        out |= CLS_VOL;
    if (move > 0)
        out |= CLS_MOVE;
    if (art >= half)
        out |= CLS_ALL_ART;
    return out;
}

/* Of a block's flags `dist` blocks away, those whose epochs' margin
 * reaches that far (voluntary and artefact epochs have their own). */
static uint8_t within_margin(const cls_design *d, int64_t dist, uint8_t flags)
{
    const uint8_t vol = dist <= d->margin_blocks ? CLS_VOL : 0;
    const uint8_t art = dist <= d->art_margin_blocks ? (uint8_t)(CLS_ART | CLS_MOVE | CLS_ALL_ART)
                                                     : 0;
    return flags & (vol | art);
}

static int64_t widest_margin(const cls_design *d)
{
    return d->margin_blocks > d->art_margin_blocks ? d->margin_blocks : d->art_margin_blocks;
}

/* Consensus of block b widened by the margins on both sides. */
static uint8_t widened_consensus(fasc_classifier *cls, int64_t b)
{
    uint8_t out = 0;
    const int64_t w = widest_margin(&cls->d);
    for (int64_t j = b - w; j <= b + w; j++)
        if (j >= 0 && j < cls->block)
            out |= within_margin(&cls->d, j < b ? b - j : j - b, consensus(cls, j));
    return out;
}

/* At the end of input the rate test also runs over the windows shorter
 * than voluntary_min_s that reach the end: a contraction that starts in
 * the last fraction of a second would otherwise leave its first
 * discharges counted as fasciculations, where later blocks would have
 * marked them voluntary. It takes at least three candidates: two in the
 * last block may be a doublet. */
static const unsigned trailing_min_events = 3;

static void trailing_rate_test(fasc_classifier *cls, int k, int64_t last)
{
    const cls_design *d = &cls->d;
    unsigned events = 0;
    for (int w = 1; w < d->vol_blocks && last - w + 1 >= 0; w++) {
        events += fasc_cls_block(cls, last - w + 1, k)->events;
        if (events < trailing_min_events || events < 2.0 * d->min_events * w * d->block_n / d->rate)
            continue;
        mark_firing(cls, k, last - w + 1, last);
    }
}

/* The same over all leads together: a contraction recruits units under
 * several electrodes at once, so its first discharges may come one per
 * lead. Counted are the candidates still waiting for their decision (at
 * the end of input those are all of the last blocks' candidates, as the
 * decision waits longer than voluntary_min_s), each once; with `mark`,
 * each one's main lead is marked from block `from` to `to`. */
static int trailing_candidates(fasc_classifier *cls, int64_t from, int64_t to, bool mark)
{
    int n = 0;
    for (int i = 0; i < cls->pend_len; i++) {
        const fasc_classified *ev = &cls->pend[(cls->pend_head + i) % cls->d.queue_cap].ev;
        if (ev->epoch || ev->channel < 0 || ev->peak / cls->d.block_n < from)
            continue;
        n++;
        if (mark)
            mark_firing(cls, ev->channel, from, to);
    }
    return n;
}

static void trailing_overall_test(fasc_classifier *cls, int64_t last)
{
    const cls_design *d = &cls->d;
    for (int w = 1; w < d->vol_blocks && last - w + 1 >= 0; w++) {
        const int events = trailing_candidates(cls, last - w + 1, last, false);
        if (events >= (int)trailing_min_events &&
            events >= 2.0 * d->min_events * w * d->block_n / d->rate)
            trailing_candidates(cls, last - w + 1, last, true);
    }
}

/* End of input: the tests that wait for later blocks run on the last
 * ones with what there is. */
void fasc_cls_segment_flush(fasc_classifier *cls)
{
    const cls_design *d = &cls->d;
    const int64_t last = cls->block - 1;
    for (int64_t e = last - d->lag_blocks + 1; e <= last; e++)
        for (int k = 0; e >= 0 && k < d->channels; k++)
            voluntary_test(cls, k, e);
    for (int k = 0; last >= 0 && d->min_events > 0.0 && k < d->channels; k++)
        trailing_rate_test(cls, k, last);
    if (last >= 0 && d->min_events > 0.0)
        trailing_overall_test(cls, last);
    for (int64_t e = last - d->lag_blocks; e <= last; e++)
        if (e >= 0)
            lowfreq_test(cls, e);
}

/* Flags of block b for channel k: its own (widened) and the consensus. */
static uint8_t flags_at(fasc_classifier *cls, int64_t b, int k, uint8_t cons)
{
    uint8_t out = cons & (CLS_VOL | CLS_MOVE);
    const int64_t w = widest_margin(&cls->d);
    for (int64_t j = b - w; j <= b + w; j++)
        if (j >= 0 && j < cls->block)
            out |= within_margin(&cls->d, j < b ? b - j : j - b,
                                 fasc_cls_block(cls, j, k)->flags & (CLS_VOL | CLS_ART));
    return out;
}

/* Flags of the whole recording from the consensus: voluntary, or movement
 * (artefact on half of the leads counts as such). */
static uint8_t overall_of(uint8_t cons)
{
    uint8_t out = cons & (CLS_VOL | CLS_MOVE);
    if (cons & CLS_ALL_ART)
        out |= CLS_MOVE;
    return out;
}

uint8_t fasc_cls_state(fasc_classifier *cls, int64_t b, int k)
{
    const uint8_t cons = widened_consensus(cls, b);
    return k < 0 ? overall_of(cons) : flags_at(cls, b, k, cons);
}

static void emit_epoch(fasc_classifier *cls, int64_t from, int64_t to, int channel,
                       fasc_class c)
{
    fasc_classified ev;
    memset(&ev, 0, sizeof ev);
    const int n = cls->d.block_n;
    ev.onset = (fasc_index)from * n;
    ev.offset = (fasc_index)to * n - 1;
    ev.peak = (ev.onset + ev.offset) / 2;
    ev.channel = channel;
    ev.cls = c;
    ev.epoch = true;
    ev.confidence = 1.0f;
    fasc_cls_emit(cls, &ev, NULL);
}

static fasc_class artefact_class(uint8_t f)
{
    if (f & CLS_MOVE)
        return FASC_CLASS_MOVEMENT;
    if (f & CLS_POP)
        return FASC_CLASS_ELECTRODE_POP;
    return FASC_CLASS_NOISE; /* flat or saturated lead */
}

/* Block b is final: totals and epochs. */
FASC_CLONES void fasc_cls_finalize_block(fasc_classifier *cls, int64_t b)
{
    const cls_design *d = &cls->d;
    /* the part of the block counted (fasc_classifier_count_from) */
    const fasc_index end = (fasc_index)(b + 1) * d->block_n;
    const fasc_index from = end - d->block_n > cls->count_from ? end - d->block_n : cls->count_from;
    const double seconds = from < end ? (double)(end - from) / d->rate : 0.0;
    const uint8_t cons = widened_consensus(cls, b);
    const uint8_t all = overall_of(cons);
    const bool all_art = (all & CLS_ART) != 0, all_vol = !all_art && (all & CLS_VOL);
    if (all_art)
        cls->tot.artefact_s += seconds;
    else if (all_vol)
        cls->tot.voluntary_s += seconds;
    else
        cls->tot.scorable_s += seconds;
    uint8_t kinds = 0; /* artefact kinds of the leads, for the overall epoch */
    for (int k = 0; k < d->channels; k++) {
        const uint8_t f = flags_at(cls, b, k, cons);
        fasc_channel_totals *t = &cls->ch[k].tot;
        const bool art = (f & CLS_ART) != 0;
        kinds |= f & CLS_ART;
        if (art)
            t->artefact_s += seconds;
        else if (f & CLS_VOL)
            t->voluntary_s += seconds;
        else
            t->scorable_s += seconds;
        /* per-channel artefact epochs, when not the whole recording's */
        const bool own = art && !all_art;
        if (own && cls->ep_ch_start[k] < 0) {
            cls->ep_ch_start[k] = b;
            cls->ep_ch_kind[k] = f & CLS_ART;
        } else if (own) {
            cls->ep_ch_kind[k] |= f & CLS_ART;
        } else if (cls->ep_ch_start[k] >= 0) {
            emit_epoch(cls, cls->ep_ch_start[k], b, k, artefact_class(cls->ep_ch_kind[k]));
            cls->ep_ch_start[k] = -1;
        }
    }
    if (all_vol && cls->ep_vol_start < 0)
        cls->ep_vol_start = b;
    else if (!all_vol && cls->ep_vol_start >= 0) {
        emit_epoch(cls, cls->ep_vol_start, b, -1, FASC_CLASS_VOLUNTARY);
        cls->ep_vol_start = -1;
    }
    if (all_art && cls->ep_art_start < 0) {
        cls->ep_art_start = b;
        cls->ep_art_kind = kinds;
    } else if (all_art) {
        cls->ep_art_kind |= kinds;
    } else if (cls->ep_art_start >= 0) {
        emit_epoch(cls, cls->ep_art_start, b, -1, artefact_class(cls->ep_art_kind));
        cls->ep_art_start = -1;
    }
}

/* End of input: open epochs end at the last final block. */
void fasc_cls_epochs_close(fasc_classifier *cls)
{
    const int64_t b = cls->final_block;
    for (int k = 0; k < cls->d.channels; k++) {
        if (cls->ep_ch_start[k] >= 0)
            emit_epoch(cls, cls->ep_ch_start[k], b, k, artefact_class(cls->ep_ch_kind[k]));
        cls->ep_ch_start[k] = -1;
    }
    if (cls->ep_vol_start >= 0)
        emit_epoch(cls, cls->ep_vol_start, b, -1, FASC_CLASS_VOLUNTARY);
    if (cls->ep_art_start >= 0)
        emit_epoch(cls, cls->ep_art_start, b, -1, artefact_class(cls->ep_art_kind));
    cls->ep_vol_start = cls->ep_art_start = -1;
}

FASC_CLONES void fasc_cls_sub_block_end(fasc_classifier *cls)
{
    /* a join in this sub-block or at its start: the low-frequency track
     * starts again after it, so the jump is no movement; a sub-block with
     * both sides in its mean is left out */
    if (cls->raw_join >= 0 && cls->raw_join < cls->t) {
        const bool mixed = cls->raw_join > cls->t - cls->d.sub_n;
        cls->raw_join = -1;
        for (int k = 0; k < cls->d.channels; k++) {
            cls->ch[k].lf_fill = 0;
            if (mixed)
                cls->ch[k].sub_sum = 0.0;
        }
        if (mixed)
            return;
    }
    sub_block_end(cls);
}
