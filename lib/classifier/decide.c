/* Streaming entry points of fasc_classifier: signal in, candidates in,
 * decisions once a candidate's block is final, finished events out. */
#include <math.h>
#include <string.h>

#include "cls_internal.h"

/* Shapes no motor-unit potential has: above the noise band for less than
 * 1 ms (a glitch: a MUAP's shortest phase lasts about 1 ms; a weak
 * potential may clear the 2 σ band for less than its full duration, so
 * the limit is one phase, not one potential), or more than 8 phases
 * (polyphasic MUAPs have up to ~8; Stålberg et al., Muscle Nerve 19:1,
 * 1996). */
static const double noise_min_ms = 1.0;
static const int noise_max_phases = 8;
/* Electrode pop: other channels below this fraction of the main one. */
static const float pop_dominance = 0.25f;
/* A pop's decay is excluded this long after its end. */
static const double pop_tail_s = 0.5;

static cls_pending *pend_at(fasc_classifier *cls, int i)
{
    return &cls->pend[(cls->pend_head + i) % cls->d.queue_cap];
}

static float *pend_snip_at(fasc_classifier *cls, int i)
{
    const int slot = (cls->pend_head + i) % cls->d.queue_cap;
    return cls->pend_snip + (size_t)slot * CLS_SNIP_ROWS * (size_t)cls->d.snip_len;
}

int fasc_cls_emit(fasc_classifier *cls, const fasc_classified *ev, const float *snip)
{
    /* before the count restarted: an earlier pass's, not handed out; an
     * epoch reaching over the start is cut there */
    if (ev->epoch ? ev->offset < cls->count_from : ev->peak < cls->count_from)
        return FASC_OK;
    if (cls->out_len == cls->d.queue_cap) {
        cls->dropped++;
        return FASC_ERR_BUFFER_TOO_SMALL;
    }
    const int slot = (cls->out_head + cls->out_len) % cls->d.queue_cap;
    if (!ev->epoch && ev->peak > cls->last_peak)
        cls->last_peak = ev->peak;
    cls->out[slot] = *ev;
    if (cls->out[slot].onset < cls->count_from)
        cls->out[slot].onset = cls->count_from;
    float *dst = cls->out_snip + (size_t)slot * (size_t)cls->d.snip_len;
    if (snip)
        memcpy(dst, snip, sizeof(float) * (size_t)cls->d.snip_len);
    else
        memset(dst, 0, sizeof(float) * (size_t)cls->d.snip_len);
    cls->out_len++;
    return FASC_OK;
}

fasc_index fasc_cls_retime_limit(fasc_classifier *cls, fasc_index peak)
{
    /* the candidate's own block is final, and every candidate in it is
     * here, whatever the block sizes of the input were */
    const fasc_index block_end = (fasc_index)(fasc_cls_block_of(cls, peak) + 1) * cls->d.block_n;
    const fasc_index next = cls->pend_len > 1 ? pend_at(cls, 1)->ev.peak : block_end;
    return next < block_end ? next : block_end;
}

/* Inserts in order of peak time (candidates arrive up to the detector's
 * latency late; beats about a QRS window late). */
static cls_pending *insert(fasc_classifier *cls, fasc_index peak, float **snip)
{
    const int cap = cls->d.queue_cap;
    if (cls->pend_len == cap) {
        cls->dropped++;
        return NULL;
    }
    int at = cls->pend_len;
    while (at > 0 && pend_at(cls, at - 1)->ev.peak > peak)
        at--;
    for (int i = cls->pend_len; i > at; i--) {
        *pend_at(cls, i) = *pend_at(cls, i - 1);
        memcpy(pend_snip_at(cls, i), pend_snip_at(cls, i - 1),
               sizeof(float) * CLS_SNIP_ROWS * (size_t)cls->d.snip_len);
    }
    cls->pend_len++;
    *snip = pend_snip_at(cls, at);
    return pend_at(cls, at);
}

void fasc_cls_queue_beat(fasc_classifier *cls, const fasc_classified *ev)
{
    /* The first beats of a rhythm are confirmed only when it is recognised,
     * up to three intervals later: past the latency bound they are counted
     * (fasc_classifier_heartbeats) but not handed out. */
    if (fasc_cls_block_of(cls, ev->peak) < cls->final_block)
        return;
    float *snip;
    cls_pending *p = insert(cls, ev->peak, &snip);
    if (!p)
        return;
    p->ev = *ev;
    p->noise_sd = 0.0f;
    p->has_band = false;
    p->n_nb_rows = 0;
    memset(snip, 0, sizeof(float) * (size_t)cls->d.snip_len);
}

