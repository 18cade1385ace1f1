/* Grouping of closed runs on neighbouring channels into events, and their
 * release once nothing can join them any more. */
#include <math.h>
#include <string.h>

#include "det_internal.h"
#include "../common/clones.h"

static bool overlaps(const det_group *g, const det_run *r, int gw)
{
    return r->core_start <= g->core_end + gw && g->core_start <= r->core_end + gw;
}

static bool fits(const det_group *a, const det_group *b, int max_n)
{
    fasc_index lo = a->onset < b->onset ? a->onset : b->onset;
    fasc_index hi = a->offset > b->offset ? a->offset : b->offset;
    return hi - lo + 1 <= max_n;
}

static bool intersects(const uint64_t *a, const uint64_t *b)
{
    uint64_t any = 0;
    for (int w = 0; w < DET_WORDS; w++)
        any |= a[w] & b[w];
    return any != 0;
}

static void merge(det_group *into, const det_group *g)
{
    for (int w = 0; w < DET_WORDS; w++) {
        into->chans[w] |= g->chans[w];
        into->near[w] |= g->near[w];
    }
    into->onset = g->onset < into->onset ? g->onset : into->onset;
    into->offset = g->offset > into->offset ? g->offset : into->offset;
    into->core_start = g->core_start < into->core_start ? g->core_start : into->core_start;
    into->core_end = g->core_end > into->core_end ? g->core_end : into->core_end;
    if (g->best > into->best) {
        into->best = g->best;
        into->best_t = g->best_t;
    }
    into->flags |= g->flags;
}

static void remove_pending(fasc_detector *det, int i)
{
    memmove(det->pending + i, det->pending + i + 1,
            sizeof(det_group) * (size_t)(det->npending - i - 1));
    det->npending--;
}

/* The pending group the run should join next: a neighbour's, overlapping
 * its crossings, without a run of the same channels, within max_n, and
 * closest in time of largest statistic; -1 if none. */
static int best_candidate(const fasc_detector *det, int c, const det_run *r,
                          const det_group *acc)
{
    const uint64_t *nb = det->nbmask + (size_t)c * DET_WORDS;
    int best = -1;
    fasc_index best_dt = 0;
    for (int i = 0; i < det->npending; i++) {
        const det_group *g = &det->pending[i];
        if (!intersects(g->chans, nb) || intersects(g->chans, acc->chans) ||
            !overlaps(g, r, det->d.gw_n) || !fits(g, acc, det->d.max_n))
            continue;
        fasc_index dt = g->best_t > r->best_t ? g->best_t - r->best_t
                                              : r->best_t - g->best_t;
        if (best < 0 || dt < best_dt) {
            best = i;
            best_dt = dt;
        }
    }
    return best;
}

void fasc_det_run_closed(fasc_detector *det, int c, const det_run *r,
                         fasc_index offset)
{
    if (r->core_start < 0)
        return; /* a split-off tail that never crossed the threshold */
    det_group acc;
    memset(&acc, 0, sizeof acc);
    fasc_det_bit_set(acc.chans, c, true);
    memcpy(acc.near, det->nbmask + (size_t)c * DET_WORDS, sizeof acc.near);
    acc.onset = r->onset;
    acc.offset = offset;
    acc.core_start = r->core_start;
    acc.core_end = r->core_end;
    acc.best = r->best;
    acc.best_t = r->best_t;
    acc.flags = r->flags;
    /* A run bridging several groups (channels 2 and 4 closed before 3)
     * unites them, unless they hold runs of one channel (a doublet). */
    for (int i; (i = best_candidate(det, c, r, &acc)) >= 0;) {
        merge(&acc, &det->pending[i]);
        remove_pending(det, i);
    }
    if (det->npending == det->d.pending_cap) {
        det->dropped++;
        return;
    }
    det->pending[det->npending++] = acc;
}

