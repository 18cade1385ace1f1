/* Online motor-unit clustering of fasciculations by their main-channel
 * waveform, with a merge rule, repeat-discharge marking and the timing of
 * each unit's discharges on one phase. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cls_internal.h"
#include "../common/clones.h"

/* Units' amplitudes must agree within this factor. */
static const float amp_factor = 1.5f;
/* Templates average at most this many discharges (then a running mean
 * that follows slow changes of the waveform). */
static const int max_average = 16;
/* Repeat discharges: 10-110 ms after the unit's previous one (Desai &
 * Swash 1997; the clinical definition). */
static const double repeat_min_s = 0.010, repeat_max_s = 0.110;
/* Voluntary motor units fire regularly at about 5-30 Hz (De Luca &
 * Hostage, J Neurophysiol 104:1034, 2010), fasciculating ones irregularly
 * and seldom (Mills, Brain 133:3458, 2010): a unit whose last four
 * discharges come at intervals of 33-250 ms with a coefficient of
 * variation under 0.3 is firing tonically. */
enum { tonic_discharges = 4 };
static const double tonic_min_s = 0.033, tonic_max_s = 0.250, tonic_cv = 0.3;

/* What the beat removal leaves of a heartbeat on a lead, or a phase of the
 * QRS that the ecg test does not take, is detected at one lag from the R
 * wave beat after beat, and its detections gather in one unit; a motor
 * unit fires independently of the heart. A unit locks to the heartbeat
 * when at least unit_min_discharges of its latest CLS_UNIT_TIMES
 * discharges lie within lock_span_s of one lag to the nearest beat
 * (within ecg_window_s), and those are at least two thirds of all its
 * discharges; it stays locked while the discharges within lock_span_s of
 * that lag are at least half of all. Of units firing independently of
 * beats 0.75 s apart, 3-100 discharges, 2e-4 ever lock and none of 10 or
 * more stays locked (tests/classifier/gen_lock_null.py; with half instead
 * of two thirds 2e-3 lock, and four true units of the synthetic bench,
 * three of whose first five discharges lay within 9 ms of one lag, locked
 * for good). A true unit that locks by
 * chance early (seed 105: three of its first four within 6 ms of one lag)
 * unlocks as its later discharges come elsewhere. The bench's false units
 * of this kind recur within 6-9 ms (seeds 110 and 225; 110 and 241 of the
 * recordings without fasciculations). */
static const double lock_span_s = 0.010;

/* The event's window, zero outside the snippet. */
static void window(const fasc_classifier *cls, const float *snip, float *x)
{
    const cls_design *d = &cls->d;
    const int lead = d->ulag_n;
    for (int j = -lead; j < d->ulen + lead; j++) {
        const int at = d->snip_pre_n - d->upre_n + j;
        x[j + lead] = at >= 0 && at < d->snip_len ? snip[at] : 0.0f;
    }
}

/* Slope of t at j (central difference, one-sided at the ends). */
static float slope_at(const float *t, int n, int j)
{
    if (j == 0)
        return t[1] - t[0];
    if (j == n - 1)
        return t[n - 1] - t[n - 2];
    return 0.5f * (t[j + 1] - t[j - 1]);
}

/* Templates that have averaged this many discharges give a footprint
 * projection (below): before, a young template still holds much of its
 * first discharges' own noise, and a discharge projected on its own noise
 * would seem larger on that row than later ones. */
enum { footprint_settled = 4 };

/* x projected on the direction of template t, in units of the noise σ sd:
 * the discharge's size on that row. Its noise has variance tᵀRt / tᵀt,
 * R the noise's autocorrelation over σ²: 1 for white noise, about 2.2 for
 * the bench's templates under 20-450 Hz noise at 2048 Hz (footprint_level). */
static float projection(const float *x, const float *t, int n, float sd)
{
    double xt = 0.0, tt = 0.0;
    for (int j = 0; j < n; j++) {
        xt += (double)x[j] * t[j];
        tt += (double)t[j] * t[j];
    }
    return tt > 0.0 && sd > 0.0f ? (float)(xt / (sqrt(tt) * sd)) : 0.0f;
}

/* Σ(x[j + xoff] - t[j] - δ t'[j])² over samples j0..j1 - 1 of an n-sample
 * template t, at the δ within ±1/2 sample (x leading t by δ) that makes
 * it least: δ = Σ(x - t) t' / Σ t'² to first order in δ (*shift receives
 * it). At 2 kHz a sharp phase moves tens of µV in half a sample, so
 * whole-sample lags alone leave large units with residuals far above the
 * noise. */
static double shifted_residual(const float *x, int xoff, const float *t, int n, int j0, int j1,
                               double *shift)
{
    double ee = 0.0, et = 0.0, tt = 0.0;
    for (int j = j0; j < j1; j++) {
        const double e = (double)x[j + xoff] - t[j], g = slope_at(t, n, j);
        ee += e * e;
        et += e * g;
        tt += g * g;
    }
    double dl = tt > 0.0 ? et / tt : 0.0;
    dl = dl > 0.5 ? 0.5 : dl < -0.5 ? -0.5 : dl;
    *shift = dl;
    return ee - 2.0 * dl * et + dl * dl * tt;
}

/* Σ(x[j + xoff] - t[j] - δ t'[j])² over an n-sample template at a given
 * δ: a neighbour's row compared at the main row's timing. */
static double residual_at(const float *x, int xoff, const float *t, int n, double shift)
{
    double ee = 0.0;
    for (int j = 0; j < n; j++) {
        const double e = (double)x[j + xoff] - t[j] - shift * slope_at(t, n, j);
        ee += e * e;
    }
    return ee;
}

/* Smallest Σ(x - t - δ t')² over whole lags of ±ulag_n and the sub-sample
 * δ at the best one; *lag and *shift receive them. */
static FASC_CLONE_INLINE double residual(const cls_design *d, const float *x, const float *t, int *lag,
                       double *shift)
{
    double best = INFINITY;
    /* lags innermost, a block of them at a time: the lags' sums side by
     * side (vectorised), each still summed in sample order */
    enum { LAGS = 32 };
    for (int l0 = -d->ulag_n; l0 <= d->ulag_n; l0 += LAGS) {
        const int nl = d->ulag_n - l0 + 1 < LAGS ? d->ulag_n - l0 + 1 : LAGS;
        double s[LAGS] = {0};
        for (int j = 0; j < d->ulen; j++) {
            const double tj = t[j];
            const float *xj = x + d->ulag_n + l0 + j;
            for (int i = 0; i < nl; i++) {
                const double e = (double)xj[i] - tj;
                s[i] += e * e;
            }
        }
        for (int i = 0; i < nl; i++)
            if (s[i] < best) {
                best = s[i];
                *lag = l0 + i;
            }
    }
    const double s = shifted_residual(x, d->ulag_n + *lag, t, d->ulen, 0, d->ulen, shift);
    return s < best ? s : best;
}

/* Σ(a - b - δ b')² of template b at lag l against a (best δ), over the
 * samples both cover, scaled to the full length. */
static double overlap_residual_at(const cls_design *d, const float *a, const float *b, int l)
{
    const int n = d->ulen, j0 = l < 0 ? -l : 0, j1 = l > 0 ? n - l : n;
    double shift = 0.0;
    return shifted_residual(a, l, b, n, j0, j1, &shift) * n / (j1 - j0);
}

/* Least Σ(a - b - δ b')² between two templates over lags of up to
 * merge_lag_n, scaled from the samples both cover to the full length:
 * templates of one unit timed on different phases are shifted copies, and
 * neither holds samples beyond its own window. */