static bool dominant(const fasc_detection *ev)
{
    for (int j = 1; j < ev->channel_count; j++)
        if (ev->channel_peak_to_peak_uv[j] > pop_dominance * ev->peak_to_peak_uv)
            return false;
    return true;
}

/* A pop (an over-ceiling step on one lead) marks its channel's blocks as
 * soon as it arrives, so that candidates in its decay, decided later, see
 * it. Movement needs no such mark: the low-frequency test finds it. */
static void mark_pop(fasc_classifier *cls, const fasc_detection *ev)
{
    const cls_design *d = &cls->d;
    if (!(ev->flags & FASC_DETECTION_ARTEFACT) || !dominant(ev) || d->channels <= 2)
        return;
    const fasc_index until = ev->offset + (fasc_index)lround(pop_tail_s * d->rate);
    int64_t from = fasc_cls_block_of(cls, ev->onset);
    if (from < cls->final_block)
        from = cls->final_block;
    int64_t to = fasc_cls_block_of(cls, until);
    if (to > cls->block)
        to = cls->block; /* later blocks are marked when they start */
    for (int64_t b = from; b <= to; b++)
        fasc_cls_block(cls, b, ev->main_channel)->flags |= CLS_POP;
    if (until > cls->ch[ev->main_channel].art_until)
        cls->ch[ev->main_channel].art_until = until;
}

/* Peak-to-peak of a snippet row from the event's onset to its offset, as
 * the detector measures its involved channels. */
static float row_p2p(const fasc_detection *det, const float *row)
{
    return fasc_cls_span_p2p(row, det->snippet_start, (long)det->snippet_length, det->onset,
                             det->offset);
}

