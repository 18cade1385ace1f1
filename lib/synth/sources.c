/* Event sources of the generator: when each true event happens, its render
 * item, and its truth row. Sources are merged in order of their next
 * waveform start, so the event sequence does not depend on block sizes. */
#include <math.h>
#include <string.h>

#include "detmath.h"
#include "synth_internal.h"

enum { SRC_NONE = -1, SRC_ECG = -2, SRC_VOLUNTARY = -3, SRC_MOVEMENT = -4, SRC_POPS = -5 };

/* ECG beat as five Gaussian waves P, Q, R, S, T (McSharry et al., IEEE TBME
 * 50:289, 2003), times from the R peak in seconds; the R wave's 10 ms width
 * keeps the complex mostly below 40 Hz. */
static const double ecg_time[5] = {-0.20, -0.03, 0.0, 0.03, 0.28};
static const double ecg_sigma[5] = {0.025, 0.008, 0.010, 0.009, 0.06};
static const double ecg_amp[5] = {0.12, -0.15, 1.0, -0.25, 0.3};
#define ECG_BEFORE 0.32
#define ECG_AFTER 0.55

/* Repeat discharges 10-110 ms after an FP (doublets and F-wave-like
 * repeats) in HD-sEMG of ALS (Bashford et al., Clin Neurophysiol 131:265,
 * 2020); their share is set by repeat_probability. */
#define REPEAT_MIN_S 0.010
#define REPEAT_MAX_S 0.110

static double unit_next_time(const fp_unit *u)
{
    if (u->pending_repeat >= 0.0 && u->pending_repeat < u->next_primary)
        return u->pending_repeat;
    return u->next_primary;
}

static double voluntary_next_start(const voluntary_source *v)
{
    if (!v->in_epoch)
        return v->next_epoch;
    double best = HUGE_VAL;
    for (int j = 0; j < VOLUNTARY_UNITS; j++) {
        const double t = v->next_fire[j] - v->unit[j].field.reach;
        if (t < best)
            best = t;
    }
    return best;
}

static double source_start(const fasc_synth *s, int src)
{
    switch (src) {
    case SRC_ECG: return s->ecg.on ? s->ecg.next_r - ECG_BEFORE : HUGE_VAL;
    case SRC_VOLUNTARY: return s->vol.on ? voluntary_next_start(&s->vol) : HUGE_VAL;
    case SRC_MOVEMENT: return s->movement.on ? s->movement.next_time : HUGE_VAL;
    case SRC_POPS: return s->pops.on ? s->pops.next_time : HUGE_VAL;
    default: {
        const fp_unit *u = &s->units[src];
        return unit_next_time(u) - u->field.reach;
    }
    }
}

static int next_source(const fasc_synth *s, double *start)
{
    int best = SRC_NONE;
    double t_best = HUGE_VAL;
    for (int i = 0; i < s->unit_count; i++) {
        const double t = source_start(s, i);
        if (t < t_best) {
            t_best = t;
            best = i;
        }
    }
    for (int src = SRC_ECG; src >= SRC_POPS; src--) {
        const double t = source_start(s, src);
        if (t < t_best) {
            t_best = t;
            best = src;
        }
    }
    *start = t_best;
    return best;
}

double fasc_sy_sources_next_start(const fasc_synth *s)
{
    double t;
    next_source(s, &t);
    return t;
}

/* ---- rendering ---------------------------------------------------------- */

static double ecg_wave(double t)
{
    double v = 0.0;
    for (int k = 0; k < 5; k++) {
        const double z = (t - ecg_time[k]) / ecg_sigma[k];
        if (z > -7.0 && z < 7.0)
            v += ecg_amp[k] * fasc_sy_det_exp(-0.5 * z * z);
    }
    return v;
}

static double movement_wave(double u, int variant)
{
    if (u <= 0.0 || u >= 1.0)
        return 0.0;
    const double bump = fasc_sy_det_sin(3.14159265358979323846 * u);
    return variant ? bump * fasc_sy_det_sin(6.283185307179586477 * u) * 1.3 : bump * bump;
}