static double overlap_residual(const cls_design *d, const float *a, const float *b, int *lag)
{
    double best = INFINITY;
    for (int l = -d->merge_lag_n; l <= d->merge_lag_n; l++) {
        const double s = overlap_residual_at(d, a, b, l);
        if (s < best) {
            best = s;
            *lag = l;
        }
    }
    return best;
}

/* Residual relative to what noise alone leaves: two estimates averaging
 * n_a and n_b discharges differ by noise of variance σ² (1/n_a + 1/n_b). */
static double normalised(const cls_design *d, double r, double sd, int na, int nb)
{
    return r / (d->ulen * sd * sd * (1.0 / na + 1.0 / nb));
}

static bool amplitudes_agree(float a, float b)
{
    return a <= amp_factor * b && b <= amp_factor * a;
}

/* Which of p's neighbour rows holds channel c, or -1. */
static int nb_row_of(const cls_pending *p, int c)
{
    for (int k = 0; k < p->n_nb_rows; k++)
        if (p->nb_row_ch[k] == c)
            return k;
    return -1;
}

/* The event's peak-to-peak on channel c: the detector's on an involved
 * channel, measured on a quiet neighbour's row, 0 elsewhere. */
static float p2p_on(const cls_pending *p, int c)
{
    const fasc_classified *ev = &p->ev;
    for (int j = 0; j < ev->channel_count; j++)
        if (ev->channels[j] == c)
            return p->ch_p2p[j];
    const int k = nb_row_of(p, c);
    return k >= 0 ? p->nb_row_p2p[k] : 0.0f;
}

static cls_unit *live(fasc_classifier *cls, cls_unit *u)
{
    while (u->merged_into)
        u = &cls->units[u->merged_into - 1];
    return u;
}

/* p's noise σ on channel c: its row's there, else its main channel's. */
static float sd_on(const cls_pending *p, int c)
{
    const int k = nb_row_of(p, c);
    return k >= 0 && p->nb_row_sd[k] > 0.0f ? p->nb_row_sd[k] : p->noise_sd;
}

/* The σ for comparing a template of channel a (n_a discharges) with one of
 * channel b (n_b), as normalised() takes it: the variances σ² / n of
 * the two means, added. */
static double pair_sd(const cls_pending *p, int a, int na, int b, int nb)
{
    const double sa = sd_on(p, a), sb = sd_on(p, b);
    return sqrt((sa * sa / na + sb * sb / nb) / (1.0 / na + 1.0 / nb));
}

/* p's row on channel c (the main channel's, a kept neighbour's, or NULL)
 * and its noise σ in *sd. */
static const float *row_on(const fasc_classifier *cls, const cls_pending *p, const float *snip,
                           int c, float *sd)
{
    *sd = p->noise_sd;
    if (c == p->ev.channel)
        return snip;
    const int k = nb_row_of(p, c);
    if (k < 0)
        return NULL;
    *sd = p->nb_row_sd[k];
    return snip + (size_t)(2 + k) * (size_t)cls->d.snip_len;
}

/* u's neighbour channels (those of its main channel) with the event's
 * peak-to-peak on each, as the first values of their means. */
static void spatial_start(const fasc_classifier *cls, cls_unit *u, const cls_pending *p)
{
    const int m = u->main_channel, cols = cls->d.cols;
    const int around[4] = {m - 1, m + 1, m - cols, m + cols};
    u->n_nb = 0;
    for (int j = 0; j < 4; j++) {
        const int c = around[j];
        bool seen = false;
        for (int i = 0; i < u->n_nb; i++)
            seen |= u->nb_ch[i] == c;
        if (c < 0 || c >= cls->d.channels || c == m || seen || !fasc_cls_neighbours(cls, m, c))
            continue;
        u->nb_ch[u->n_nb] = c;
        u->nb_p2p[u->n_nb++] = p2p_on(p, c);
    }
}

static void keep_latest(cls_unit *u, const cls_design *d);

/* Where u's next discharge's neighbour windows go (room made when u's
 * kept windows are full; a test follows every CLS_UNIT_TEST: never), none
 * kept yet, in steps of 1/64 of the noise σ sd. The discharge
 * CLS_UNIT_TEST before it loses its slot. */
static int16_t *next_kept(const cls_design *d, cls_unit *u, float sd)
{
    if (u->n_hist == CLS_UNIT_HIST)
        keep_latest(u, d);
    const int k = u->n_hist, slot = k % CLS_UNIT_TEST;
    u->hist_nb_rows[k] = 0;
    if (k >= CLS_UNIT_TEST)
        u->hist_nb_rows[k - CLS_UNIT_TEST] = 0;
    u->hist_nb_step[slot] = sd / 64.0f;
    return u->hist_nb + (size_t)slot * CLS_NB_ROWS * (size_t)d->ulen;
}

/* x in steps of `step`, within int16's range. */
static void keep_window(int16_t *k, const float *x, int n, float step)
{
    for (int j = 0; j < n; j++) {
        const float q = x[j] / step;
        k[j] = (int16_t)lrintf(q > 32767.0f ? 32767.0f : q < -32767.0f ? -32767.0f : q);
    }
}

/* u's neighbour rows from the discharge p, whose window on u's main
 * channel starts at x + ulag_n + lag (shift: its sub-sample offset): the
 * first discharge sets a row, later ones enter its running mean. Its
 * projection on each settled row goes to z[1 + i], with bit 1 + i of
 * *rows; its windows there are kept for the split test (next_kept). */
static void spatial_learn(fasc_classifier *cls, cls_unit *u, const cls_pending *p,
                          const float *snip, int lag, double shift, float *z, uint8_t *rows)
{
    const cls_design *d = &cls->d;
    float *x = cls->scratch + 2 * (d->ulen + 2 * d->ulag_n + 1);
    int16_t *kept = next_kept(d, u, p->noise_sd);
    const float step = u->hist_nb_step[u->n_hist % CLS_UNIT_TEST];
    uint8_t *kept_rows = &u->hist_nb_rows[u->n_hist];
    for (int i = 0; i < u->n_nb; i++) {
        float sd;
        const float *row = row_on(cls, p, snip, u->nb_ch[i], &sd);
        float *t = u->nb_tmpl + (size_t)i * (size_t)d->ulen;
        if (!row) {
            if (u->nb_n[i] == 0)
                memset(t, 0, sizeof(float) * (size_t)d->ulen);
            continue;
        }
        window(cls, row, x);
        const float *xs = x + d->ulag_n + lag;
        int16_t *k = kept + (size_t)i * (size_t)d->ulen;
        *kept_rows |= (uint8_t)(1u << i);
        if (u->nb_n[i] == 0) {
            memcpy(t, xs, sizeof(float) * (size_t)d->ulen);
            keep_window(k, xs, d->ulen, step);
            u->nb_n[i] = 1;
            continue;
        }
        const float a = 1.0f / (float)(u->nb_n[i] < max_average ? u->nb_n[i] + 1 : max_average);
        for (int j = 0; j < d->ulen; j++)
            x[j] = xs[j] - (float)shift * slope_at(t, d->ulen, j);
        keep_window(k, x, d->ulen, step);
        if (u->nb_n[i] >= footprint_settled) {
            z[1 + i] = projection(x, t, d->ulen, sd);
            *rows |= (uint8_t)(2u << i);
        }
        for (int j = 0; j < d->ulen; j++)
            t[j] += a * (x[j] - t[j]);
        if (u->nb_n[i] < max_average)
            u->nb_n[i]++;
    }
}

/* Degrees of freedom of one row's mismatch (fasc/classifier.h, Motor
 * units: 2BT for the 25 ms window of 20-450 Hz noise). */
