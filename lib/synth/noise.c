/* Background noise (white + 1/f) and periodic interference (mains, baseline
 * wander). */
#include <math.h>
#include <string.h>

#include "detmath.h"
#include "synth_internal.h"

#define TWO_PI 6.283185307179586477

/* The SNR reference band: 4th-order Butterworth 20 Hz high-pass and low-pass
 * at min(450 Hz, 0.45 fs), bilinear transform (pre-warped axis tan(pi f/fs)). */
static double band_gain2(double f, double fs)
{
    const double hi_edge = fs * 0.45 < 450.0 ? fs * 0.45 : 450.0;
    const double w = fasc_sy_det_sin(3.14159265358979323846 * f / fs) / fasc_sy_det_cos(3.14159265358979323846 * f / fs);
    const double wh = fasc_sy_det_sin(3.14159265358979323846 * 20.0 / fs) / fasc_sy_det_cos(3.14159265358979323846 * 20.0 / fs);
    const double wl = fasc_sy_det_sin(3.14159265358979323846 * hi_edge / fs) / fasc_sy_det_cos(3.14159265358979323846 * hi_edge / fs);
    const double rh = wh / w, rl = w / wl;
    const double rh2 = rh * rh, rl2 = rl * rl;
    return 1.0 / (1.0 + rh2 * rh2 * rh2 * rh2) / (1.0 + rl2 * rl2 * rl2 * rl2);
}

/* Electrode-skin and amplifier noise rises as 1/f below a few tens of Hz
 * (Huigen et al., Med Biol Eng Comput 40:332, 2002). A cascade of first-order
 * pole-zero sections, one pole per 0.6 decade from 0.1 Hz, gives a -10 dB/decade
 * slope up to ~50 Hz with flat gain above. */
void fasc_sy_noise_design(noise_state *noise, double fs)
{
    noise->pink_mix = 0.5;
    double pole_hz = 0.1;
    for (int k = 0; k < PINK_SECTIONS; k++) {
        noise->pink_a[k] = fasc_sy_det_exp(-TWO_PI * pole_hz / fs);
        noise->pink_b[k] = fasc_sy_det_exp(-TWO_PI * 2.0 * pole_hz / fs);
        pole_hz *= 4.0;
    }
}

/* |1 + 0.5 H_pink(f)|^2: white noise plus its 1/f-shaped copy. */
static double noise_gain2(const noise_state *noise, double f, double fs)
{
    const double w = TWO_PI * f / fs;
    const double c = fasc_sy_det_cos(w), s = fasc_sy_det_sin(w);
    double re = 1.0, im = 0.0;
    for (int k = 0; k < PINK_SECTIONS; k++) {
        const double a = noise->pink_a[k], b = noise->pink_b[k];
        /* (1 - b e^{-jw}) / (1 - a e^{-jw}) */
        const double nr = 1.0 - b * c, ni = b * s;
        const double dr = 1.0 - a * c, di = a * s;
        const double den = dr * dr + di * di;
        const double qr = (nr * dr + ni * di) / den, qi = (ni * dr - nr * di) / den;
        const double tr = re * qr - im * qi;
        im = re * qi + im * qr;
        re = tr;
    }
    const double gr = 1.0 + noise->pink_mix * re, gi = noise->pink_mix * im;
    return gr * gr + gi * gi;
}

/* Band-limited variance of the noise for white_sd = 1, integrated exactly
 * from the filters' responses (midpoint rule). */
double fasc_sy_noise_band_power(const noise_state *noise, double fs)
{
    const int steps = 16384;
    const double df = 0.5 * fs / steps;
    double sum = 0.0;
    for (int i = 0; i < steps; i++) {
        const double f = (i + 0.5) * df;
        sum += noise_gain2(noise, f, fs) * band_gain2(f, fs);
    }
    return sum * df * 2.0 / fs;
}

void fasc_sy_noise_reset(noise_state *noise, int channels, uint64_t seed)
{
    memset(noise->pink_x, 0, sizeof(double) * (size_t)channels * PINK_SECTIONS);
    memset(noise->pink_y, 0, sizeof(double) * (size_t)channels * PINK_SECTIONS);
    for (int c = 0; c < channels; c++)
        fasc_sy_rng_seed(&noise->rng[c], seed, 1000u + (uint64_t)c);
}

/* One Gaussian draw per sample: the white part and, through the pole-zero
 * cascade, its 1/f-shaped copy. */
