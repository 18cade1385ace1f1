/* Waveform features of one channel's potential (fasc_features_waveform). */
#include <math.h>
#include <string.h>

#include "fasc/classifier.h"

/* Excursions count from 2 σ: a Gaussian background crosses it 4.6 % of the
 * time, so noise alone rarely forms a phase (Stålberg, Muscle Nerve 3:12,
 * 1980 use a similar noise-relative level for MUAP phases). */
static const double band_sd = 2.0;
/* A potential ends after this much time inside the band (the shortest
 * phase of a MUAP is about 1 ms). */
static const double quiet_s = 0.002;

static void extent(const float *x, size_t n, size_t peak, double level, size_t quiet,
                   size_t *first, size_t *last)
{
    size_t a = peak, b = peak;
    for (size_t i = peak, gap = 0; i-- > 0 && gap < quiet;) {
        if (fabs(x[i]) > level) {
            a = i;
            gap = 0;
        } else {
            gap++;
        }
    }
    for (size_t i = peak + 1, gap = 0; i < n && gap < quiet; i++) {
        if (fabs(x[i]) > level) {
            b = i;
            gap = 0;
        } else {
            gap++;
        }
    }
    *first = a;
    *last = b;
}

/* Sign alternations between excursions beyond ±level, plus one. */
static int count_phases(const float *x, size_t a, size_t b, double level)
{
    int phases = 0, sign = 0;
    for (size_t i = a; i <= b; i++) {
        int s = x[i] > level ? 1 : x[i] < -level ? -1 : 0;
        if (s != 0 && s != sign) {
            phases++;
            sign = s;
        }
    }
    return phases > 0 ? phases : 1;
}

/* Direction changes whose swing from the last turning point reaches `swing`
 * (hysteresis, so noise ripples are not turns). */
static int count_turns(const float *x, size_t a, size_t b, double swing)
{
    int turns = 0, dir = 0;
    double lo = x[a], hi = x[a], ext = x[a];
    for (size_t i = a + 1; i <= b; i++) {
        const double v = x[i];
        if (dir == 0) {
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            if (v - lo >= swing || hi - v >= swing) {
                dir = v - lo >= swing ? 1 : -1;
                ext = v;
            }
        } else if ((double)dir * (v - ext) > 0.0) {
            ext = v; /* still going the same way */
        } else if ((double)dir * (ext - v) >= swing) {
            turns++;
            dir = -dir;
            ext = v;
        }
    }
    return turns;
}

/* Magnitude-weighted mean frequency of the Hann-windowed segment (direct
 * DFT: segments are a few hundred samples at most and events are rare).
 * The window and each bin's phasor advance by complex rotation instead of
 * calling cos and sin per sample (drift over a few hundred steps stays
 * near 1e-13, far below what the centroid resolves). */
static double centroid(const float *x, size_t a, size_t b, double fs)
{
    const size_t len = b - a + 1;
    if (len < 4)
        return 0.0;
    const double two_pi = 6.283185307179586;
    const double wc = cos(two_pi / (double)(len - 1)), ws = sin(two_pi / (double)(len - 1));
    double wsum = 0.0, fsum = 0.0;
    for (size_t k = 1; k <= len / 2; k++) {
        const double step = two_pi * (double)k / (double)len;
        const double pc = cos(step), ps = sin(step);
        double re = 0.0, im = 0.0;
        double cr = 1.0, ci = 0.0; /* e^{-i step i} */
        double hr = 1.0, hi = 0.0; /* e^{i 2 pi i / (len - 1)}: the window's cosine */
        for (size_t i = 0; i < len; i++) {
            const double v = (0.5 - 0.5 * hr) * x[a + i];
            re += v * cr;
            im += v * ci;
            const double ncr = cr * pc + ci * ps, nci = ci * pc - cr * ps;
            cr = ncr;
            ci = nci;
            const double nhr = hr * wc - hi * ws, nhi = hi * wc + hr * ws;
            hr = nhr;
            hi = nhi;
        }
        double mag = sqrt(re * re + im * im);
        wsum += mag;
        fsum += mag * (double)k * fs / (double)len;
    }
    return wsum > 0.0 ? fsum / wsum : 0.0;
}

int fasc_features_waveform(const float *x, size_t n, size_t peak, double fs,
                           double noise_sd_uv, fasc_features *f)
{
    if (!x || !f || n == 0 || peak >= n || !(fs > 0.0) || !isfinite(fs) ||
        !(noise_sd_uv > 0.0) || !isfinite(noise_sd_uv))
        return FASC_ERR_INVALID_ARGUMENT;
    memset(f, 0, sizeof *f);
    const double level = band_sd * noise_sd_uv;
    size_t quiet = (size_t)ceil(quiet_s * fs);
    size_t a, b;
    extent(x, n, peak, level, quiet < 1 ? 1 : quiet, &a, &b);
    /* p2p includes the samples just outside, where the potential leaves
     * and rejoins the baseline (a monophasic wave's p2p is its height) */
    const size_t pa = a > 0 ? a - 1 : a, pb = b + 1 < n ? b + 1 : b;
    float lo = x[pa], hi = x[pa];
    for (size_t i = pa; i <= pb; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    double area = 0.0;
    for (size_t i = a; i <= b; i++)
        area += fabs(x[i]);
    const double ms = 1000.0 / fs;
    f->peak_to_peak_uv = hi - lo;
    f->duration_ms = (float)((double)(b - a + 1) * ms);
    f->phases = count_phases(x, a, b, level);
    f->turns = count_turns(x, pa, pb, level);
    f->area_uv_ms = (float)(area * ms);
    /* rise: from the opposite-signed extremum before the peak */
    size_t from = a;
    const double sign = x[peak] >= 0.0f ? 1.0 : -1.0;
    double best = 0.0;
    for (size_t i = a; i < peak; i++) {
        double v = -sign * x[i];
        if (v > best) {
            best = v;
            from = i;
        }
    }
    f->rise_time_ms = (float)((double)(peak - from) * ms);
    f->spectral_centroid_hz = (float)centroid(x, a, b, fs);
    f->channel_count = 1;
    return FASC_OK;
}