static const double row_dof = 22.0;

/* The mean mismatch of n rows is about χ²_{kn} / kn, whose cube root is
 * nearly normal with mean 1 - 2/(9kn) and variance 2/(9kn) (Wilson &
 * Hilferty, PNAS 17:684, 1931). rows_match[n] is the level of n rows at
 * the tail unit_match has for one (0.4 % at the default 2), and row_cap
 * one row's level one standard deviation further out (about 2.5 at the
 * default; tail 1e-4); tests/classifier/gen_rows_levels.py gives the
 * exact quantiles. */
void fasc_cls_rows_levels(cls_design *d)
{
    const double k = row_dof, v1 = 2.0 / (9.0 * k);
    const double z = (cbrt(d->unit_match) - (1.0 - v1)) / sqrt(v1);
    d->rows_match[0] = d->rows_match[1] = d->unit_match;
    for (int n = 2; n < 2 + CLS_NB_ROWS; n++) {
        const double v = 2.0 / (9.0 * k * n), c = 1.0 - v + z * sqrt(v);
        d->rows_match[n] = c * c * c;
    }
    const double c = 1.0 - v1 + (z + 1.0) * sqrt(v1);
    d->row_cap = c * c * c;
}

/* Whether rows compared (main, already below unit_match, and neighbours:
 * their mismatches' sum and the largest neighbour's) agree: every one
 * below unit_match, or all together, their mean below rows_match[n] with
 * none beyond row_cap. Each row below unit_match alone would fail a
 * discharge of the unit n times as often as its main row does; the mean
 * fails it as often, and the union less. row_cap still rejects a
 * discharge or unit that differs on one neighbour only. */
static bool rows_fit(const cls_design *d, double sum, double worst, int rows)
{
    const int n = rows < 1 ? 1 : rows > 1 + CLS_NB_ROWS ? 1 + CLS_NB_ROWS : rows;
    return worst <= d->unit_match || (worst <= d->row_cap && sum <= d->rows_match[n] * n);
}

/* u's neighbour rows against the discharge p at the main row's timing:
 * adds their normalised residuals to *sum (their largest to *worst), their
 * likelihood scores to *score, and counts them in *rows. A unit seen on
 * one electrode may be one of several that share it, told apart by how
 * far each reaches onto the electrodes around. */
static void spatial_fits(fasc_classifier *cls, const cls_unit *u, const cls_pending *p,
                         const float *snip, int lag, double shift, double *score, int *rows,
                         double *sum, double *worst)
{
    const cls_design *d = &cls->d;
    float *x = cls->scratch + 2 * (d->ulen + 2 * d->ulag_n + 1);
    for (int i = 0; i < u->n_nb; i++) {
        float sd;
        const float *row = u->nb_n[i] > 0 ? row_on(cls, p, snip, u->nb_ch[i], &sd) : NULL;
        if (!row || !(sd > 0.0f))
            continue;
        window(cls, row, x);
        const double e = residual_at(x, d->ulag_n + lag, u->nb_tmpl + (size_t)i * (size_t)d->ulen,
                                     d->ulen, shift);
        const double r = normalised(d, e, sd, u->nb_n[i], 1);
        *sum += r;
        *worst = r > *worst ? r : *worst;
        *score += r + log(1.0 + 1.0 / u->nb_n[i]);
        (*rows)++;
    }
}

/* Whether two units of one main channel, whose main rows differ by
 * main_r, agree with their neighbour rows too (at lag l of b against a;
 * rows_fit), with each row's noise σ as the discharge p saw it. */
static bool spatial_agrees(const cls_design *d, const cls_unit *a, const cls_unit *b, int l,
                           const cls_pending *p, double main_r)
{
    double sum = main_r, worst = 0.0;
    int rows = 1;
    for (int i = 0; i < a->n_nb && i < b->n_nb; i++) {
        if (a->nb_n[i] == 0 || b->nb_n[i] == 0 || a->nb_ch[i] != b->nb_ch[i])
            continue;
        const double r = overlap_residual_at(d, b->nb_tmpl + (size_t)i * (size_t)d->ulen,
                                             a->nb_tmpl + (size_t)i * (size_t)d->ulen, l);
        const double sd = sd_on(p, a->nb_ch[i]);
        const double nr = normalised(d, r, sd, a->nb_n[i], b->nb_n[i]);
        sum += nr;
        worst = nr > worst ? nr : worst;
        rows++;
    }
    return rows_fit(d, sum, worst, rows);
}

/* u's mean peak-to-peak on channel c: its own on the main channel, the
 * running mean on a neighbour, 0 elsewhere. */
static float unit_p2p_on(const cls_unit *u, int c)
{
    if (c == u->main_channel)
        return u->ev_p2p;
    for (int i = 0; i < u->n_nb; i++)
        if (u->nb_ch[i] == c)
            return u->nb_p2p[i];
    return 0.0f;
}

/* Units (or a unit and a discharge) centred on neighbouring electrodes
 * are one only when each is about as large on the other's main channel:
 * one unit seen largest on either of two electrodes is about as large on
 * both, while two units of one shape centred on neighbouring electrodes
 * are each smaller on the other's. */
static bool spread_agrees(float a_on_b_main, float b_p2p, float b_on_a_main, float a_p2p)
{
    return amplitudes_agree(a_on_b_main, b_p2p) && amplitudes_agree(b_on_a_main, a_p2p);
}

/* Younger units whose template now matches u's join it (noise σ per
 * channel as the discharge p saw it). */
static void merge_into(fasc_classifier *cls, cls_unit *u, const cls_pending *p)
{
    const cls_design *d = &cls->d;
    for (int i = 0; i < cls->n_units; i++) {
        cls_unit *v = &cls->units[i];
        if (v == u || v->merged_into || v->retired || v->n_avg < d->unit_min ||
            !fasc_cls_neighbours(cls, u->main_channel, v->main_channel) ||
            (u->main_channel == v->main_channel
                 ? !amplitudes_agree(u->ev_p2p, v->ev_p2p)
                 : !spread_agrees(unit_p2p_on(u, v->main_channel), v->ev_p2p,
                                  unit_p2p_on(v, u->main_channel), u->ev_p2p)))
            continue;
        int lag = 0;
        const double r = overlap_residual(d, v->tmpl, u->tmpl, &lag);
        const double sd = pair_sd(p, u->main_channel, u->n_avg, v->main_channel, v->n_avg);
        const double main_r = normalised(d, r, sd, u->n_avg, v->n_avg);
        if (main_r > d->unit_match ||
            (u->main_channel == v->main_channel && !spatial_agrees(d, u, v, lag, p, main_r)))
            continue;
        cls_unit *older = u->id < v->id ? u : v, *younger = u->id < v->id ? v : u;
        younger->merged_into = older->id;
        older->discharges += younger->discharges;
        older->repeats += younger->repeats;
        if (younger == u)
            return;
    }
}

/* Two units of one shape on one electrode can differ by no more than a
 * single discharge's noise: each discharge then fits either template and
 * both gather in one unit. Over many discharges the difference shows.
 * Every CLS_UNIT_TEST discharges a unit's latest CLS_UNIT_HIST (16 the
 * first time, then 32) are split in two by 2-means, and what the halves'
 * means differ by beyond a change of size and a sub-sample shift is
 * compared with what noise leaves (normalised(), as merge_into() compares
 * two units). Because 2-means chooses the split that makes it large,
 * band-limited Gaussian noise already reaches 2.8 once in 1000 tests of
 * 16 and 3.1 once in 10 000, none of 40 000 above 3.2; over 32, 3.7 and
 * 4.0, none above 4.3 (tests/classifier/gen_split_null.py). Real units
 * vary a little more: on the synthetic bench (240 recordings, two passes)
 * single units reached 3.7 over 16, and all 33 splits above 4 were of two
 * true units; over 32 (seeds 1-96) 4.5 in 362 tests, while 10 of 36 tests
 * of two units exceeded 5. The 32 level stands to the Gaussian 1 in 10 000
 * as 4 does over 16. Two units whose halves differ by Δ per sample give
 * Δ / (1/n_a + 1/n_b), twice as much over 32 as over 16: pairs too near
 * for the first test part at a later one. */