/* Could an open run still join g? */
static bool waiting(const fasc_detector *det, const det_group *g)
{
    for (int w = 0; w < DET_WORDS; w++) {
        uint64_t m = g->near[w] & ~g->chans[w] & det->runset[w];
        while (m) {
            int c = w * 64 + __builtin_ctzll(m);
            m &= m - 1;
            const det_channel *ch = &det->ch[c];
            if (ch->in_run && ch->run.core_start >= 0 &&
                ch->run.core_start <= g->core_end + det->d.gw_n)
                return true;
        }
    }
    return false;
}

static int first_channel(const det_group *g)
{
    for (int w = 0; w < DET_WORDS; w++)
        if (g->chans[w])
            return w * 64 + __builtin_ctzll(g->chans[w]);
    return 0;
}

static bool before(const det_group *a, const det_group *b)
{
    if (a->onset != b->onset)
        return a->onset < b->onset;
    return first_channel(a) < first_channel(b);
}

typedef struct det_extent {
    int channel;
    float p2p;
    fasc_index peak;
} det_extent;

/* Peak-to-peak and largest |x| of channel c over [from, to]. */
static det_extent extent(const fasc_detector *det, int c, fasc_index from,
                         fasc_index to)
{
    det_extent x = {c, 0.0f, from};
    float lo = INFINITY, hi = -INFINITY, top = -1.0f;
    for (fasc_index u = from; u <= to; u++) {
        float v = *fasc_det_x(det, c, u);
        lo = fminf(lo, v);
        hi = fmaxf(hi, v);
        if (fabsf(v) > top) {
            top = fabsf(v);
            x.peak = u;
        }
    }
    x.p2p = hi > lo ? hi - lo : 0.0f;
    return x;
}

static bool larger(const det_extent *a, const det_extent *b)
{
    return a->p2p > b->p2p || (a->p2p == b->p2p && a->channel < b->channel);
}

/* The involved channels, the largest first, at most
 * FASC_DETECTOR_MAX_EVENT_CHANNELS. */
static int involved(const fasc_detector *det, const det_group *g,
                    fasc_index from, fasc_index to,
                    det_extent out[FASC_DETECTOR_MAX_EVENT_CHANNELS])
{
    int n = 0;
    for (int w = 0; w < DET_WORDS; w++)
        for (uint64_t m = g->chans[w]; m; m &= m - 1) {
            det_extent x = extent(det, w * 64 + __builtin_ctzll(m), from, to);
            int k = n < FASC_DETECTOR_MAX_EVENT_CHANNELS ? n++ : n;
            if (k == FASC_DETECTOR_MAX_EVENT_CHANNELS) {
                if (!larger(&x, &out[k - 1]))
                    continue;
                k--;
            }
            while (k > 0 && larger(&x, &out[k - 1])) {
                out[k] = out[k - 1];
                k--;
            }
            out[k] = x;
        }
    return n;
}

/* The main channel's neighbours that are not involved, as far as the
 * snippet rows allow: a unit's spatial pattern includes the electrodes it
 * reaches below threshold. */
static void add_quiet_neighbours(const fasc_detector *det, fasc_detection *ev)
{
    const det_channel *m = &det->ch[ev->main_channel];
    ev->quiet_count = 0;
    for (int j = 0; j < m->nnb && fasc_detection_rows(ev) < FASC_DETECTOR_MAX_EVENT_CHANNELS; j++) {
        bool involved = false;
        for (int k = 0; k < ev->channel_count; k++)
            involved |= ev->channels[k] == m->nb[j];
        if (!involved)
            ev->quiet_channels[ev->quiet_count++] = m->nb[j];
    }
    for (int k = 0; k < fasc_detection_rows(ev); k++)
        ev->row_noise_sd_uv[k] = det->ch[fasc_detection_row_channel(ev, k)].sigma;
}

static void fill_snippets(const fasc_detector *det, fasc_detection *ev,
                          float *dst)
{
    const size_t len = ev->snippet_length;
    for (int k = 0; k < fasc_detection_rows(ev); k++)
        for (size_t j = 0; j < len; j++) {
            const int c = fasc_detection_row_channel(ev, k);
            fasc_index u = ev->snippet_start + (fasc_index)j;
            bool have = u >= 0 && u < det->now && u > det->now - det->d.hrows;
            dst[(size_t)k * len + j] = have ? *fasc_det_x(det, c, u) : 0.0f;
            if (!have)
                ev->flags |= FASC_DETECTION_CLIPPED;
        }
}