/* Value of an item on channel `c` (field index for MUAPs) at time t. */
static double item_value(const fasc_synth *s, const render_item *it, int c, double t)
{
    switch (it->kind) {
    case ITEM_MUAP: return fasc_sy_muap_value(it, c, t);
    case ITEM_ECG: return it->amp_scale * s->ecg.gain[c] * ecg_wave(t - it->t0);
    case ITEM_MOVEMENT:
        return it->amp_scale * s->movement.gain[c] *
               movement_wave((t - it->t0) / it->duration, it->variant);
    case ITEM_POP:
        return t >= it->t0 ? it->amp_scale * fasc_sy_det_exp(-(t - it->t0) / it->duration) : 0.0;
    }
    return 0.0;
}

/* Channel index and value-index of the j-th channel an item touches. */
static int item_channel_count(const fasc_synth *s, const render_item *it)
{
    switch (it->kind) {
    case ITEM_MUAP: return it->field->count;
    case ITEM_POP: return 1;
    default: return s->cfg.channels;
    }
}

static int item_channel(const render_item *it, int j)
{
    if (it->kind == ITEM_MUAP)
        return it->field->channel[j];
    if (it->kind == ITEM_POP)
        return it->channel;
    return j;
}

static int item_value_index(const render_item *it, int j)
{
    return it->kind == ITEM_POP ? it->channel : j;
}

void fasc_sy_items_render(fasc_synth *s, float *const *out, size_t n)
{
    const fasc_index lo = s->pos, hi = s->pos + (fasc_index)n;
    int kept = 0;
    for (int k = 0; k < s->item_count; k++) {
        const render_item *it = &s->items[k];
        const fasc_index a = it->first > lo ? it->first : lo;
        const fasc_index b = it->end < hi ? it->end : hi;
        const int channels = item_channel_count(s, it);
        for (int j = 0; j < channels && a < b; j++) {
            float *dst = out[item_channel(it, j)];
            const int vi = item_value_index(it, j);
            for (fasc_index i = a; i < b; i++)
                dst[i - lo] += (float)item_value(s, it, vi, (double)i / s->fs);
        }
        if (it->end > hi)
            s->items[kept++] = *it;
    }
    s->item_count = kept;
}

/* ---- truth rows ------------------------------------------------------------ */

/* Renders the item alone on its main channel and reads peak, peak-to-peak,
 * onset and offset (where |v| exceeds 2 % of its maximum) from the samples. */
static void measure_item(fasc_synth *s, const render_item *it, int value_index,
                         fasc_synth_event *ev)
{
    const fasc_index first = it->first;
    fasc_index len = it->end - first;
    if (len > (fasc_index)s->scratch_len)
        len = (fasc_index)s->scratch_len;
    double vmax = -HUGE_VAL, vmin = HUGE_VAL, amax = -1.0;
    fasc_index peak = first;
    for (fasc_index i = 0; i < len; i++) {
        const double v = item_value(s, it, value_index, (double)(first + i) / s->fs);
        s->scratch[i] = (float)v;
        if (v > vmax) vmax = v;
        if (v < vmin) vmin = v;
        if (fabs(v) > amax) {
            amax = fabs(v);
            peak = first + i;
        }
    }
    fasc_index on = 0, off = len - 1;
    while (on < len - 1 && fabsf(s->scratch[on]) < 0.02 * amax)
        on++;
    while (off > on && fabsf(s->scratch[off]) < 0.02 * amax)
        off--;
    ev->onset_s = (double)(first + on) / s->fs;
    ev->duration_s = (double)(off - on + 1) / s->fs;
    ev->peak_index = peak;
    ev->peak_s = (double)peak / s->fs;
    ev->peak_to_peak_uv = vmax - vmin;
}

static int push_item(fasc_synth *s, const render_item *it)
{
    if (s->item_count >= s->item_capacity)
        return FASC_ERR_STATE;
    s->items[s->item_count++] = *it;
    return FASC_OK;
}