static const double split_level[2] = {4.0, 5.2};

/* Σ(a - b - α m - β m')² at the least-squares α, β, with m the pooled
 * mean of a (n_a windows) and b (n_b), written to m, and m' its slope
 * (slope_at): what two halves differ by beyond a change of size and a
 * shift of under a sample. A unit's discharges vary by both (the
 * detector's amplitude, half-sample timing), which 2-means would split
 * on. */
static double shape_difference(const cls_design *d, const float *a, const float *b, int na,
                               int nb, float *m)
{
    const int n = d->ulen;
    const double wa = (double)na / (na + nb), wb = (double)nb / (na + nb);
    for (int j = 0; j < n; j++)
        m[j] = (float)(wa * a[j] + wb * b[j]);
    double mm = 0.0, mg = 0.0, gg = 0.0, em = 0.0, eg = 0.0, ee = 0.0;
    for (int j = 0; j < n; j++) {
        const double g = slope_at(m, n, j), e = (double)a[j] - b[j];
        mm += (double)m[j] * m[j];
        mg += m[j] * g;
        gg += g * g;
        em += e * m[j];
        eg += e * g;
        ee += e * e;
    }
    const double det = mm * gg - mg * mg;
    if (!(det > 0.0))
        return ee;
    const double al = (em * gg - eg * mg) / det, be = (eg * mm - em * mg) / det;
    const double r = ee - al * em - be * eg;
    return r > 0.0 ? r : 0.0;
}

/* 2-means of the n windows of length len at w (initialised on the two
 * farthest apart, as in Hartigan, Clustering Algorithms, 1975); g[i]
 * receives 1 for the second group. Returns the second group's size. */
static int two_means(const float *w, int n, int len, float *ma, float *mb, int *g)
{
    int i0 = 0, i1 = 1;
    double far = -1.0;
    for (int i = 0; i < n; i++)
        for (int k = i + 1; k < n; k++) {
            double e = 0.0;
            for (int j = 0; j < len; j++) {
                const double q = (double)w[i * len + j] - w[k * len + j];
                e += q * q;
            }
            if (e > far) {
                far = e;
                i0 = i;
                i1 = k;
            }
        }
    memcpy(ma, w + i0 * len, sizeof(float) * (size_t)len);
    memcpy(mb, w + i1 * len, sizeof(float) * (size_t)len);
    for (int i = 0; i < n; i++)
        g[i] = -1;
    int nb = 0;
    for (int it = 0; it < 32; it++) {
        bool moved = false;
        nb = 0;
        for (int i = 0; i < n; i++) {
            double ea = 0.0, eb = 0.0;
            for (int j = 0; j < len; j++) {
                const double qa = (double)w[i * len + j] - ma[j], qb = (double)w[i * len + j] - mb[j];
                ea += qa * qa;
                eb += qb * qb;
            }
            const int gi = eb < ea;
            moved |= gi != g[i];
            g[i] = gi;
            nb += gi;
        }
        if (!moved || nb == 0 || nb == n)
            break;
        for (int j = 0; j < len; j++) {
            double sa = 0.0, sb = 0.0;
            for (int i = 0; i < n; i++) {
                sa += g[i] ? 0.0 : w[i * len + j];
                sb += g[i] ? w[i * len + j] : 0.0;
            }
            ma[j] = (float)(sa / (n - nb));
            mb[j] = (float)(sb / nb);
        }
    }
    return nb;
}

/* The lag that puts a new unit's anchor (upre_n into its window, where a
 * discharge's detected peak sits at lag 0) on the centroid of its
 * discharge's energy: of x² less the noise's σ², what noise alone adds at
 * every sample. The detector times a discharge on any phase of its
 * potential, 5-15 ms apart; a template anchored on an outer phase could
 * not be aligned, within the ±ulag_n the snippet allows, with discharges
 * timed on the phase at the other end. */
static int centre_lag(const cls_design *d, const float *x, float sd)
{
    const int n = d->ulen + 2 * d->ulag_n;
    const double s2 = (double)sd * sd;
    double w = 0.0, wk = 0.0;
    for (int k = 0; k < n; k++) {
        const double e = (double)x[k] * x[k] - s2;
        w += e;
        wk += e * k;
    }
    if (!(w > 0.0))
        return 0;
    const long l = lround(wk / w - d->ulag_n - d->upre_n);
    return l < -d->ulag_n ? -d->ulag_n : l > d->ulag_n ? d->ulag_n : (int)l;
}

/* The most of the unit's kept lags within `span` samples of one another,
 * and the middle of their range. */
static int lag_cluster(const cls_unit *u, int32_t span, int32_t *middle)
{
    int most = 0;
    for (int i = 0; i < u->n_lags; i++) {
        const int32_t lo = u->beat_lags[i];
        if (lo == CLS_NO_LAG)
            continue;
        int k = 0;
        int32_t hi = lo;
        for (int j = 0; j < u->n_lags; j++) {
            const int32_t l = u->beat_lags[j];
            if (l != CLS_NO_LAG && l >= lo && l - lo <= span) {
                k++;
                hi = l > hi ? l : hi;
            }
        }
        if (k > most) {
            most = k;
            *middle = lo + (hi - lo) / 2;
        }
    }
    return most;
}

/* Notes a counted discharge's lag from the nearest beat and updates the
 * unit's lock: it locks when unit_min of its kept lags, and two thirds
 * of all its discharges, lie within lock_span_s of one another, and stays
 * locked while the discharges within lock_span_s of that lag are at
 * least half of all. Whether this discharge lies there, in a locked unit.
 * A second pass (fasc_classifier_count_from) goes on counting: the
 * shares are the same. */
static bool note_beat_lag(fasc_classifier *cls, cls_unit *u, fasc_index peak)
{
    const cls_design *d = &cls->d;
    const fasc_index beat = fasc_cls_beat_near(cls, peak, d->ecg_win_n);
    const int32_t lag = beat >= 0 ? (int32_t)(peak - beat) : CLS_NO_LAG;
    u->beat_lags[u->lags_head] = lag;
    u->lags_head = (u->lags_head + 1) % CLS_UNIT_TIMES;
    if (u->n_lags < CLS_UNIT_TIMES)
        u->n_lags++;
    u->n_lag_total++;
    const int32_t span = (int32_t)lround(lock_span_s * d->rate);
    if (!u->beat_locked) {
        int32_t middle = 0;
        const int most = lag_cluster(u, span, &middle);
        if (most < d->unit_min || 3 * most < 2 * u->n_lag_total)
            return false;
        u->beat_locked = true;
        u->lock_lag = middle;
        u->n_at_lock = most - 1; /* this one is counted below */
    }
    const bool at = lag != CLS_NO_LAG && labs((long)lag - u->lock_lag) <= span;
    u->n_at_lock += at;
    u->beat_locked = 2 * u->n_at_lock >= u->n_lag_total;
    return at && u->beat_locked;
}