void fasc_sy_noise_add(noise_state *noise, float *out, size_t n, int channel)
{
    synth_rng *rng = &noise->rng[channel];
    double *x1 = noise->pink_x + (size_t)channel * PINK_SECTIONS;
    double *y1 = noise->pink_y + (size_t)channel * PINK_SECTIONS;
    for (size_t i = 0; i < n; i++) {
        const double g = fasc_sy_rng_gauss(rng);
        double v = noise->pink_mix * g;
        for (int k = 0; k < PINK_SECTIONS; k++) {
            const double y = v - noise->pink_b[k] * x1[k] + noise->pink_a[k] * y1[k];
            x1[k] = v;
            y1[k] = y;
            v = y;
        }
        out[i] += (float)(noise->white_sd * (g + v));
    }
}

/* Mains: odd harmonics dominate (non-linear loads); amplitude drifts slowly
 * as the subject and cables move (Mewett et al., Med Biol Eng Comput 42:133,
 * 2004). Relative harmonic amplitudes for h = 1..5. */
static const double mains_harmonic[5] = {1.0, 0.05, 0.3, 0.02, 0.1};

void fasc_sy_periodic_init(periodic_state *p, const fasc_synth_config *cfg, synth_rng *rng)
{
    p->mains_hz = cfg->mains_hz;
    p->mains_amp_uv = fasc_sy_rng_range(rng, 20.0, 60.0);
    p->mains_drift_phase = fasc_sy_rng_range(rng, 0.0, TWO_PI);
    for (int c = 0; c < cfg->channels; c++)
        p->mains_gain[c] = fasc_sy_rng_range(rng, 0.6, 1.4);
    p->wander = cfg->wander;
    for (int i = 0; i < cfg->channels * WANDER_COMPONENTS; i++) {
        /* Respiration and skin-potential drifts: 0.05-0.5 Hz, tens of µV. */
        p->wander_amp[i] = fasc_sy_rng_range(rng, 20.0, 80.0);
        p->wander_freq[i] = fasc_sy_rng_range(rng, 0.05, 0.5);
        p->wander_phase[i] = fasc_sy_rng_uniform(rng);
    }
}

/* sin(2 pi (cycles + phase)) with the whole cycles removed first, so the
 * argument stays small however long the recording. */
static double cycle_sin(double cycles, double phase)
{
    const double c = cycles + phase;
    return fasc_sy_det_sin(TWO_PI * (c - floor(c)));
}

static double wander_at(const periodic_state *p, int channel, fasc_index knot, double fs)
{
    const double t = (double)(knot * WANDER_STEP) / fs;
    double v = 0.0;
    for (int k = 0; k < WANDER_COMPONENTS; k++) {
        const int i = channel * WANDER_COMPONENTS + k;
        v += p->wander_amp[i] * cycle_sin(p->wander_freq[i] * t, p->wander_phase[i]);
    }
    return v;
}

void fasc_sy_periodic_add(periodic_state *p, float *const *out, size_t n, fasc_index pos,
                  double fs, int channels)
{
    if (p->mains_hz > 0.0) {
        for (size_t i = 0; i < n; i++) {
            const fasc_index idx = pos + (fasc_index)i;
            const double t = (double)idx / fs;
            double v = 0.0;
            for (int h = 1; h <= 5 && h * p->mains_hz < 0.45 * fs; h++) {
                /* h·f·idx is an exact integer product for integer rates. */
                const double cycles = (double)idx * (h * p->mains_hz) / fs;
                v += mains_harmonic[h - 1] * cycle_sin(cycles, 0.1 * h);
            }
            const double drift = 1.0 + 0.3 * cycle_sin(0.02 * t, p->mains_drift_phase);
            p->mains_buf[i] = p->mains_amp_uv * drift * v;
        }
        for (int c = 0; c < channels; c++)
            for (size_t i = 0; i < n; i++)
                out[c][i] += (float)(p->mains_gain[c] * p->mains_buf[i]);
    }
    if (p->wander) {
        for (int c = 0; c < channels; c++) {
            fasc_index knot = pos / WANDER_STEP;
            double w0 = wander_at(p, c, knot, fs), w1 = wander_at(p, c, knot + 1, fs);
            for (size_t i = 0; i < n; i++) {
                const fasc_index idx = pos + (fasc_index)i;
                if (idx / WANDER_STEP != knot) {
                    knot = idx / WANDER_STEP;
                    w0 = w1;
                    w1 = wander_at(p, c, knot + 1, fs);
                }
                const double frac = (double)(idx - knot * WANDER_STEP) / WANDER_STEP;
                out[c][i] += (float)(w0 + (w1 - w0) * frac);
            }
        }
    }
}