static void item_span(fasc_synth *s, render_item *it, double start, double stop)
{
    it->first = (fasc_index)ceil(start * s->fs);
    if (it->first < 0)
        it->first = 0;
    it->end = (fasc_index)floor(stop * s->fs) + 1;
    if (it->end < it->first)
        it->end = it->first;
}

/* A discharge of an FP or voluntary unit with per-discharge jitter of a few
 * percent in amplitude and shape. */
static void muap_item(fasc_synth *s, render_item *it, const fp_unit *u, synth_rng *rng,
                      double t)
{
    memset(it, 0, sizeof *it);
    it->kind = ITEM_MUAP;
    it->t0 = t;
    it->shape = &u->shape;
    it->field = &u->field;
    it->amp_scale = 1.0 + 0.03 * fasc_sy_rng_gauss(rng);
    it->width_scale = 1.0 + 0.02 * fasc_sy_rng_gauss(rng);
    if (it->width_scale < 0.9) it->width_scale = 0.9;
    if (it->width_scale > 1.1) it->width_scale = 1.1;
    for (int k = 0; k < SHAPE_MAX_PHASES; k++)
        it->phase_scale[k] = 1.0 + 0.03 * fasc_sy_rng_gauss(rng);
    item_span(s, it, t - u->field.reach, t + u->field.reach);
}

static int emit_unit(fasc_synth *s, int i, fasc_synth_event_fn on_event, void *user)
{
    fp_unit *u = &s->units[i];
    const double t = unit_next_time(u);
    const bool repeat = u->pending_repeat >= 0.0 && u->pending_repeat < u->next_primary;
    if (repeat) {
        u->pending_repeat = -1.0;
    } else {
        if (fasc_sy_rng_uniform(&u->rng) < s->repeat_probability)
            u->pending_repeat = t + fasc_sy_rng_range(&u->rng, REPEAT_MIN_S, REPEAT_MAX_S);
        /* Poisson process with a dead time (the motoneuron's refractory). */
        u->next_primary = t + u->dead_time +
                          fasc_sy_rng_exponential(&u->rng, 1.0 / u->primary_rate - u->dead_time);
    }
    render_item it;
    muap_item(s, &it, u, &u->rng, t);
    int rc = push_item(s, &it);
    if (rc != FASC_OK)
        return rc;
    if (on_event) {
        fasc_synth_event ev = {0};
        ev.cls = FASC_CLASS_FASCICULATION;
        ev.channel = u->field.main_channel;
        ev.unit = i + 1;
        ev.repeat = repeat;
        int main_index = 0;
        while (u->field.channel[main_index] != u->field.main_channel)
            main_index++;
        measure_item(s, &it, main_index, &ev);
        on_event(user, &ev);
    }
    return FASC_OK;
}

static int emit_ecg(fasc_synth *s, fasc_synth_event_fn on_event, void *user)
{
    ecg_source *e = &s->ecg;
    render_item it;
    memset(&it, 0, sizeof it);
    it.kind = ITEM_ECG;
    it.t0 = e->next_r;
    it.amp_scale = e->r_amp_uv * (1.0 + 0.03 * fasc_sy_rng_gauss(&e->rng));
    item_span(s, &it, it.t0 - ECG_BEFORE, it.t0 + ECG_AFTER);
    /* Heart-rate variability: respiratory sinus arrhythmia at ~0.25 Hz plus
     * random beat-to-beat variation (Task Force of the ESC and NASPE,
     * Circulation 93:1043, 1996). */
    const double rr = 60.0 / e->heart_rate_bpm;
    e->next_r += rr * (1.0 + 0.04 * fasc_sy_det_sin(6.283185307179586477 * 0.25 * e->next_r) +
                       0.02 * fasc_sy_rng_gauss(&e->rng));
    int rc = push_item(s, &it);
    if (rc != FASC_OK || !on_event)
        return rc;
    fasc_synth_event ev = {0};
    ev.cls = FASC_CLASS_ECG;
    int main_channel = 0;
    for (int c = 1; c < s->cfg.channels; c++)
        if (e->gain[c] > e->gain[main_channel])
            main_channel = c;
    ev.channel = main_channel;
    measure_item(s, &it, main_channel, &ev);
    on_event(user, &ev);
    return FASC_OK;
}