/* A new unit's number, main channel and empty train. */
static cls_unit *unit_new(fasc_classifier *cls, int main_channel)
{
    cls_unit *u = &cls->units[cls->n_units++];
    memset(u->times, 0, sizeof u->times);
    u->id = cls->n_units;
    u->main_channel = main_channel;
    u->merged_into = 0;
    u->retired = false;
    u->discharges = u->repeats = 0;
    u->n_times = 0;
    u->n_offs = u->offs_head = 0;
    u->n_hist = u->n_new = 0;
    u->last_start = INT64_MIN;
    u->n_lags = u->lags_head = u->n_lag_total = u->n_at_lock = 0;
    u->beat_locked = false;
    return u;
}

/* u's template, size, amplitude, phase offsets and train from those of
 * from's n kept discharges in group `which` of g (their mean is m); the
 * newest (the caller's, whose train entry is still to come) is left out of
 * the train, and the phase ring takes the group's latest CLS_UNIT_OFFS. */
static void rebuild(const fasc_classifier *cls, cls_unit *u, const cls_unit *from, const int *g,
                    int n, int which, const float *m)
{
    const cls_design *d = &cls->d;
    memcpy(u->tmpl, m, sizeof(float) * (size_t)d->ulen);
    u->p2p = fasc_cls_p2p(u->tmpl, d->ulen);
    u->sd = from->sd;
    int k = 0, n_offs = 0;
    double amp = 0.0;
    int32_t offs[CLS_UNIT_OFFS];
    fasc_index times[CLS_UNIT_TIMES];
    int n_times = 0;
    for (int i = 0; i < n; i++) {
        if (g[i] != which)
            continue;
        k++;
        amp += from->hist_p2p[i];
    }
    for (int i = n - 1; i >= 0 && n_offs < CLS_UNIT_OFFS; i--)
        if (g[i] == which)
            offs[n_offs++] = from->hist_off[i];
    for (int i = n - 2; i >= 0 && n_times < CLS_UNIT_TIMES; i--)
        if (g[i] == which && from->hist_peak[i] >= cls->count_from)
            times[n_times++] = from->hist_peak[i];
    u->n_avg = k < max_average ? k : max_average;
    u->ev_p2p = (float)(amp / k);
    for (int i = 0; i < n_offs; i++) /* oldest first, as the ring fills */
        u->offs[i] = offs[n_offs - 1 - i];
    u->n_offs = n_offs;
    u->offs_head = n_offs % CLS_UNIT_OFFS;
    memcpy(u->times, times, sizeof(fasc_index) * (size_t)n_times);
    u->n_times = n_times;
}

/* Two units of one shape and size on the main electrode can still differ
 * on the electrodes around it, by how far each reaches. Each discharge's
 * projections on the unit's rows (hist_z, in noise σ) are its footprint;
 * a unit's discharges share one up to a common factor (the detector's
 * amplitude) and the noise. The footprints are split in two by 2-means,
 * and what the halves' means differ by across the direction of the mean
 * footprint (that factor), squared and over the variance (1/n_a + 1/n_b)
 * noise would give it, is compared with footprint_level[tested > 16][rows].
 * For Gaussian noise and 16 discharges that statistic exceeds 32 (2 rows)
 * and 35 (3 rows) once in 10 000 tests, over 32 discharges 48 and 51
 * (tests/classifier/gen_footprint_null.py). Single units of the synthetic
 * bench reach more: a projection on a smooth template has noise of
 * variance tᵀRt / tᵀt in σ², with R the band-limited noise's
 * autocorrelation, about 2.2 for these templates at 2048 Hz rather than 1,
 * and the rows also carry ECG and voluntary residues, overlaps and shape
 * jitter. Over 16 discharges they reached 50 and 64 in 732 tests (seeds
 * 1-24, 49-72, 97-120, 145-168 and their recordings without
 * fasciculations, two passes), and two units mixed in one 80-250; over 32,
 * 82 and 89 in 597 tests (all 240 recordings, two passes), and a mixed
 * pair 173. The levels are those maxima times 1.5; for 4 and 5 rows
 * (grids) the 3-row level grows as the Gaussian one does. */
static const double footprint_level[2][1 + 1 + CLS_NB_ROWS] = {
    {0.0, 0.0, 75.0, 96.0, 107.0, 110.0}, {0.0, 0.0, 123.0, 134.0, 149.0, 161.0}};

/* The rows (bit r: row r) every one of u's footprints from the
 * `tested`-th latest on has. */
static uint8_t rows_of_latest(const cls_unit *u, int tested)
{
    uint8_t all = 0xff;
    for (int i = u->n_hist - tested; i < u->n_hist; i++)
        all &= u->hist_rows[i];
    return all;
}

/* Fills g (1: second group, -1: older than the footprints tested: all
 * kept, or the latest CLS_UNIT_TEST where the older ones leave no
 * neighbour row, or no main row, in common) and the
 * two halves' mean footprint relative to the whole one (scale_a, scale_b,
 * per row; 1 where a row was not tested) when u's footprints hold two
 * units; returns the second group's size, or 0; *tested receives how
 * many were tested. */
static int footprint_split(const fasc_classifier *cls, const cls_unit *u, int *g, float *scale_a,
                           float *scale_b, int *tested)
{
    int n = u->n_hist;
    uint8_t all = rows_of_latest(u, n);
    if (n > CLS_UNIT_TEST && (!(all & 1u) || !(all & ~1u))) {
        n = CLS_UNIT_TEST;
        all = rows_of_latest(u, n);
    }
    *tested = n;
    const int old = u->n_hist - n;
    int row[1 + CLS_NB_ROWS], n_rows = 0;
    for (int r = 0; r <= u->n_nb; r++)
        if (all & (1u << r))
            row[n_rows++] = r;
    if (n_rows < 2 || !(all & 1u))
        return 0;
    float z[CLS_UNIT_HIST * (1 + CLS_NB_ROWS)], za[1 + CLS_NB_ROWS], zb[1 + CLS_NB_ROWS];
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n_rows; k++)
            z[i * n_rows + k] = u->hist_z[old + i][row[k]];
    for (int i = 0; i < old; i++)
        g[i] = -1;
    const int nb = two_means(z, n, n_rows, za, zb, g + old);
    const int na = n - nb;
    if (na < cls->d.unit_min || nb < cls->d.unit_min)
        return 0;
    /* f: the mean footprint over all tested */
    double f[1 + CLS_NB_ROWS], ff = 0.0, df = 0.0, dd = 0.0;
    for (int k = 0; k < n_rows; k++) {
        f[k] = (na * (double)za[k] + nb * (double)zb[k]) / n;
        const double e = (double)za[k] - zb[k];
        ff += f[k] * f[k];
        df += e * f[k];
        dd += e * e;
    }
    if (!(ff > 0.0))
        return 0;
    const double across = dd - df * df / ff;
    if (across / (1.0 / na + 1.0 / nb) <= footprint_level[n > CLS_UNIT_TEST][n_rows])
        return 0;
    for (int r = 0; r <= CLS_NB_ROWS; r++)
        scale_a[r] = scale_b[r] = 1.0f;
    for (int k = 0; k < n_rows; k++) {
        scale_a[row[k]] = f[k] > 0.0 ? (float)(za[k] / f[k]) : 1.0f;
        scale_b[row[k]] = f[k] > 0.0 ? (float)(zb[k] / f[k]) : 1.0f;
    }
    return nb;
}

/* The mean of u's kept windows in group `which` into m. */
static void group_mean(const cls_design *d, const cls_unit *u, int n_hist, const int *g, int which,
                       float *m)
{
    int n = 0;
    for (int j = 0; j < d->ulen; j++)
        m[j] = 0.0f;
    for (int i = 0; i < n_hist; i++) {
        if (g[i] != which)
            continue;
        n++;
        for (int j = 0; j < d->ulen; j++)
            m[j] += u->hist[(size_t)i * (size_t)d->ulen + (size_t)j];
    }
    for (int j = 0; j < d->ulen; j++)
        m[j] /= (float)n;
}

