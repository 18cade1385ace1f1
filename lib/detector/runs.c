/* Per-channel hysteresis: runs open when a statistic exceeds the threshold,
 * close after dead_n samples below the release level, are cut at
 * max_event_s, and are split at the valley between two discharges. */
#include <math.h>

#include "det_internal.h"

enum { DET_QUIET = 0, DET_ACTIVE = 1, DET_ABOVE = 2 };

/* Gaussian-equivalent z of an energy (Wilson–Hilferty); only evaluated for
 * statistics above threshold, where the cube root is worth its cost. */
static float gauss_z(float e, float oma, float isa)
{
    return (cbrtf(e) - oma) * isa;
}

/* Whether gauss_z(e, oma, isa) may exceed `z_floor`: false only where it
 * surely does not (e below the floor's energy by a margin far wider than
 * the rounding of either side), so that skipping the cube root changes
 * nothing. */
static bool may_exceed(float e, float oma, float isa, float z_floor)
{
    const float root = z_floor / isa + oma;
    return !(root > 0.0f) || e >= 0.99999f * root * root * root;
}

/* The channel's level at input t (centred time t - d_max) and, when above,
 * the largest z of the statistics above threshold, computed only where it
 * can exceed `z_floor` (+inf: the level alone; others count as -inf). In a
 * contraction every channel stays above threshold for seconds, and most
 * samples of a run cannot raise its best z. */
static int level(const fasc_detector *det, int c, fasc_index t, float z_floor, float *score)
{
    const det_channel *ch = &det->ch[c];
    int lv = DET_QUIET;
    float best = -INFINITY;
    float own[DET_SCALES];
    /* the scales' rows of t lie erows rows apart (fasc_det_e) */
    const size_t scale_step = (size_t)det->d.erows * DET_LANES;
    const float *e_own = fasc_det_e(det, c, 0, t);
    for (int s = 0; s < DET_SCALES; s++) {
        own[s] = e_own[(size_t)s * scale_step];
        if (own[s] >= ch->R[s]) {
            lv = lv > DET_ACTIVE ? lv : DET_ACTIVE;
            if (own[s] >= ch->T[s]) {
                lv = DET_ABOVE;
                if (may_exceed(own[s], ch->oma[s], ch->isa[s], z_floor))
                    best = fmaxf(best, gauss_z(own[s], ch->oma[s], ch->isa[s]));
            }
        }
    }
    /* A pair counts for this channel only where its own energy is above
     * its release level: a potential spread over two electrodes, not one
     * strong neighbour lifting the mean of a silent channel (so a quiet
     * channel, the usual case, has no pair to look at). */
    for (int k = 0; lv != DET_QUIET && k < ch->nnb; k++) {
        const float *e_nb = fasc_det_e(det, ch->nb[k], 0, t);
        for (int s = 0; s < DET_SCALES; s++) {
            if (!(own[s] >= ch->R[s]))
                continue;
            float sum = own[s] + e_nb[(size_t)s * scale_step];
            if (sum >= ch->R2[k][s]) {
                lv = lv > DET_ACTIVE ? lv : DET_ACTIVE;
                if (sum >= ch->T2[k][s]) {
                    lv = DET_ABOVE;
                    if (may_exceed(0.5f * sum, ch->oma2[k][s], ch->isa2[k][s], z_floor))
                        best = fmaxf(best, gauss_z(0.5f * sum, ch->oma2[k][s],
                                                   ch->isa2[k][s]));
                }
            }
        }
    }
    /* the short wavelets (z², already scaled to the noise) */
    const float wz = *fasc_det_wz(det, c, t);
    if (det->d.ncw > 0 && wz >= det->d.wthr2) {
        lv = DET_ABOVE;
        best = fmaxf(best, sqrtf(wz));
    }
    *score = best;
    return lv;
}

/* Onset: where the channel last became active before the crossing at t,
 * looking back at most max_pre_n samples and never into its previous run. */
static fasc_index find_onset(const fasc_detector *det, int c, fasc_index t)
{
    const det_design *d = &det->d;
    fasc_index tau = t - d->d_max;
    fasc_index limit = det->ch[c].last_offset + 1;
    if (tau - d->max_pre_n > limit)
        limit = tau - d->max_pre_n;
    if (limit < 0)
        limit = 0;
    float unused;
    while (tau > limit && level(det, c, t - 1, INFINITY, &unused) >= DET_ACTIVE) {
        tau--;
        t--;
    }
    return tau;
}

static void open_run(fasc_detector *det, int c, fasc_index t, float score)
{
    det_channel *ch = &det->ch[c];
    const fasc_index tau = t - det->d.d_max;
    const float e0 = *fasc_det_e(det, c, 0, t);
    det_run *r = &ch->run;
    r->onset = find_onset(det, c, t);
    r->core_start = r->core_end = tau;
    r->best = score;
    r->best_t = tau;
    r->flags = 0;
    r->pk = r->vl = e0;
    r->pk_t = r->vl_t = tau;
    r->quiet = r->gap = 0;
    r->core_start_a = -1;
    r->best_a = -INFINITY;
    ch->in_run = true;
    ch->last_active = tau;
    fasc_det_bit_set(det->runset, c, true);
    fasc_det_busy_mark(det, c, r->onset - det->d.guard_n, tau);
    ch->marked_to = tau;
}