static double voluntary_level(const voluntary_source *v, double t)
{
    const double up = (t - v->epoch_start) / v->ramp;
    const double down = (v->epoch_end - t) / v->ramp;
    double r = up < down ? up : down;
    if (r < 0.0) r = 0.0;
    if (r > 1.0) r = 1.0;
    return v->plateau_level * r;
}

/* Firing rate of a voluntary unit: 6 Hz at recruitment rising to 25 Hz at
 * full drive, earlier-recruited units firing faster ("onion skin", De Luca &
 * Hostage, J Neurophysiol 104:1034, 2010); ISI variability CV ~ 0.15
 * (Moritz et al., J Neurophysiol 93:2449, 2005). */
static double voluntary_next_fire(voluntary_source *v, int j, double t)
{
    const double level = voluntary_level(v, t);
    const double thr = v->threshold[j];
    if (level <= thr)
        return HUGE_VAL;
    const double rate = 6.0 + 19.0 * (level - thr) / (1.0 - thr);
    double isi = (1.0 + 0.15 * fasc_sy_rng_gauss(&v->rng)) / rate;
    if (isi < 0.4 / rate)
        isi = 0.4 / rate;
    const double next = t + isi;
    if (next >= v->epoch_end || voluntary_level(v, next) <= thr)
        return HUGE_VAL;
    return next;
}

static void voluntary_schedule_epoch(voluntary_source *v, double after)
{
    double gap = fasc_sy_rng_exponential(&v->rng, 40.0);
    v->next_epoch = after + (gap < 5.0 ? 5.0 : gap);
}

static int emit_voluntary(fasc_synth *s, fasc_synth_event_fn on_event, void *user)
{
    voluntary_source *v = &s->vol;
    if (!v->in_epoch) {
        v->in_epoch = true;
        v->epoch_start = v->next_epoch;
        v->epoch_end = v->epoch_start + fasc_sy_rng_range(&v->rng, 2.0, 8.0);
        v->ramp = fasc_sy_rng_range(&v->rng, 0.3, 0.8);
        v->plateau_level = fasc_sy_rng_range(&v->rng, 0.35, 1.0);
        for (int j = 0; j < VOLUNTARY_UNITS; j++) {
            const double thr = v->threshold[j];
            if (thr >= v->plateau_level) {
                v->next_fire[j] = HUGE_VAL;
                continue;
            }
            v->next_fire[j] = v->epoch_start + v->ramp * thr / v->plateau_level +
                              fasc_sy_rng_range(&v->rng, 0.0, 0.05);
        }
        if (on_event) {
            fasc_synth_event ev = {0};
            ev.cls = FASC_CLASS_VOLUNTARY;
            ev.onset_s = v->epoch_start;
            ev.duration_s = v->epoch_end - v->epoch_start;
            ev.peak_s = 0.5 * (v->epoch_start + v->epoch_end);
            ev.peak_index = (fasc_index)floor(ev.peak_s * s->fs);
            ev.channel = -1;
            on_event(user, &ev);
        }
        return FASC_OK;
    }
    int j = 0;
    for (int k = 1; k < VOLUNTARY_UNITS; k++)
        if (v->next_fire[k] - v->unit[k].field.reach < v->next_fire[j] - v->unit[j].field.reach)
            j = k;
    const double t = v->next_fire[j];
    render_item it;
    muap_item(s, &it, &v->unit[j], &v->rng, t);
    v->next_fire[j] = voluntary_next_fire(v, j, t);
    bool any = false;
    for (int k = 0; k < VOLUNTARY_UNITS; k++)
        any = any || v->next_fire[k] < HUGE_VAL;
    if (!any) {
        v->in_epoch = false;
        voluntary_schedule_epoch(v, v->epoch_end);
    }
    return push_item(s, &it);
}