/* u's neighbour rows and their sizes scaled by row (scale[1 + i]), as
 * the half of a footprint split that they now stand for (n discharges). */
static void scale_rows(const cls_design *d, cls_unit *u, const float *scale, int n)
{
    for (int i = 0; i < u->n_nb; i++) {
        float *t = u->nb_tmpl + (size_t)i * (size_t)d->ulen;
        for (int j = 0; j < d->ulen; j++)
            t[j] *= scale[1 + i];
        u->nb_p2p[i] *= scale[1 + i];
        if (u->nb_n[i] > n)
            u->nb_n[i] = n;
    }
}

/* u's kept discharges after a test that did not split it: the latest
 * CLS_UNIT_HIST - CLS_UNIT_TEST, which the next test sees again beside
 * those still to come. */
static void keep_latest(cls_unit *u, const cls_design *d)
{
    const int keep = CLS_UNIT_HIST - CLS_UNIT_TEST, drop = u->n_hist - keep;
    if (drop <= 0)
        return;
    memmove(u->hist, u->hist + (size_t)drop * (size_t)d->ulen,
            sizeof(float) * (size_t)keep * (size_t)d->ulen);
    memmove(u->hist_p2p, u->hist_p2p + drop, sizeof(float) * keep);
    memmove(u->hist_peak, u->hist_peak + drop, sizeof(fasc_index) * keep);
    memmove(u->hist_off, u->hist_off + drop, sizeof(int32_t) * keep);
    memmove(u->hist_z, u->hist_z + drop, sizeof u->hist_z[0] * keep);
    memmove(u->hist_rows, u->hist_rows + drop, keep);
    /* drop is CLS_UNIT_TEST (tests come every CLS_UNIT_TEST discharges):
     * each kept discharge keeps its neighbour windows' slot */
    memmove(u->hist_nb_rows, u->hist_nb_rows + drop, keep);
    u->n_hist = keep;
}

/* u's neighbour rows as the mean of the windows kept there (the latest
 * CLS_UNIT_TEST of `from`'s n) in group `which` of g: the rows of one
 * half of a split, which before were of both. A row none of them holds is
 * learnt anew. */
static void rows_from_group(const cls_design *d, cls_unit *u, const cls_unit *from, const int *g,
                            int n, int which)
{
    const size_t len = (size_t)d->ulen;
    for (int r = 0; r < u->n_nb; r++) {
        float *t = u->nb_tmpl + (size_t)r * len;
        int k = 0;
        for (size_t j = 0; j < len; j++)
            t[j] = 0.0f;
        for (int i = 0; i < n; i++) {
            if (g[i] != which || !((from->hist_nb_rows[i] >> r) & 1u))
                continue;
            const int slot = i % CLS_UNIT_TEST;
            const int16_t *w = from->hist_nb + ((size_t)slot * CLS_NB_ROWS + (size_t)r) * len;
            const float step = from->hist_nb_step[slot];
            for (size_t j = 0; j < len; j++)
                t[j] += step * w[j];
            k++;
        }
        for (size_t j = 0; k > 0 && j < len; j++)
            t[j] /= (float)k;
        u->nb_n[r] = k < max_average ? k : max_average;
    }
}

/* Splits u when its latest discharges hold two units (see split_level and
 * footprint_level); returns the unit now holding the newest discharge. */
static cls_unit *split_test(fasc_classifier *cls, cls_unit *u, const cls_pending *p)
{
    const cls_design *d = &cls->d;
    if (u->n_new < CLS_UNIT_TEST)
        return u;
    u->n_new = 0;
    const int n = u->n_hist;
    const int wlen = d->ulen + 2 * d->ulag_n;
    float *ma = cls->scratch, *mb = cls->scratch + wlen;
    int g[CLS_UNIT_HIST];
    int nb = 0, na = 0;
    float scale_a[1 + CLS_NB_ROWS], scale_b[1 + CLS_NB_ROWS];
    bool by_footprint = false;
    if (cls->n_units < FASC_CLASSIFIER_MAX_UNITS) {
        nb = two_means(u->hist, n, d->ulen, ma, mb, g);
        na = n - nb;
        if (na < d->unit_min || nb < d->unit_min ||
            normalised(d, shape_difference(d, ma, mb, na, nb, cls->scratch + 2 * wlen),
                       sd_on(p, u->main_channel), na, nb) <= split_level[n > CLS_UNIT_TEST]) {
            int tested = 0;
            nb = footprint_split(cls, u, g, scale_a, scale_b, &tested);
            na = tested - nb;
            by_footprint = true;
        }
    }
    if (nb == 0) {
        keep_latest(u, d);
        return u;
    }
    u->n_hist = 0;
    if (by_footprint) {
        group_mean(d, u, n, g, 0, ma);
        group_mean(d, u, n, g, 1, mb);
    }
    /* u keeps the half its template (their running mean) is nearer */
    double ea = 0.0, eb = 0.0;
    for (int j = 0; j < d->ulen; j++) {
        ea += ((double)u->tmpl[j] - ma[j]) * ((double)u->tmpl[j] - ma[j]);
        eb += ((double)u->tmpl[j] - mb[j]) * ((double)u->tmpl[j] - mb[j]);
    }
    const int keep = eb < ea;
    cls_unit *v = unit_new(cls, u->main_channel);
    v->n_nb = u->n_nb;
    memcpy(v->nb_ch, u->nb_ch, sizeof v->nb_ch);
    memcpy(v->nb_p2p, u->nb_p2p, sizeof v->nb_p2p);
    if (by_footprint) {
        /* the rows told the halves apart: each takes them at its size */
        memcpy(v->nb_n, u->nb_n, sizeof v->nb_n);
        memcpy(v->nb_tmpl, u->nb_tmpl, sizeof(float) * CLS_NB_ROWS * (size_t)d->ulen);
        scale_rows(d, v, keep ? scale_a : scale_b, keep ? na : nb);
        scale_rows(d, u, keep ? scale_b : scale_a, keep ? nb : na);
    } else {
        /* each half's rows from its own kept windows: u's were of both */
        rows_from_group(d, v, u, g, n, !keep);
        rows_from_group(d, u, u, g, n, keep);
    }
    uint64_t moved = 0;
    for (int i = 0; i < n - 1; i++)
        moved += g[i] == !keep && u->hist_peak[i] >= cls->count_from;
    v->discharges = moved;
    u->discharges -= moved < u->discharges ? moved : u->discharges;
    rebuild(cls, v, u, g, n, !keep, keep ? ma : mb);
    rebuild(cls, u, u, g, n, keep, keep ? mb : ma);
    return g[n - 1] == keep ? u : v;
}

/* The discharge's peak on its unit's phase. The detector times a
 * discharge on its largest phase, and where two phases of a unit's
 * potential are of nearly one size, noise decides which: the unit's
 * discharges would come 5-15 ms apart from their true intervals. Each
 * discharge's peak is kept as an offset from its template-aligned window;
 * the offset most of the unit's latest discharges take (within half a
 * millisecond) is the unit's phase, and a discharge on another is timed on
 * it, as long as that stays inside the event and its block (so that any
 * block split gives the same events) and before every later candidate
 * (the events go out in order of peak). */
