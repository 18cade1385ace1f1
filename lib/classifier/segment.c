/* Activity segmentation: per-block band RMS against the rest level,
 * voluntary runs, low-frequency excursions (movement, pops), saturation,
 * flat channels; widening, totals and epoch events. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "cls_internal.h"
#include "fasc/filterbank.h"
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
 * samples of every channel (channel by channel, so the sums vectorise).
 * Sample p of a sub-block goes to partial sum p % CLS_LANES, each partial
 * in time order, so that the sums do not depend on where the runs end
 * (the composed object's runs follow the caller's blocks and the
 * candidates' hand-over times). Float partials over a sub-block (16
 * samples each at 2048 Hz) lose nothing the RMS and mean tests could see;
 * raw samples beyond the filter bank's input limit enter them clamped to
 * it (on the slow path), so that no finite input overflows them. */
static const float raw_limit = FASC_FILTERBANK_INPUT_LIMIT;

double fasc_cls_fold(const float *part)
{
    float p[4];
    for (int l = 0; l < 4; l++)
        p[l] = part[l] + part[l + 4];
    return (double)((p[0] + p[2]) + (p[1] + p[3]));
}

/* r clamped to ±raw_limit (compares: a NaN stays NaN) */
static inline float raw_clamp(float r)
{
    const float c = r > raw_limit ? raw_limit : r;
    return c < -raw_limit ? -raw_limit : c;
}

/* One raw sample into partial l: the sum, and the largest and least
 * magnitude (compares, so that a NaN leaves both, as in the vector form). */
static inline void scan_one(float r, int l, float *part, float *hi, float *lo)
{
    const float a = fabsf(r);
    part[l] += r;
    hi[l] = a > hi[l] ? a : hi[l];
    lo[l] = a < lo[l] ? a : lo[l];
}

/* After the scan: max |r| into *top, and whether the run was odd (an exact
 * zero: the least magnitude 0; beyond the input limit, an infinity too:
 * the largest; a NaN: a partial sum). */
static int scan_verdict(const float *part, const float *hi, const float *lo, float *top)
{
    float t = 0.0f, least = FLT_MAX;
    int bad = 0;
    for (int l = 0; l < CLS_LANES; l++) {
        t = hi[l] > t ? hi[l] : t;
        least = lo[l] < least ? lo[l] : least;
        bad |= !(fabsf(part[l]) <= FLT_MAX);
    }
    *top = t;
    return !(least > 0.0f) | !(t <= raw_limit) | bad;
}

/* the plain reference */
int fasc_cls_scan_raw_ref(const float *r, int p0, int len, float *lane, float *top)
{
    float part[CLS_LANES], hi[CLS_LANES] = {0}, lo[CLS_LANES];
    memcpy(part, lane, sizeof part);
    for (int l = 0; l < CLS_LANES; l++)
        lo[l] = FLT_MAX;
    for (int j = 0; j < len; j++)
        scan_one(r[j], (p0 + j) % CLS_LANES, part, hi, lo);
    const int odd = scan_verdict(part, hi, lo, top);
    if (!odd)
        memcpy(lane, part, sizeof part);
    return odd;
}

/* A row of eight partials as two vectors of four: lanes 0-3 and 4-7 (16
 * bytes, native on every SIMD target, so that the baseline build keeps its
 * compares and selects in vector registers). */
typedef float seg_v4f __attribute__((vector_size(16)));
typedef int32_t seg_v4i __attribute__((vector_size(16)));
_Static_assert(CLS_LANES == 8, "a row of partials is two vectors of four");

/* Lane l of a piece of a run: sample l - at when that is one of the n, else
 * 0. The load is from inside the run either way, so that neither it nor
 * the choice needs a branch on at and n, which change from run to run. */
#define SEG_IN(l, at, n) ((l) - (at) >= 0 && (l) - (at) < (n))
#define SEG_LANE(r, l, at, n) (SEG_IN(l, at, n) ? (r)[SEG_IN(l, at, n) ? (l) - (at) : 0] : 0.0f)

/* The samples r[0 .. n) into lanes at .. at + n - 1 of a row (at + n <= 8),
 * 0 in the others: a head or tail of a run, built in registers (written to
 * memory sample by sample and read back whole, it would wait for the
 * stores); and the mask of those lanes. */
