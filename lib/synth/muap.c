/* Motor-unit action potential shapes and their projection onto the
 * electrodes. */
#include <math.h>

#include "detmath.h"
#include "synth_internal.h"

/* Share of bi-, tri- and polyphasic (4, 5, 6 phases) FPs. Surface FPs are
 * mostly bi- or triphasic; a third are complex/polyphasic (Mills, Brain
 * 133:3458, 2010; de Carvalho et al., Clin Neurophysiol 128:1034, 2017). */
int fasc_sy_muap_random_phase_count(synth_rng *rng)
{
    const double u = fasc_sy_rng_uniform(rng);
    if (u < 0.25) return 2;
    if (u < 0.65) return 3;
    if (u < 0.80) return 4;
    if (u < 0.92) return 5;
    return 6;
}

static double shape_value(const muap_shape *shape, double t, double width)
{
    double v = 0.0;
    for (int k = 0; k < shape->phases; k++) {
        const double sigma = shape->sigma[k] * width;
        const double z = (t - shape->center[k] * width) / sigma;
        if (z > -7.0 && z < 7.0)
            v += shape->amp[k] * fasc_sy_det_exp(-0.5 * z * z);
    }
    return v;
}

void fasc_sy_muap_random_shape(muap_shape *shape, synth_rng *rng, double amplitude_uv,
                       int phases, double duration_s)
{
    shape->phases = phases;
    const double spacing = duration_s / phases;
    /* Alternating phases; the main one is the middle phase of a triphasic
     * potential (the classic positive-negative-positive MUAP). */
    const int main_phase = phases == 3 ? 1 : fasc_sy_rng_int(rng, phases);
    const double sign = fasc_sy_rng_uniform(rng) < 0.5 ? 1.0 : -1.0;
    double widest = 0.0;
    for (int k = 0; k < phases; k++) {
        shape->center[k] = (k + 0.5) * spacing - 0.5 * duration_s;
        shape->sigma[k] = spacing * 0.42 * fasc_sy_rng_range(rng, 0.9, 1.1);
        const double magnitude = k == main_phase ? 1.0 : fasc_sy_rng_range(rng, 0.3, 0.9);
        const double alternate = ((k - main_phase) % 2 == 0) ? 1.0 : -1.0;
        shape->amp[k] = sign * alternate * magnitude;
        if (shape->sigma[k] > widest)
            widest = shape->sigma[k];
    }
    shape->half_support = 0.5 * duration_s + 5.0 * widest;

    /* Scale to the requested peak-to-peak amplitude, measured on a fine grid. */
    double vmax = -HUGE_VAL, vmin = HUGE_VAL;
    const int steps = 2000;
    for (int i = 0; i <= steps; i++) {
        const double t = -shape->half_support + 2.0 * shape->half_support * i / steps;
        const double v = shape_value(shape, t, 1.0);
        if (v > vmax) vmax = v;
        if (v < vmin) vmin = v;
    }
    const double scale = amplitude_uv / (vmax - vmin);
    for (int k = 0; k < phases; k++)
        shape->amp[k] *= scale;
}

void fasc_sy_channel_position(const fasc_synth_config *cfg, int c, double *x, double *y)
{
    if (cfg->grid_rows > 0 && cfg->grid_cols > 0) {
        *x = c % cfg->grid_cols;
        *y = c / cfg->grid_cols;
    } else {
        *x = c;
        *y = 0.0;
    }
}

/* Surface potentials fall off with distance from the source roughly as a
 * dipole seen through the volume conductor (Farina & Merletti, J Electromyogr
 * Kinesiol 11:175, 2001): gain = (d^2 / (d^2 + r^2))^2 for depth d and
 * lateral distance r, both in inter-electrode distances (IED, ~10 mm). With
 * depths of 0.4-1.2 IED an FP shows on one to about four channels. */