static void phase_retime(fasc_classifier *cls, cls_unit *u, fasc_classified *ev,
                         fasc_index start)
{
    const cls_design *d = &cls->d;
    const fasc_index off = ev->peak - start;
    if (off < -(fasc_index)d->snip_len || off > (fasc_index)d->snip_len)
        return;
    u->offs[u->offs_head] = (int32_t)off;
    u->offs_head = (u->offs_head + 1) % CLS_UNIT_OFFS;
    if (u->n_offs < CLS_UNIT_OFFS)
        u->n_offs++;
    const int tol = d->phase_tol_n;
    int best_c = 0;
    int32_t best_o = 0;
    for (int i = 0; i < u->n_offs; i++) {
        int c = 0;
        for (int j = 0; j < u->n_offs; j++)
            c += abs(u->offs[j] - u->offs[i]) <= tol;
        if (c > best_c) {
            best_c = c;
            best_o = u->offs[i];
        }
    }
    if (best_c < d->unit_min || llabs(off - best_o) <= tol)
        return;
    const fasc_index t = start + best_o;
    if (t < ev->onset || t > ev->offset || t < cls->last_peak ||
        t >= fasc_cls_retime_limit(cls, ev->peak))
        return;
    ev->peak = t;
}

/* The input index where p's window starts when aligned at `lag`. */
static fasc_index window_start(const cls_design *d, const cls_pending *p, int lag)
{
    return p->snip_start + d->snip_pre_n - d->upre_n + lag;
}

/* Whether a discharge of u whose template-aligned window starts at
 * `start`, detected at `peak`, is u's previous discharge read again. The
 * detector accepts a second reading of one discharge on a phase beyond its
 * refractory time (8 ms), as it must a repeat 10 ms on. The unit tells
 * them apart: a second reading's window aligns where the first's did
 * (within half a millisecond), and its peak lies on a phase of the
 * template (at least half its largest). A repeat's own potential lies a
 * repeat's interval later: when the window can still align on the first
 * discharge (a doublet 10-15 ms apart), its peak falls past the
 * template's phases. A template of fewer than unit_min discharges may
 * still hold its first discharge's surroundings, a doublet's second
 * potential among them (seed 57, one pass: unit 2's doublet 14.6 ms apart
 * founded a unit): there a second reading must also come sooner after the
 * previous discharge than a repeat can (repeat_min_s). Without that, one
 * discharge read twice made a unit of two (seed 48, first pass: unit 10's
 * discharge at 129.09 s read again 9 ms on). */
static bool read_again(const cls_design *d, const cls_unit *u, fasc_index start, fasc_index peak)
{
    if (u->last_start == INT64_MIN || llabs(start - u->last_start) > d->phase_tol_n)
        return false;
    if (u->n_avg < d->unit_min &&
        (u->n_hist == 0 || peak <= u->hist_peak[u->n_hist - 1] ||
         (double)(peak - u->hist_peak[u->n_hist - 1]) >= repeat_min_s * d->rate))
        return false;
    const fasc_index at = peak - start;
    if (at < 0 || at >= d->ulen)
        return false;
    float top = 0.0f;
    for (int j = 0; j < d->ulen; j++)
        top = fmaxf(top, fabsf(u->tmpl[j]));
    return fabsf(u->tmpl[at]) >= 0.5f * top;
}

/* A candidate's sizes as the detector measured them (its rows' peak-to-
 * peak from onset to offset), kept while assignment sees them without a
 * beat's residue. */
typedef struct cls_sizes {
    float main, ch[FASC_DETECTOR_MAX_EVENT_CHANNELS], nb[CLS_NB_ROWS];
} cls_sizes;

static float span_p2p(const cls_design *d, const cls_pending *p, const float *row)
{
    return fasc_cls_span_p2p(row, p->snip_start, d->snip_len, p->ev.onset, p->ev.offset);
}

/* The candidate's rows with what the common median left of a nearby
 * heartbeat taken out (a copy; snip itself when no beat is near), and
 * their sizes measured again (the detector's kept in *was): a discharge
 * riding on a QRS is compared with its unit as one at rest is. */
static const float *without_beat(fasc_classifier *cls, cls_pending *p, const float *snip,
                                 cls_sizes *was)
{
    const cls_design *d = &cls->d;
    fasc_index beat;
    const float *left = fasc_cls_beat_left(cls, p->snip_start, &beat);
    if (!left)
        return snip;
    const int w = d->ecg_win_n, len = 2 * w + 1, rows = 2 + p->n_nb_rows;
    float *out = cls->unit_snip;
    memcpy(out, snip, sizeof(float) * (size_t)rows * (size_t)d->snip_len);
    was->main = p->ev.peak_to_peak_uv;
    memcpy(was->ch, p->ch_p2p, sizeof was->ch);
    memcpy(was->nb, p->nb_row_p2p, sizeof was->nb);
    for (int r = 0; r < rows; r++) {
        if (r == 1) /* the band copy: the ECG test's, untouched */
            continue;
        const int c = r == 0 ? p->ev.channel : p->nb_row_ch[r - 2];
        const float *tm = left + (size_t)c * (size_t)len;
        float *x = out + (size_t)r * (size_t)d->snip_len;
        for (int i = 0; i < d->snip_len; i++) {
            const fasc_index j = p->snip_start + i - (beat - w);
            if (j >= 0 && j < len)
                x[i] -= tm[j];
        }
        const float size = span_p2p(d, p, x);
        if (r == 0)
            p->ev.peak_to_peak_uv = size;
        else
            p->nb_row_p2p[r - 2] = size;
        for (int k = 0; k < p->ev.channel_count; k++)
            if (p->ev.channels[k] == c)
                p->ch_p2p[k] = size;
    }
    return out;
}