static FASC_CLONE_INLINE void part_row(seg_v4f *v0, seg_v4f *v1, seg_v4i *in0, seg_v4i *in1,
                                       const float *r, int at, int n)
{
    const seg_v4f a = {SEG_LANE(r, 0, at, n), SEG_LANE(r, 1, at, n), SEG_LANE(r, 2, at, n),
                       SEG_LANE(r, 3, at, n)};
    const seg_v4f b = {SEG_LANE(r, 4, at, n), SEG_LANE(r, 5, at, n), SEG_LANE(r, 6, at, n),
                       SEG_LANE(r, 7, at, n)};
    const seg_v4i l0 = {0, 1, 2, 3}, l1 = {4, 5, 6, 7};
    *v0 = a;
    *v1 = b;
    *in0 = (l0 >= at) & (l0 < at + n);
    *in1 = (l1 >= at) & (l1 < at + n);
}
#undef SEG_LANE
#undef SEG_IN

/* A piece of a run as a row: whole rows from memory, heads and tails by
 * part_row. */
#define SEG_ROW(x, k, at, n, v0, v1, in0, in1)                               \
    do {                                                                     \
        if ((n) == CLS_LANES) {                                              \
            memcpy(&(v0), (x) + (k), sizeof(v0));                            \
            memcpy(&(v1), (x) + (k) + 4, sizeof(v1));                        \
            (in0) = (in1) = (seg_v4i){-1, -1, -1, -1};                       \
        } else {                                                             \
            part_row(&(v0), &(v1), &(in0), &(in1), (x) + (k), at, n);        \
        }                                                                    \
    } while (0)

/* A run as rows of partials: its head (from its first sample to the first
 * whole row), whole rows, its tail; a lane that holds no sample of the run
 * adds 0 (a partial is never -0, so adding +0 leaves it as it is). Lane by
 * lane the same additions in the same order as sample by sample. row(x, k,
 * at, n) is called for each piece: samples x[k .. k + n) in lanes at .. at
 * + n - 1. */
#define SEG_FOR_ROWS(x, p0, len, row)                                        \
    do {                                                                     \
        const int q_ = (p0) % CLS_LANES;                                     \
        int j_ = 0;                                                          \
        if (q_ != 0) {                                                       \
            j_ = CLS_LANES - q_ < (len) ? CLS_LANES - q_ : (len);            \
            row(x, 0, q_, j_);                                               \
        }                                                                    \
        for (; j_ + CLS_LANES <= (len); j_ += CLS_LANES)                     \
            row(x, j_, 0, CLS_LANES);                                        \
        if (j_ < (len))                                                      \
            row(x, j_, 0, (len) - j_);                                       \
    } while (0)

/* x[j]² into partial (p0 + j) % CLS_LANES. */
static FASC_CLONE_INLINE void add_squares(float *lane, const float *x, int p0, int len)
{
    seg_v4f s0, s1;
    memcpy(&s0, lane, sizeof s0);
    memcpy(&s1, lane + 4, sizeof s1);
#define SEG_SQUARES(x, k, at, n)                                             \
    do {                                                                     \
        seg_v4f v0_, v1_;                                                    \
        seg_v4i in0_, in1_;                                                  \
        SEG_ROW(x, k, at, n, v0_, v1_, in0_, in1_);                          \
        (void)in0_;                                                          \
        (void)in1_;                                                          \
        s0 += v0_ * v0_;                                                     \
        s1 += v1_ * v1_;                                                     \
    } while (0)
    SEG_FOR_ROWS(x, p0, len, SEG_SQUARES);
#undef SEG_SQUARES
    memcpy(lane, &s0, sizeof s0);
    memcpy(lane + 4, &s1, sizeof s1);
}

/* |v| into a, then the largest and least |v| of the lanes in `in` (the
 * reference's compares and selects: a NaN leaves both). */
#define SEG_EXTREMES(v, in, hi, lo)                                          \
    do {                                                                     \
        const seg_v4f a_ = (seg_v4f)((seg_v4i)(v) & (seg_v4i){INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX}); \
        const seg_v4i g_ = (a_ > (hi)) & (in), l_ = (a_ < (lo)) & (in);      \
        (hi) = (seg_v4f)(((seg_v4i)a_ & g_) | ((seg_v4i)(hi) & ~g_));        \
        (lo) = (seg_v4f)(((seg_v4i)a_ & l_) | ((seg_v4i)(lo) & ~l_));        \
    } while (0)