static int emit_artefact(fasc_synth *s, artefact_source *a, item_kind kind,
                         fasc_synth_event_fn on_event, void *user)
{
    render_item it;
    memset(&it, 0, sizeof it);
    it.kind = kind;
    it.t0 = a->next_time;
    fasc_synth_event ev = {0};
    int main_channel = 0;
    if (kind == ITEM_MOVEMENT) {
        /* Movement: 0.1-1 s deflections of 0.3-2 mV, seen on every channel
         * with a smooth spatial profile (Clancy et al., J Electromyogr
         * Kinesiol 12:1, 2002). */
        it.duration = fasc_sy_rng_range(&a->rng, 0.1, 1.0);
        it.variant = fasc_sy_rng_int(&a->rng, 2);
        it.amp_scale = (fasc_sy_rng_uniform(&a->rng) < 0.5 ? -1.0 : 1.0) * fasc_sy_rng_range(&a->rng, 300.0, 2000.0);
        const double slope = fasc_sy_rng_range(&a->rng, -0.6, 0.6);
        const double base = fasc_sy_rng_range(&a->rng, 0.5, 1.0);
        for (int c = 0; c < s->cfg.channels; c++) {
            const double x = s->cfg.channels > 1 ? (double)c / (s->cfg.channels - 1) - 0.5 : 0.0;
            a->gain[c] = base + slope * x;
            if (fabs(a->gain[c]) > fabs(a->gain[main_channel]))
                main_channel = c;
        }
        item_span(s, &it, it.t0, it.t0 + it.duration);
        ev.cls = FASC_CLASS_MOVEMENT;
    } else {
        /* Electrode pop: a step on one channel decaying exponentially as the
         * electrode-skin capacitance recharges (tens to hundreds of ms). */
        it.channel = fasc_sy_rng_int(&a->rng, s->cfg.channels);
        it.duration = fasc_sy_rng_range(&a->rng, 0.03, 0.3);
        it.amp_scale = (fasc_sy_rng_uniform(&a->rng) < 0.5 ? -1.0 : 1.0) * fasc_sy_rng_range(&a->rng, 500.0, 3000.0);
        it.t0 = ceil(it.t0 * s->fs) / s->fs; /* the step falls on a sample */
        const double span = it.duration * fasc_sy_det_log(fabs(it.amp_scale) / 0.5);
        item_span(s, &it, it.t0, it.t0 + span);
        main_channel = it.channel;
        ev.cls = FASC_CLASS_ELECTRODE_POP;
    }
    double gap = fasc_sy_rng_exponential(&a->rng, a->mean_gap);
    a->next_time = it.t0 + it.duration + (gap < a->min_gap ? a->min_gap : gap);
    int rc = push_item(s, &it);
    if (rc != FASC_OK || !on_event)
        return rc;
    ev.channel = main_channel;
    measure_item(s, &it, main_channel, &ev);
    if (kind == ITEM_POP)
        ev.duration_s = 3.0 * it.duration;
    on_event(user, &ev);
    return FASC_OK;
}

int fasc_sy_sources_emit_next(fasc_synth *s, fasc_synth_event_fn on_event, void *user)
{
    double start;
    const int src = next_source(s, &start);
    switch (src) {
    case SRC_NONE: return FASC_OK;
    case SRC_ECG: return emit_ecg(s, on_event, user);
    case SRC_VOLUNTARY: return emit_voluntary(s, on_event, user);
    case SRC_MOVEMENT: return emit_artefact(s, &s->movement, ITEM_MOVEMENT, on_event, user);
    case SRC_POPS: return emit_artefact(s, &s->pops, ITEM_POP, on_event, user);
    default: return emit_unit(s, src, on_event, user);
    }
}