static void close_run(fasc_detector *det, int c, fasc_index offset)
{
    det_channel *ch = &det->ch[c];
    ch->in_run = false;
    ch->last_offset = offset;
    if (!ch->blocked)
        fasc_det_bit_set(det->runset, c, false);
    fasc_det_busy_mark(det, c, ch->marked_to + 1, offset + det->d.guard_n);
    ch->marked_to = offset + det->d.guard_n;
    fasc_det_run_closed(det, c, &ch->run, offset);
}

/* A repeat discharge of the same unit has about the same energy as the
 * first; a much smaller second maximum is the first potential's own tail
 * (late phases, the high-pass filter's undershoot). */
static const float det_split_ratio = 4.0f;

/* Doublet rule on the 2.5 ms energy: a maximum, a valley under half of it,
 * then a rise above twice the valley at least split_n after the maximum
 * splits the run at the valley. Beyond the plain rule, both maxima must
 * exceed the threshold, the smaller be at least a quarter of the larger,
 * and the energy must stay below the release level for split_gap_n samples
 * in between: the phases of one polyphasic potential (up to 20 ms long)
 * are separated by brief zero crossings only, two discharges by a pause. */
static void track_split(fasc_detector *det, int c, fasc_index t)
{
    det_run *r = &det->ch[c].run;
    const det_channel *ch = &det->ch[c];
    const fasc_index tau = t - det->d.d_max;
    const float e0 = *fasc_det_e(det, c, 0, t);
    if (e0 > r->pk) {
        r->pk = r->vl = e0;
        r->pk_t = r->vl_t = tau;
        r->gap = r->quiet = 0;
    } else if (e0 < r->vl) {
        r->vl = e0;
        r->vl_t = tau;
        r->core_end_v = r->core_end;
        r->best_v = r->best;
        r->best_t_v = r->best_t;
        r->core_start_a = -1;
        r->best_a = -INFINITY;
    }
    r->quiet = e0 < ch->R[0] ? r->quiet + 1 : 0;
    r->gap = r->quiet > r->gap ? r->quiet : r->gap;
    if (!(r->vl_t > r->pk_t && e0 > 2.0f * r->vl && r->pk > 2.0f * r->vl &&
          e0 >= ch->T[0] && r->pk >= ch->T[0] && det_split_ratio * e0 >= r->pk &&
          r->gap >= det->d.split_gap_n && tau - r->pk_t >= det->d.split_n))
        return;
    det_run first = *r;
    first.core_end = r->core_end_v;
    first.best = r->best_v;
    first.best_t = r->best_t_v;
    det->ch[c].last_offset = r->vl_t - 1;
    fasc_det_run_closed(det, c, &first, r->vl_t - 1);
    r->onset = r->vl_t;
    r->core_start = r->core_start_a;
    r->core_end = r->core_end_a;
    r->best = r->best_a;
    r->best_t = r->best_t_a;
    r->pk = r->vl = e0;
    r->pk_t = r->vl_t = tau;
    r->quiet = r->gap = 0;
}

static void continue_run(fasc_detector *det, int c, fasc_index t, int lv,
                         float score)
{
    det_channel *ch = &det->ch[c];
    det_run *r = &ch->run;
    const det_design *d = &det->d;
    const fasc_index tau = t - d->d_max;
    if (lv >= DET_ACTIVE)
        ch->last_active = tau;
    if (lv == DET_ABOVE) {
        if (r->core_start < 0)
            r->core_start = tau;
        r->core_end = tau;
        if (score > r->best) {
            r->best = score;
            r->best_t = tau;
        }
        if (r->core_start_a < 0)
            r->core_start_a = tau;
        r->core_end_a = tau;
        if (score > r->best_a) {
            r->best_a = score;
            r->best_t_a = tau;
        }
    }
    if (tau - r->onset + 1 > d->max_n) {
        r->flags |= FASC_DETECTION_LONG;
        ch->blocked = true;
        close_run(det, c, tau - 1);
    } else if (tau - ch->last_active >= d->dead_n) {
        close_run(det, c, ch->last_active);
    }
}

void fasc_det_step(fasc_detector *det, int c, fasc_index t)
{
    det_channel *ch = &det->ch[c];
    const fasc_index tau = t - det->d.d_max;
    float score;
    /* A run's doublet tracking first (it may split the run, or start its
     * best since the valley afresh); then its best z and its best since
     * the valley (continue_run) are raised only by a larger z. Outside a
     * run only opening needs one. */
    if (ch->in_run)
        track_split(det, c, t);
    const float z_floor = ch->in_run ? fminf(ch->run.best, ch->run.best_a)
                          : ch->blocked ? INFINITY
                                        : -INFINITY;
    int lv = level(det, c, t, z_floor, &score);
    if (ch->in_run) {
        continue_run(det, c, t, lv, score);
    } else if (ch->blocked) {
        /* after a cut: wait for a full release before a new run. These
         * samples stay in the noise estimate: activity longer than any
         * potential is a change of the background (σ must follow it, or a
         * doubled noise level would hold every channel above threshold for
         * ever) or an artefact, which the median tolerates. */
        if (lv >= DET_ACTIVE) {
            ch->last_active = tau;
        } else if (tau - ch->last_active >= det->d.dead_n) {
            ch->blocked = false;
            fasc_det_bit_set(det->runset, c, false);
        }
    } else if (lv == DET_ABOVE) {
        open_run(det, c, t, score);
    }
}

void fasc_det_close_all(fasc_detector *det)
{
    for (int c = 0; c < det->d.channels; c++)
        if (det->ch[c].in_run)
            close_run(det, c, det->ch[c].last_active);
}