/* The reference's scan a row of partials at a time: the same additions,
 * compares and selects, lane by lane. */
static FASC_CLONE_INLINE int scan_raw(const float *r, int p0, int len, float *lane, float *top)
{
    seg_v4f s0, s1, h0 = {0}, h1 = {0}, m0 = h0 + FLT_MAX, m1 = m0;
    memcpy(&s0, lane, sizeof s0);
    memcpy(&s1, lane + 4, sizeof s1);
#define SEG_SCAN(x, k, at, n)                                                \
    do {                                                                     \
        seg_v4f v0_, v1_;                                                    \
        seg_v4i in0_, in1_;                                                  \
        SEG_ROW(x, k, at, n, v0_, v1_, in0_, in1_);                          \
        s0 += v0_;                                                           \
        s1 += v1_;                                                           \
        SEG_EXTREMES(v0_, in0_, h0, m0);                                     \
        SEG_EXTREMES(v1_, in1_, h1, m1);                                     \
    } while (0)
    SEG_FOR_ROWS(r, p0, len, SEG_SCAN);
#undef SEG_SCAN
    float part[CLS_LANES], h[CLS_LANES], m[CLS_LANES];
    memcpy(part, &s0, sizeof s0);
    memcpy(part + 4, &s1, sizeof s1);
    memcpy(h, &h0, sizeof h0);
    memcpy(h + 4, &h1, sizeof h1);
    memcpy(m, &m0, sizeof m0);
    memcpy(m + 4, &m1, sizeof m1);
    const int odd = scan_verdict(part, h, m, top);
    if (!odd)
        memcpy(lane, part, sizeof part);
    return odd;
}
#undef SEG_EXTREMES
#undef SEG_ROW

int fasc_cls_scan_raw(const float *r, int p0, int len, float *lane, float *top)
{
    return scan_raw(r, p0, len, lane, top);
}