int fasc_classifier_push(fasc_classifier *cls, const fasc_detection *det, const float *snippets)
{
    if (!cls || !det || !snippets || det->main_channel < 0 ||
        det->main_channel >= cls->d.channels || det->channel_count < 1 ||
        det->channel_count > FASC_DETECTOR_MAX_EVENT_CHANNELS || det->quiet_count < 0 ||
        det->quiet_count > 4 || fasc_detection_rows(det) > FASC_DETECTOR_MAX_EVENT_CHANNELS ||
        det->snippet_length != (size_t)cls->d.snip_len)
        return FASC_ERR_INVALID_ARGUMENT;
    for (int j = 0; j < fasc_detection_rows(det); j++)
        if (fasc_detection_row_channel(det, j) < 0 ||
            fasc_detection_row_channel(det, j) >= cls->d.channels)
            return FASC_ERR_INVALID_ARGUMENT;
    if (cls->flushed)
        return FASC_ERR_STATE;
    const cls_design *d = &cls->d;
    float *snip;
    cls_pending *p = insert(cls, det->peak, &snip);
    if (!p)
        return FASC_ERR_BUFFER_TOO_SMALL;
    memcpy(snip, snippets, sizeof(float) * (size_t)d->snip_len);
    fasc_classified *ev = &p->ev;
    memset(ev, 0, sizeof *ev);
    ev->onset = det->onset;
    ev->peak = det->peak;
    ev->offset = det->offset;
    ev->channel = det->main_channel;
    ev->cls = FASC_CLASS_FASCICULATION;
    ev->peak_to_peak_uv = det->peak_to_peak_uv;
    ev->confidence = det->score; /* replaced by the decision */
    ev->flags = det->flags;
    ev->noise_sd_uv = det->noise_sd_uv;
    ev->channel_count = det->channel_count;
    memcpy(ev->channels, det->channels, sizeof(int) * (size_t)det->channel_count);
    memcpy(p->ch_p2p, det->channel_peak_to_peak_uv, sizeof(float) * (size_t)det->channel_count);
    p->noise_sd = det->noise_sd_uv;
    p->snip_start = det->snippet_start;
    p->read_again = false;
    p->beat_locked = false;
    /* the neighbours' rows: a unit is compared with a discharge on the
     * unit's own main channel, which may be the candidate's neighbour */
    p->n_nb_rows = 0;
    for (int j = 1; j < fasc_detection_rows(det) && p->n_nb_rows < CLS_NB_ROWS; j++) {
        const int c = fasc_detection_row_channel(det, j);
        if (!fasc_cls_neighbours(cls, det->main_channel, c) || c == det->main_channel)
            continue;
        memcpy(snip + (size_t)(2 + p->n_nb_rows) * (size_t)d->snip_len,
               snippets + (size_t)j * (size_t)d->snip_len, sizeof(float) * (size_t)d->snip_len);
        p->nb_row_sd[p->n_nb_rows] = det->row_noise_sd_uv[j] > 0.0f ? det->row_noise_sd_uv[j]
                                                                     : det->noise_sd_uv;
        p->nb_row_p2p[p->n_nb_rows] = j < det->channel_count ? det->channel_peak_to_peak_uv[j]
                                                             : row_p2p(det, snippets + (size_t)j * (size_t)d->snip_len);
        p->nb_row_ch[p->n_nb_rows++] = c;
    }
    /* the detector may have taken a reference off its snippets (the
     * common median): the heartbeat test compares the band signal itself
     * with the beat templates, which come from it (no test without ECG
     * detection, no copy) */
    p->has_band = d->ecg && fasc_cls_band_copy(cls, det->main_channel, det->snippet_start,
                                               d->snip_len, snip + d->snip_len);
    const double sd = det->noise_sd_uv > 0.0f ? det->noise_sd_uv : 1.0;
    fasc_features_waveform(snippets, (size_t)d->snip_len, (size_t)d->snip_pre_n, d->rate, sd,
                           &ev->features);
    fasc_index lo = det->channel_peak[0], hi = det->channel_peak[0];
    for (int j = 1; j < det->channel_count; j++) {
        lo = det->channel_peak[j] < lo ? det->channel_peak[j] : lo;
        hi = det->channel_peak[j] > hi ? det->channel_peak[j] : hi;
    }
    ev->features.channel_count = det->channel_count;
    ev->features.peak_spread_ms = (float)((double)(hi - lo) * 1000.0 / d->rate);
    /* firing-rate evidence for the voluntary test */
    const int64_t b = fasc_cls_block_of(cls, det->peak);
    if (b >= cls->final_block && b <= cls->block)
        for (int j = 0; j < det->channel_count; j++) {
            cls_block *blk = fasc_cls_block(cls, b, det->channels[j]);
            if (blk->events < UINT16_MAX)
                blk->events++;
        }
    mark_pop(cls, det);
    if (b < cls->final_block) /* arrived after its block was final */
        fasc_cls_decide_until(cls, cls->final_block);
    return FASC_OK;
}

/* How long a regular train keeps its channels voluntary after its last
 * discharge: two intervals at the slowest voluntary rate. */
static const double tonic_hold_s = 0.5;

static float logistic(double x)
{
    return (float)(1.0 / (1.0 + exp(-x)));
}

/* Assigns the candidate to a unit and says whether it belongs to voluntary
 * firing: its unit's train is regular at voluntary rates, or a unit on one
 * of its channels fired so within the last tonic_hold_s (the contraction
 * goes on; its other units may not have shown a train yet). A voluntary
 * discharge stays in its unit's train but is not counted. */
static bool tonic(fasc_classifier *cls, cls_pending *p, const float *snip)
{
    fasc_classified *ev = &p->ev;
    bool recent = false;
    const fasc_index hold = (fasc_index)(tonic_hold_s * cls->d.rate);
    for (int j = 0; j < ev->channel_count; j++) {
        const cls_channel *ch = &cls->ch[ev->channels[j]];
        recent |= ch->tonic_at >= 0 && ev->peak - ch->tonic_at <= hold;
    }
    /* inside a contraction a discharge only joins the units already known
     * (to follow their trains): new units there would be voluntary ones,
     * and would fill the store the fasciculating units need */
    cls_unit *u = fasc_cls_assign_unit(cls, p, snip, !recent);
    const bool own = fasc_cls_unit_tonic(cls, u);
    for (int j = 0; own && j < ev->channel_count; j++)
        cls->ch[ev->channels[j]].tonic_at = ev->peak;
    if (!own && !recent)
        return false;
    if (u)
        fasc_cls_unit_unclaim(cls, u, ev);
    return true;
}