FASC_CLONES static cls_unit *assign(fasc_classifier *cls, cls_pending *p, const float *snip,
                                    bool may_create)
{
    const cls_design *d = &cls->d;
    fasc_classified *ev = &p->ev;
    const float noise_sd = p->noise_sd;
    if (!snip || !(noise_sd > 0.0f))
        return NULL;
    /* x: the window of the row compared last; best_x: of the best unit's */
    const int wlen = d->ulen + 2 * d->ulag_n;
    float *x = cls->scratch, *best_x = cls->scratch + wlen;
    const float p2p = ev->peak_to_peak_uv;
    cls_unit *best = NULL;
    double best_score = INFINITY;
    int best_lag = 0;
    double best_shift = 0.0;
    for (int i = 0; i < cls->n_units; i++) {
        cls_unit *u = &cls->units[i];
        /* sizes compared on one electrode: a unit centred on a
         * neighbour is larger or smaller on this one */
        if (u->merged_into || u->retired || !fasc_cls_neighbours(cls, u->main_channel, ev->channel) ||
            (u->main_channel == ev->channel
                 ? !amplitudes_agree(p2p, u->ev_p2p)
                 : !spread_agrees(p2p_on(p, u->main_channel), u->ev_p2p,
                                  unit_p2p_on(u, ev->channel), p2p)))
            continue;
        /* the template holds the unit's main channel: compare the
         * discharge there (its own main row when that one was not kept),
         * against that row's own noise */
        float row_sd;
        const float *row = row_on(cls, p, snip, u->main_channel, &row_sd);
        window(cls, row ? row : snip, x);
        int lag = 0;
        double shift = 0.0;
        const double r =
            normalised(d, residual(d, x, u->tmpl, &lag, &shift), row_sd, u->n_avg, 1);
        /* the unit of greatest likelihood: with Gaussian noise, the
         * discharge less a template of n_avg discharges has variance
         * σ²(1 + 1/n_avg) per sample, so -2 log L / ulen = r + log(1 +
         * 1/n_avg). The normalised residual alone favours a young
         * template by the width of its own noise: one founded by an odd
         * discharge would draw that unit's discharges away from it. The
         * neighbours' rows add theirs; the mean over rows keeps units
         * compared over different rows on one scale. */
        double score = r + log(1.0 + 1.0 / u->n_avg), sum = r, worst = 0.0;
        int rows = 1;
        if (r > d->unit_match)
            continue;
        spatial_fits(cls, u, p, snip, lag, shift, &score, &rows, &sum, &worst);
        if (!rows_fit(d, sum, worst, rows))
            continue;
        score /= rows;
        if (score < best_score) {
            best_score = score;
            best = u;
            best_lag = lag;
            best_shift = shift;
            memcpy(best_x, x, sizeof(float) * (size_t)wlen);
        }
    }
    /* no new discharge, and no new evidence for the template or the split
     * test */
    if (best && read_again(d, best, window_start(d, p, best_lag), ev->peak)) {
        p->read_again = true;
        return NULL;
    }
    const bool created = !best;
    float own_p2p = p2p;
    float z[1 + CLS_NB_ROWS] = {0};
    uint8_t z_rows = 0;
    if (!best) {
        if (!may_create || cls->n_units == FASC_CLASSIFIER_MAX_UNITS)
            return NULL; /* unit 0: not clustered */
        best = unit_new(cls, ev->channel);
        best->n_avg = 1;
        window(cls, snip, x);
        best_lag = centre_lag(d, x, noise_sd);
        memcpy(best->tmpl, x + d->ulag_n + best_lag, sizeof(float) * (size_t)d->ulen);
        best->p2p = fasc_cls_p2p(best->tmpl, d->ulen);
        best->ev_p2p = p2p;
        best->sd = noise_sd;
        spatial_start(cls, best, p);
        memset(best->nb_n, 0, sizeof best->nb_n);
        spatial_learn(cls, best, p, snip, best_lag, 0.0, z, &z_rows);
    } else {
        spatial_learn(cls, best, p, snip, best_lag, best_shift, z, &z_rows);
        const float a = 1.0f / (float)(best->n_avg < max_average ? best->n_avg + 1 : max_average);
        x = best_x;
        const float *xs = x + d->ulag_n + best_lag;
        /* xs moved back by the sub-sample shift, so that the mean is not
         * smeared by the half-sample misalignments (in place: xs[j] lies
         * at or after x[j]) */
        for (int j = 0; j < d->ulen; j++)
            x[j] = xs[j] - (float)best_shift * slope_at(best->tmpl, d->ulen, j);
        if (best->n_avg >= footprint_settled) {
            z[0] = projection(x, best->tmpl, d->ulen, sd_on(p, best->main_channel));
            z_rows |= 1u;
        }
        for (int j = 0; j < d->ulen; j++)
            best->tmpl[j] += a * (x[j] - best->tmpl[j]);
        for (int i = 0; i < best->n_nb; i++)
            best->nb_p2p[i] += a * (p2p_on(p, best->nb_ch[i]) - best->nb_p2p[i]);
        /* on the unit's main channel, which a discharge centred on a
         * neighbour reaches with less */
        const float own = best->main_channel == ev->channel ? p2p
                                                           : p2p_on(p, best->main_channel);
        own_p2p = own;
        best->ev_p2p += a * (own - best->ev_p2p);
        best->sd += a * (sd_on(p, best->main_channel) - best->sd);
        if (best->n_avg < max_average)
            best->n_avg++;
        best->p2p = fasc_cls_p2p(best->tmpl, d->ulen);
    }
    const fasc_index start = window_start(d, p, best_lag);
    const fasc_index detected = ev->peak;
    phase_retime(cls, best, ev, start);
    {
        /* room for it was made with its neighbour windows (spatial_learn,
         * next_kept) */
        const int k = best->n_hist++;
        best->n_new++;
        memcpy(best->hist + (size_t)k * (size_t)d->ulen, created ? x + d->ulag_n + best_lag : x,
               sizeof(float) * (size_t)d->ulen);
        best->hist_p2p[k] = own_p2p;
        best->hist_peak[k] = ev->peak;
        best->hist_off[k] = (int32_t)(detected - start);
        memcpy(best->hist_z[k], z, sizeof z);
        best->hist_rows[k] = z_rows;
        best = split_test(cls, best, p);
    }
    best->last_start = start;
    /* intervals, repeats */
    const double fs = d->rate;
    ev->unit = best->id;
    if (best->n_times > 0) {
        const double gap = (double)(ev->peak - best->times[0]) / fs;
        ev->features.interval_prev_s = (float)gap;
        ev->repeat = gap >= repeat_min_s && gap <= repeat_max_s;
    }
    /* an earlier pass's discharge (fasc_classifier_count_from) still
     * teaches the template but is not part of this pass's train */
    const bool counted = ev->peak >= cls->count_from;
    if (counted) {
        memmove(best->times + 1, best->times, sizeof(fasc_index) * (CLS_UNIT_TIMES - 1));
        best->times[0] = ev->peak;
        if (best->n_times < CLS_UNIT_TIMES)
            best->n_times++;
    }
    if (best->n_times >= 4) {
        double s = 0.0, s2 = 0.0;
        const int n = best->n_times - 1;
        for (int j = 0; j < n; j++) {
            const double iv = (double)(best->times[j] - best->times[j + 1]) / fs;
            s += iv;
            s2 += iv * iv;
        }
        const double mean = s / n, var = s2 / n - mean * mean;
        ev->features.train_cv = mean > 0.0 && var > 0.0 ? (float)(sqrt(var) / mean) : 0.0f;
    }
    p->beat_locked = counted && note_beat_lag(cls, best, ev->peak);
    cls_unit *owner = live(cls, best);
    owner->discharges += counted;
    owner->repeats += counted && ev->repeat;
    if (best->n_avg >= d->unit_min)
        merge_into(cls, best, p);
    ev->unit = live(cls, best)->id;
    return best;
}

cls_unit *fasc_cls_assign_unit(fasc_classifier *cls, cls_pending *p, const float *snip,
                               bool may_create)
{
    if (!snip)
        return NULL;
    cls_sizes was;
    const float *rows = without_beat(cls, p, snip, &was);
    cls_unit *u = assign(cls, p, rows, may_create);
    if (rows != snip) { /* the event keeps the sizes the detector measured */
        p->ev.peak_to_peak_uv = was.main;
        memcpy(p->ch_p2p, was.ch, sizeof was.ch);
        memcpy(p->nb_row_p2p, was.nb, sizeof was.nb);
    }
    return u;
}

bool fasc_cls_unit_tonic(const fasc_classifier *cls, const cls_unit *u)
{
    if (!u || u->n_times < tonic_discharges)
        return false;
    const double fs = cls->d.rate;
    double s = 0.0, s2 = 0.0;
    for (int j = 0; j + 1 < tonic_discharges; j++) {
        const double iv = (double)(u->times[j] - u->times[j + 1]);
        if (iv < tonic_min_s * fs || iv > tonic_max_s * fs)
            return false;
        s += iv;
        s2 += iv * iv;
    }
    const int n = tonic_discharges - 1;
    const double mean = s / n, var = s2 / n - mean * mean;
    return var <= tonic_cv * tonic_cv * mean * mean;
}

void fasc_cls_unit_unclaim(fasc_classifier *cls, cls_unit *u, fasc_classified *ev)
{
    cls_unit *owner = live(cls, u);
    if (ev->peak >= cls->count_from) { /* (an earlier pass's was never counted) */
        if (owner->discharges > 0)
            owner->discharges--;
        if (ev->repeat && owner->repeats > 0)
            owner->repeats--;
    }
    ev->unit = 0;
    ev->repeat = false;
}