void fasc_sy_muap_place_unit(fp_unit *unit, const fasc_synth_config *cfg, synth_rng *rng,
                             double depth_lo, double depth_hi,
                     int *chan_buf, double *gain_buf, double *shift_buf, double *widen_buf)
{
    double span_x = cfg->channels, span_y = 1.0;
    if (cfg->grid_rows > 0 && cfg->grid_cols > 0) {
        span_x = cfg->grid_cols;
        span_y = cfg->grid_rows;
    }
    const double ux = fasc_sy_rng_range(rng, -0.5, span_x - 0.5);
    const double uy = span_y > 1.0 ? fasc_sy_rng_range(rng, -0.5, span_y - 0.5) : 0.0;
    const double depth = fasc_sy_rng_range(rng, depth_lo, depth_hi);
    const double d2 = depth * depth;

    double best = -1.0;
    int main_channel = 0;
    for (int c = 0; c < cfg->channels; c++) {
        double cx, cy;
        fasc_sy_channel_position(cfg, c, &cx, &cy);
        const double r2 = (cx - ux) * (cx - ux) + (cy - uy) * (cy - uy);
        const double q = d2 / (d2 + r2);
        gain_buf[c] = q * q;
        if (gain_buf[c] > best) {
            best = gain_buf[c];
            main_channel = c;
        }
    }
    double mx, my;
    fasc_sy_channel_position(cfg, main_channel, &mx, &my);

    unit_field *f = &unit->field;
    f->channel = chan_buf;
    f->gain = gain_buf;
    f->shift = shift_buf;
    f->widen = widen_buf;
    f->count = 0;
    f->main_channel = main_channel;
    f->reach = 0.0;
    /* gain_buf is read at index c and written at index count <= c. */
    for (int c = 0; c < cfg->channels; c++) {
        const double g = gain_buf[c] / best;
        if (g < 0.01)
            continue;
        double cx, cy;
        fasc_sy_channel_position(cfg, c, &cx, &cy);
        const double dist = sqrt((cx - mx) * (cx - mx) + (cy - my) * (cy - my));
        const int j = f->count++;
        f->channel[j] = c;
        f->gain[j] = g;
        /* Propagation along the fibres (x axis) at ~4 m/s over 10 mm IED
         * would give 2.5 ms; the end-plate zone sits under the array, so
         * the observed shifts are smaller (Merletti & Farina, Surface EMG,
         * Wiley 2016, ch. 2): 0.4 ms per IED. */
        f->shift[j] = 0.0004 * (cx - mx);
        f->widen[j] = 1.0 + 0.1 * dist;
        const double reach = unit->shape.half_support * f->widen[j] * 1.1 + fabs(f->shift[j]);
        if (reach > f->reach)
            f->reach = reach;
    }
}

double fasc_sy_muap_value(const render_item *item, int field_index, double t)
{
    const unit_field *f = item->field;
    const muap_shape *shape = item->shape;
    const double width = f->widen[field_index] * item->width_scale;
    const double local = t - item->t0 - f->shift[field_index];
    double v = 0.0;
    for (int k = 0; k < shape->phases; k++) {
        const double sigma = shape->sigma[k] * width;
        const double z = (local - shape->center[k] * width) / sigma;
        if (z > -7.0 && z < 7.0)
            v += shape->amp[k] * item->phase_scale[k] * fasc_sy_det_exp(-0.5 * z * z);
    }
    return v * f->gain[field_index] * item->amp_scale;
}

/* Mean peak-to-peak of the main-channel waveform as sampled at fs, over
 * sub-sample offsets: at low rates the samples miss the true extremes, and
 * the SNR refers to what the recording holds. */
double fasc_sy_muap_sampled_p2p(const muap_shape *shape, double fs)
{
    const int offsets = 16;
    const int half = (int)ceil(shape->half_support * fs) + 1;
    double sum = 0.0;
    for (int o = 0; o < offsets; o++) {
        double vmax = -HUGE_VAL, vmin = HUGE_VAL;
        for (int i = -half; i <= half; i++) {
            const double v = shape_value(shape, (i + (double)o / offsets) / fs, 1.0);
            if (v > vmax) vmax = v;
            if (v < vmin) vmin = v;
        }
        sum += vmax - vmin;
    }
    return sum / offsets;
}