static void decide(fasc_classifier *cls, cls_pending *p, const float *snip)
{
    fasc_classified *ev = &p->ev;
    if (ev->epoch) { /* a heartbeat */
        fasc_cls_emit(cls, ev, NULL);
        return;
    }
    const cls_design *d = &cls->d;
    const int64_t b = fasc_cls_block_of(cls, ev->peak);
    const uint8_t state = fasc_cls_state(cls, b, ev->channel);
    const double score = ev->confidence;
    const fasc_index beat = fasc_cls_beat_near(cls, ev->peak, d->ecg_win_n);
    const int spread = d->channels >= 4 ? (d->channels + 1) / 2 : d->channels;
    /* near a removed beat, judge the waveform with the beat put back */
    const float *judged = p->has_band ? snip + d->snip_len
                          : beat >= 0 && fasc_cls_restore_beat(cls, ev, snip, p->snip_start, beat,
                                                               cls->restored)
                              ? cls->restored
                              : snip;
    if (beat >= 0 && fasc_cls_is_ecg_shape(cls, ev, judged, p->snip_start, beat, p->noise_sd)) {
        ev->cls = FASC_CLASS_ECG;
        ev->confidence = 0.9f;
    } else if (state & (CLS_MOVE | CLS_SAT | CLS_FLAT)) {
        ev->cls = (state & CLS_MOVE) ? FASC_CLASS_MOVEMENT : FASC_CLASS_NOISE;
        ev->confidence = 0.8f;
    } else if ((state & CLS_POP) || ((ev->flags & FASC_DETECTION_ARTEFACT) &&
                                     ev->channel_count < spread)) {
        ev->cls = FASC_CLASS_ELECTRODE_POP;
        ev->confidence = (state & CLS_POP) ? 0.8f : 0.6f;
    } else if ((ev->flags & FASC_DETECTION_ARTEFACT) ||
               ((ev->flags & FASC_DETECTION_LONG) && !(state & CLS_VOL))) {
        /* a run cut at max_event_s inside a contraction is superimposed
         * motor-unit potentials (the interference pattern), not a swing */
        ev->cls = FASC_CLASS_MOVEMENT;
        ev->confidence = 0.6f;
    } else if (state & CLS_VOL) {
        ev->cls = FASC_CLASS_VOLUNTARY;
        ev->confidence = 0.8f;
    } else if (ev->features.duration_ms < noise_min_ms ||
               ev->features.phases > noise_max_phases ||
               (cls->join_at >= 0 && ev->peak >= cls->join_at &&
                ev->peak < cls->join_at + d->snip_pre_n)) {
        /* (the last: its snippet holds the end of one recording and the
         * start of the next, fasc_classifier_join; a second pass's first
         * samples leave the common median a splice of leads cut mid-wave) */
        ev->cls = FASC_CLASS_NOISE;
        ev->confidence = 0.6f;
    } else if (tonic(cls, p, snip)) {
        ev->cls = FASC_CLASS_VOLUNTARY;
        ev->confidence = 0.7f;
    } else if (p->read_again) {
        ev->cls = FASC_CLASS_NOISE;
        ev->confidence = 0.6f;
    } else if (p->beat_locked) {
        /* a unit at one lag from the heartbeat: the beat's, not a motor
         * unit's (units.c) */
        ev->cls = beat >= 0 ? FASC_CLASS_ECG : FASC_CLASS_NOISE;
        ev->confidence = 0.7f;
        if (ev->unit > 0)
            fasc_cls_unit_unclaim(cls, &cls->units[ev->unit - 1], ev);
    } else {
        ev->cls = FASC_CLASS_FASCICULATION;
        /* detection margin: z 6 gives 0.5, z 9 gives 0.9 */
        ev->confidence = logistic((score - 6.0) / 1.4);
        if (ev->unit > 0 && cls->units[ev->unit - 1].n_avg >= 3)
            ev->confidence = 1.0f - 0.3f * (1.0f - ev->confidence);
        if (ev->peak >= cls->count_from) { /* (an earlier pass's is not) */
            fasc_channel_totals *t = &cls->ch[ev->channel].tot;
            t->fasciculations++;
            cls->tot.fasciculations++;
            if (ev->repeat) {
                t->repeats++;
                cls->tot.repeats++;
            }
        }
    }
    fasc_cls_emit(cls, ev, snip);
}