FASC_CLONES void fasc_cls_segment_run(fasc_classifier *cls, const float *const *band,
                          const float *const *raw, size_t from, int len)
{
    /* two streams per channel, more than the hardware prefetchers follow
     * (and in the composed object the detector's state pushes them out of
     * the cache between runs): fetch the channel after next while this
     * one is summed */
    const int ahead = 2;
    const int p0 = (int)(cls->t % cls->d.sub_n); /* runs stay in one sub-block */
    for (int k = 0; k < cls->d.channels; k++) {
        if (k + ahead < cls->d.channels)
            for (int j = 0; j < len; j += 16) {
                __builtin_prefetch(band[k + ahead] + from + j);
                if (raw)
                    __builtin_prefetch(raw[k + ahead] + from + j);
            }
        cls_channel *ch = &cls->ch[k];
        add_squares(ch->sq_part, band[k] + from, p0, len);
        if (!raw)
            continue; /* no low-frequency track: the band has none */
        const float *r = raw[k] + from;
        float top = 0.0f;
        /* exact zeros, non-finite samples or samples beyond the limit */
        if (scan_raw(r, p0, len, ch->raw_part, &top)) { /* the slow path: sample by sample */
            top = 0.0f;
            for (int j = 0; j < len; j++) {
                const float a = fabsf(r[j]);
                if (a > 0.0f && a <= FLT_MAX) {
                    ch->raw_part[(p0 + j) % CLS_LANES] += raw_clamp(r[j]);
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
    }
}

/* The current sub-block's partial sums into the block's sum of squares and
 * the sub-block's raw sum, which start again. */
void fasc_cls_fold_sub_block(fasc_classifier *cls)
{
    for (int k = 0; k < cls->d.channels; k++) {
        cls_channel *ch = &cls->ch[k];
        ch->sumsq += fasc_cls_fold(ch->sq_part);
        ch->sub_sum = fasc_cls_fold(ch->raw_part);
        memset(ch->sq_part, 0, sizeof ch->sq_part);
        memset(ch->raw_part, 0, sizeof ch->raw_part);
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
 * the latest of sustained_windows voluntary windows in a row (2 s by
 * default) and all but one of the others. One earlier window may fall
 * short: in a needle recording active throughout (physionet_emgdb
 * myopathy) a gap of 418 ms between confirmed potentials ended the run,
 * and the next 0.6 s of the contraction were scored as rest. The latest
 * may not, or the first rest after a contraction would be marked. */
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
    /* the latest window (counted above) and all but one of the earlier */
    unsigned least = UINT_MAX, second = UINT_MAX;
    for (int w = 1; w < sustained_windows; w++) {
        unsigned n = 0;
        for (int64_t b = e - (w + 1) * d->vol_blocks + 1; b <= e - w * d->vol_blocks; b++)
            n += b >= 0 ? fasc_cls_block(cls, b, k)->events : 0;
        if (n < least) {
            second = least;
            least = n;
        } else if (n < second) {
            second = n;
        }
    }
    const unsigned sustained = events < second ? events : second;
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

/* Pending candidate i if it is still waiting for its decision (all of
 * the last blocks' candidates are: the decision waits longer than
 * voluntary_min_s after a block's test) and its peak lies in samples
 * lo..hi; else NULL. */
static const fasc_classified *pending_at(fasc_classifier *cls, int i, fasc_index lo, fasc_index hi)
{
    const fasc_classified *ev = &cls->pend[(cls->pend_head + i) % cls->d.queue_cap].ev;
    return ev->epoch || ev->channel < 0 || ev->peak < lo || ev->peak > hi ? NULL : ev;
}

/* First and last sample of blocks from..to. */
static fasc_index blocks_lo(const cls_design *d, int64_t from)
{
    return (fasc_index)from * d->block_n;
}

static fasc_index blocks_hi(const cls_design *d, int64_t to)
{
    return (fasc_index)(to + 1) * d->block_n - 1;
}

/* How many pending candidates peak in samples lo..hi, each once. */
static int pending_candidates(fasc_classifier *cls, fasc_index lo, fasc_index hi)
{
    int n = 0;
    for (int i = 0; i < cls->pend_len; i++)
        n += pending_at(cls, i, lo, hi) != NULL;
    return n;
}

/* How many leads hold pending candidates peaking in samples lo..hi: each
 * lead once, for a contraction's first discharges come one per lead, and
 * a contraction under two or three leads, before their own rate has
 * marked them, must not make a resting discharge on another lead one of
 * its own (16 leads: the discharge on lead 12 in
 * contraction_under_part_of_a_wide_array). */
static int pending_leads(fasc_classifier *cls, fasc_index lo, fasc_index hi)
{
    if (++cls->lead_count == 0) { /* wrapped: no lead may keep an old count */
        for (int k = 0; k < cls->d.channels; k++)
            cls->ch[k].lead_count = 0;
        cls->lead_count = 1;
    }
    int n = 0;
    for (int i = 0; i < cls->pend_len; i++) {
        const fasc_classified *ev = pending_at(cls, i, lo, hi);
        if (ev && cls->ch[ev->channel].lead_count != cls->lead_count) {
            cls->ch[ev->channel].lead_count = cls->lead_count;
            n++;
        }
    }
    return n;
}

/* The rate test over all leads together, block by block: a contraction
 * recruits units under several electrodes at once, so its first
 * discharges may come one per lead, and on a wide array they were decided
 * before any lead's own rate marked it (32 leads, seeds 1-24: up to 3.8
 * FPs per minute of contraction, 56-158 ms into one). Where as many leads
 * as twice the voluntary rate gives candidates in voluntary_min_s fire in
 * the window before block e, a candidate of the window is voluntary (on
 * its lead, in its block alone) where as many leads as twice the rate
 * gives in one block fire within half a block of it, itself included: a
 * lone discharge at the window's edge, or on the same lead a little
 * before, is a resting one beside the contraction, not one of its units.
 * Half a block either side, not the block it falls in: a contraction's
 * first discharge fell alone in its block when the block ended just after
 * it (64 leads, seeds 1-24: 6 of them, 29-60 ms into a contraction).
 * Its neighbours are taken from the window only, whose candidates are all
 * in whatever the block split. */
static void overall_rate_test(fasc_classifier *cls, int64_t e)
{
    const cls_design *d = &cls->d;
    /* two leads at least: one alone is no discharge per lead (at a low
     * voluntary_min_events_per_s) */
    const double rate_leads = 2.0 * d->min_events * d->block_n / d->rate;
    const double near_leads = rate_leads > 2.0 ? rate_leads : 2.0;
    const int64_t from = e - d->vol_blocks + 1 > 0 ? e - d->vol_blocks + 1 : 0;
    const fasc_index lo = blocks_lo(d, from), hi = blocks_hi(d, e), half = d->block_n / 2;
    const bool was = cls->onset_window;
    cls->onset_window = pending_leads(cls, lo, hi) >= rate_leads * d->vol_blocks;
    if (!cls->onset_window)
        return;
    /* After a window that held the rate too, a candidate not marked then
     * gains neighbours only from block e: the others are not looked at
     * again (a contraction's window holds the rate block after block). */
    const fasc_index fresh = was ? blocks_lo(d, e) - half : lo;
    for (int i = 0; i < cls->pend_len; i++) {
        const fasc_classified *ev = pending_at(cls, i, fresh > lo ? fresh : lo, hi);
        if (!ev)
            continue;
        cls_block *blk = fasc_cls_block(cls, ev->peak / d->block_n, ev->channel);
        if (blk->flags & (CLS_ONSET | CLS_VOL)) /* voluntary already */
            continue;
        const fasc_index near_lo = ev->peak - half > lo ? ev->peak - half : lo;
        const fasc_index near_hi = ev->peak + half < hi ? ev->peak + half : hi;
        if (pending_leads(cls, near_lo, near_hi) >= near_leads)
            blk->flags |= CLS_ONSET;
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
    if (b >= d->lag_blocks && d->min_events > 0.0)
        overall_rate_test(cls, b - d->lag_blocks);
    *fasc_cls_overall(cls, b + 1) = 0;
    if (b >= d->lag_blocks + 1)
        lowfreq_test(cls, b - d->lag_blocks - 1);
    cls->block = b + 1;
}

/* Leads that make a block voluntary on all of them: a contraction is the
 * subject's state, not a lead's. Half of an 8-lead line (the accuracy
 * bench's) is 4; on a wider array half of the leads are reached late or
 * never when the contraction lies under part of it, and its first
 * discharges on the leads not yet marked were counted as fasciculations
 * (16 leads, seeds 1-48: up to 2.75 per minute of contraction). */
enum { vol_consensus_leads = 4 };

/* What the channels say together in block j: voluntary where half of them
 * (at most vol_consensus_leads) are, movement where any lead saw it
 * (lowfreq_test only leaves MOVE where enough leads did), CLS_ALL_ART where
 * half of them are artefact. */
static uint8_t consensus(fasc_classifier *cls, int64_t j)
{
    const cls_design *d = &cls->d;
    const int half = (d->channels + 1) / 2;
    const int vol_leads = half < vol_consensus_leads ? half : vol_consensus_leads;
    int vol = 0, art = 0, move = 0;
    for (int c = 0; c < d->channels; c++) {
        const uint8_t f = fasc_cls_block(cls, j, c)->flags;
        vol += (f & CLS_VOL) != 0;
        art += (f & CLS_ART) != 0;
        move += (f & CLS_MOVE) != 0;
    }
    uint8_t out = *fasc_cls_overall(cls, j);
    if (vol >= vol_leads)
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

/* The same at the end of input over the windows shorter than
 * voluntary_min_s that reach it, counting candidates (at least
 * trailing_min_events), not leads: a contraction that starts in the last
 * tens of milliseconds has given one or two leads two discharges each at
 * most (three on two leads, 40 ms before the end of a recording without
 * FPs, seed 190, made two of them fasciculations when leads were
 * counted). Each candidate's lead is marked over the window. */
static void trailing_overall_test(fasc_classifier *cls, int64_t last)
{
    const cls_design *d = &cls->d;
    for (int w = 1; w < d->vol_blocks && last - w + 1 >= 0; w++) {
        const fasc_index lo = blocks_lo(d, last - w + 1), hi = blocks_hi(d, last);
        const int events = pending_candidates(cls, lo, hi);
        if (events < (int)trailing_min_events ||
            events < 2.0 * d->min_events * w * d->block_n / d->rate)
            continue;
        for (int i = 0; i < cls->pend_len; i++) {
            const fasc_classified *ev = pending_at(cls, i, lo, hi);
            if (ev)
                mark_firing(cls, ev->channel, last - w + 1, last);
        }
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
    for (int64_t e = last - d->lag_blocks + 1; e <= last && d->min_events > 0.0; e++)
        if (e >= 0)
            overall_rate_test(cls, e);
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
    if (b < cls->block && (fasc_cls_block(cls, b, k)->flags & CLS_ONSET))
        out |= CLS_VOL;
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
    fasc_cls_fold_sub_block(cls);
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