static void emit(fasc_detector *det, const det_group *g)
{
    const det_design *d = &det->d;
    if (det->qcount == (size_t)d->queue_cap) {
        det->dropped++;
        return;
    }
    size_t slot = (det->qhead + det->qcount) % (size_t)d->queue_cap;
    fasc_detection candidate, *ev = &candidate;
    det_extent x[FASC_DETECTOR_MAX_EVENT_CHANNELS];
    fasc_index to = g->offset < det->now - 1 ? g->offset : det->now - 1;
    int n = involved(det, g, g->onset, to, x);
    memset(ev, 0, sizeof *ev);
    ev->onset = g->onset;
    ev->offset = g->offset;
    ev->main_channel = x[0].channel;
    ev->peak = x[0].peak;
    ev->polarity = *fasc_det_x(det, x[0].channel, x[0].peak) < 0.0f ? -1 : 1;
    ev->peak_to_peak_uv = x[0].p2p;
    ev->score = g->best;
    ev->noise_sd_uv = det->ch[x[0].channel].sigma;
    ev->flags = g->flags;
    if (x[0].p2p > d->ceiling_sd * ev->noise_sd_uv ||
        (d->ceiling_uv > 0.0 && x[0].p2p > d->ceiling_uv))
        ev->flags |= FASC_DETECTION_ARTEFACT;
    /* main first, the others in channel order */
    ev->channel_count = n;
    for (int k = 1; k < n; k++)
        for (int j = k; j > 1 && x[j].channel < x[j - 1].channel; j--) {
            det_extent tmp = x[j];
            x[j] = x[j - 1];
            x[j - 1] = tmp;
        }
    for (int k = 0; k < n; k++) {
        ev->channels[k] = x[k].channel;
        ev->channel_peak[k] = x[k].peak;
        ev->channel_peak_to_peak_uv[k] = x[k].p2p;
    }
    if (!fasc_det_verify(det, ev))
        return;
    det->queue[slot] = candidate;
    ev = &det->queue[slot];
    ev->snippet_length = (size_t)d->snip_len;
    ev->snippet_start = ev->peak - d->pre_n;
    add_quiet_neighbours(det, ev);
    fill_snippets(det, ev, det->qsnip + slot * FASC_DETECTOR_MAX_EVENT_CHANNELS *
                                            (size_t)d->snip_len);
    det->qcount++;
}

/* Whether a pending group that began earlier on g's channels or their
 * neighbours, close enough for g to be its late phases, is still open: the
 * template tail test (templates.c) needs that discharge verified first,
 * and a short tail on a neighbour ends before the long potential it
 * belongs to. */
static bool after_earlier(const fasc_detector *det, const det_group *g)
{
    const fasc_index reach = det->d.max_n + det->d.tw_n;
    for (int i = 0; i < det->npending; i++) {
        const det_group *h = &det->pending[i];
        if (h == g || !before(h, g) || g->onset - h->onset > reach)
            continue;
        for (int w = 0; w < DET_WORDS; w++)
            if (h->near[w] & g->chans[w])
                return true;
    }
    return false;
}

FASC_CLONES void fasc_det_finalise_ready(fasc_detector *det, fasc_index tau, bool all)
{
    const det_design *d = &det->d;
    for (;;) {
        int pick = -1;
        for (int i = 0; i < det->npending; i++) {
            const det_group *g = &det->pending[i];
            /* past the deadline (the latency) a group goes whatever it
             * waited for */
            bool ready = all || (tau >= g->offset + d->ready_n && tau > g->core_end + d->gw_n &&
                                 !waiting(det, g) &&
                                 (tau >= g->offset + d->tail || !after_earlier(det, g)));
            if (ready && (pick < 0 || before(g, &det->pending[pick])))
                pick = i;
        }
        if (pick < 0)
            return;
        det_group g = det->pending[pick];
        remove_pending(det, pick);
        emit(det, &g);
    }
}