/* Decides every pending item whose block is final. */
void fasc_cls_decide_until(fasc_classifier *cls, int64_t final_block)
{
    while (cls->pend_len > 0) {
        cls_pending *p = pend_at(cls, 0);
        if (fasc_cls_block_of(cls, p->ev.peak) >= final_block)
            break;
        decide(cls, p, pend_snip_at(cls, 0));
        cls->pend_head = (cls->pend_head + 1) % cls->d.queue_cap;
        cls->pend_len--;
    }
}

/* Blocks up to `upto` (exclusive) become final. */
static void finalize_until(fasc_classifier *cls, int64_t upto)
{
    while (cls->final_block < upto) {
        fasc_cls_decide_until(cls, cls->final_block + 1);
        fasc_cls_finalize_block(cls, cls->final_block);
        cls->final_block++;
    }
}

static void block_start(fasc_classifier *cls)
{
    const fasc_index t0 = (fasc_index)cls->block * cls->d.block_n;
    for (int k = 0; k < cls->d.channels; k++)
        if (cls->ch[k].art_until >= t0)
            fasc_cls_block(cls, cls->block, k)->flags |= CLS_POP;
}

int fasc_classifier_process(fasc_classifier *cls, const float *const *band,
                            const float *const *raw, size_t n)
{
    if (!cls || (n > 0 && !band))
        return FASC_ERR_INVALID_ARGUMENT;
    if (cls->flushed)
        return FASC_ERR_STATE;
    if (n == 0)
        return FASC_OK;
    const cls_design *d = &cls->d;
    for (int k = 0; k < d->channels; k++)
        if (!band[k] || (raw && !raw[k]))
            return FASC_ERR_INVALID_ARGUMENT;
    /* runs end at sub-block boundaries */
    for (size_t i = 0; i < n;) {
        const int room = d->sub_n - (int)(cls->t % d->sub_n);
        const int len = n - i < (size_t)room ? (int)(n - i) : room;
        fasc_cls_segment_run(cls, band, raw, i, len);
        fasc_cls_beat_store(cls, band, i, len);
        for (int j = 0; j < len; j++) {
            fasc_cls_beat_sample(cls, j);
            cls->t++;
        }
        i += (size_t)len;
        if (cls->t % d->sub_n == 0)
            fasc_cls_sub_block_end(cls);
        if (cls->t % d->block_n == 0) {
            fasc_cls_beat_block_end(cls);
            fasc_cls_block_end(cls);
            block_start(cls);
            finalize_until(cls, cls->block - d->delay_blocks);
        }
    }
    return FASC_OK;
}

int fasc_classifier_flush(fasc_classifier *cls)
{
    if (!cls)
        return FASC_ERR_INVALID_ARGUMENT;
    if (cls->flushed)
        return FASC_OK;
    /* a partial last block counts as a block; it is final like the rest */
    if (cls->t % cls->d.block_n != 0) {
        fasc_cls_fold_sub_block(cls);
        fasc_cls_block_end(cls);
        block_start(cls);
    }
    fasc_cls_segment_flush(cls);
    finalize_until(cls, cls->block);
    fasc_cls_decide_until(cls, INT64_MAX);
    fasc_cls_epochs_close(cls);
    cls->flushed = true;
    return FASC_OK;
}

int fasc_classifier_next(fasc_classifier *cls, fasc_classified *out, float *snippet,
                         size_t capacity)
{
    if (!cls || !out || (!snippet && capacity > 0))
        return FASC_ERR_INVALID_ARGUMENT;
    if (cls->out_len == 0)
        return 0;
    const size_t len = (size_t)cls->d.snip_len;
    const int slot = cls->out_head;
    if (capacity > 0 && capacity < len && !cls->out[slot].epoch)
        return FASC_ERR_BUFFER_TOO_SMALL;
    *out = cls->out[slot];
    if (capacity > 0 && !out->epoch)
        memcpy(snippet, cls->out_snip + (size_t)slot * len, sizeof(float) * len);
    cls->out_head = (cls->out_head + 1) % cls->d.queue_cap;
    cls->out_len--;
    return 1;
}
