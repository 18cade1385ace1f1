/* Butterworth and notch design by the bilinear transform.
 *
 * Frequencies are pre-warped to the analog axis Omega = tan(pi f / fs), for
 * which the bilinear map is simply z = (1 + s) / (1 - s); the digital
 * cutoffs are then exact (Oppenheim & Schafer, Discrete-Time Signal
 * Processing, 3rd ed., sec. 7.2.2). Band transforms follow the classical
 * low-pass-to-band-pass / band-stop substitutions (ibid., and Parks &
 * Burrus, Digital Filter Design, ch. 7). */
#include <complex.h>
#include <math.h>

#include "fasc/filterbank.h"
#include "fb_design.h"

typedef double complex fb_cplx;

static const double fb_pi = 3.14159265358979323846;

static fb_cplx prototype_pole(int order, int k)
{
    /* Left-half-plane poles of the unit-cutoff Butterworth prototype; k = 0
     * is the pole nearest the imaginary axis, k = (order - 1) / 2 of an odd
     * order is the real pole -1. */
    double angle = fb_pi * (2.0 * k + order + 1) / (2.0 * order);
    return cexp(I * angle);
}

static fb_cplx bilinear(fb_cplx s)
{
    return (1.0 + s) / (1.0 - s);
}

static void set_denominator(fasc_biquad *q, fb_cplx z1, fb_cplx z2)
{
    q->a1 = -creal(z1 + z2);
    q->a2 = creal(z1 * z2);
}

static fb_cplx section_response(const fasc_biquad *q, fb_cplx zinv)
{
    fb_cplx num = q->b0 + zinv * (q->b1 + zinv * q->b2);
    fb_cplx den = 1.0 + zinv * (q->a1 + zinv * q->a2);
    return num / den;
}

static void scale_numerator(fasc_biquad *q, double b0, double b1, double b2,
                            double gain)
{
    q->b0 = b0 * gain;
    q->b1 = b1 * gain;
    q->b2 = b2 * gain;
}

/* Numerator shapes and the frequency of unit gain, per response type. */
static void finish_section(fasc_biquad *q, fasc_filter_type type,
                           int first_order, double w_notch, double w_unit)
{
    static const double zeros2[4][3] = {
        {1.0, 2.0, 1.0},  /* low-pass: double zero at z = -1 */
        {1.0, -2.0, 1.0}, /* high-pass: double zero at z = +1 */
        {1.0, 0.0, -1.0}, /* band-pass: zeros at z = +1 and -1 */
        {1.0, 0.0, 1.0},  /* band-stop: b1 set below */
    };
    static const double zeros1[2][3] = {{1.0, 1.0, 0.0}, {1.0, -1.0, 0.0}};
    const double *b = first_order ? zeros1[type] : zeros2[type];
    double b1 = type == FASC_FILTER_BANDSTOP ? -2.0 * cos(w_notch) : b[1];
    scale_numerator(q, b[0], b1, b[2], 1.0);
    double mag = cabs(section_response(q, cexp(-I * w_unit)));
    scale_numerator(q, b[0], b1, b[2], 1.0 / mag);
}

static int check_design_args(fasc_filter_type type, int order, double f1,
                             double f2, double fs)
{
    if (order < 1 || order > FASC_FILTER_MAX_ORDER)
        return FASC_ERR_INVALID_ARGUMENT;
    if (type < FASC_FILTER_LOWPASS || type > FASC_FILTER_BANDSTOP)
        return FASC_ERR_INVALID_ARGUMENT;
    if (!(fs > 0.0) || !isfinite(fs) || !(f1 > 0.0) || !(f1 < 0.5 * fs))
        return FASC_ERR_INVALID_ARGUMENT;
    int band = type == FASC_FILTER_BANDPASS || type == FASC_FILTER_BANDSTOP;
    if (band && !(f2 > f1 && f2 < 0.5 * fs))
        return FASC_ERR_INVALID_ARGUMENT;
    return FASC_OK;
}

int fasc_filter_butterworth_sections(fasc_filter_type type, int order)
{
    if (check_design_args(type, order, 1.0, 2.0, 8.0) != FASC_OK)
        return FASC_ERR_INVALID_ARGUMENT;
    if (type == FASC_FILTER_LOWPASS || type == FASC_FILTER_HIGHPASS)
        return (order + 1) / 2;
    return order;
}

/* Low- and high-pass: one section per conjugate prototype pair, plus a
 * first-order section for the real pole of an odd order. */
static size_t design_shelf_pass(fasc_filter_type type, int order, double wc,
                                fasc_biquad *sos)
{
    size_t n = 0;
    double w_unit = type == FASC_FILTER_LOWPASS ? 0.0 : fb_pi;
    if (order % 2) {
        /* The real pole -1 maps to s = -wc for both types. */
        fasc_biquad *q = &sos[n++];
        q->a1 = -creal(bilinear(-wc));
        q->a2 = 0.0;
        finish_section(q, type, 1, 0.0, w_unit);
    }
    /* Least damped pair last: it rings most, so the others smooth first. */
    for (int k = order / 2 - 1; k >= 0; k--) {
        fb_cplx p = prototype_pole(order, k);
        fb_cplx s = type == FASC_FILTER_LOWPASS ? wc * p : wc / p;
        fb_cplx z = bilinear(s);
        fasc_biquad *q = &sos[n++];
        set_denominator(q, z, conj(z));
        finish_section(q, type, 0, 0.0, w_unit);
    }
    return n;
}

/* Roots of s^2 - c s + w0sq = 0 (the band transforms of one prototype
 * pole), numerically stable form. */
static void quadratic_roots(fb_cplx c, double w0sq, fb_cplx *r1, fb_cplx *r2)
{
    fb_cplx d = csqrt(c * c - 4.0 * w0sq);
    if (creal(conj(c) * d) < 0.0)
        d = -d;
    *r1 = 0.5 * (c + d);
    *r2 = w0sq / *r1;
}

static size_t design_band(fasc_filter_type type, int order, double w1,
                          double w2, fasc_biquad *sos)
{
    double w0sq = w1 * w2, bw = w2 - w1;
    double w_centre = 2.0 * atan(sqrt(w0sq));
    double w_unit = type == FASC_FILTER_BANDPASS ? w_centre : 0.0;
    size_t n = 0;
    if (order % 2) {
        /* The real prototype pole -1 gives two poles that are either a
         * conjugate pair or both real: one section either way (c = -bw
         * for both types). */
        fb_cplx r1, r2;
        quadratic_roots(-bw, w0sq, &r1, &r2);
        fasc_biquad *q = &sos[n++];
        set_denominator(q, bilinear(r1), bilinear(r2));
        finish_section(q, type, 0, w_centre, w_unit);
    }
    for (int k = order / 2 - 1; k >= 0; k--) {
        fb_cplx p = prototype_pole(order, k);
        fb_cplx c = type == FASC_FILTER_BANDPASS ? p * bw : bw / p;
        fb_cplx r[2];
        quadratic_roots(c, w0sq, &r[0], &r[1]);
        for (int j = 0; j < 2; j++) {
            fb_cplx z = bilinear(r[j]);
            fasc_biquad *q = &sos[n++];
            set_denominator(q, z, conj(z));
            finish_section(q, type, 0, w_centre, w_unit);
        }
    }
    return n;
}

int fasc_filter_butterworth(fasc_filter_type type, int order, double f1_hz,
                            double f2_hz, double fs_hz, fasc_biquad *sos,
                            size_t capacity, size_t *n_sections)
{
    if (!sos || check_design_args(type, order, f1_hz, f2_hz, fs_hz) != FASC_OK)
        return FASC_ERR_INVALID_ARGUMENT;
    int count = fasc_filter_butterworth_sections(type, order);
    if ((size_t)count > capacity)
        return FASC_ERR_BUFFER_TOO_SMALL;
    double w1 = tan(fb_pi * f1_hz / fs_hz);
    size_t n;
    if (type == FASC_FILTER_LOWPASS || type == FASC_FILTER_HIGHPASS)
        n = design_shelf_pass(type, order, w1, sos);
    else
        n = design_band(type, order, w1, tan(fb_pi * f2_hz / fs_hz), sos);
    if (n_sections)
        *n_sections = n;
    return FASC_OK;
}

int fasc_filter_notch(double f0_hz, double q, double fs_hz,
                      fasc_biquad *section)
{
    if (!section || !(q > 0.0) || !isfinite(q) || !(fs_hz > 0.0) ||
        !(f0_hz > 0.0) || !(f0_hz < 0.5 * fs_hz))
        return FASC_ERR_INVALID_ARGUMENT;
    /* Bilinear transform of the analog notch (s^2 + W0^2) /
     * (s^2 + B s + W0^2) with the -3 dB bandwidth pre-warped
     * (Orfanidis, Introduction to Signal Processing, sec. 11.3). */
    double w0 = 2.0 * fb_pi * f0_hz / fs_hz;
    double beta = tan(0.5 * w0 / q);
    double gain = 1.0 / (1.0 + beta);
    double c = cos(w0);
    section->b0 = gain;
    section->b1 = -2.0 * gain * c;
    section->b2 = gain;
    section->a1 = -2.0 * gain * c;
    section->a2 = 2.0 * gain - 1.0;
    return FASC_OK;
}

int fasc_filter_mains_notches(double mains_hz, int harmonics, double q,
                              double fs_hz, fasc_biquad *sos, size_t capacity,
                              size_t *n_sections)
{
    if (!sos || harmonics < 1 || harmonics > 64 || !(fs_hz > 0.0) ||
        !(mains_hz > 0.0) || !(mains_hz < 0.5 * fs_hz) || !(q > 0.0))
        return FASC_ERR_INVALID_ARGUMENT;
    size_t kept = fasc_fb_harmonics_below_nyquist(mains_hz, harmonics, fs_hz);
    if (kept > capacity)
        return FASC_ERR_BUFFER_TOO_SMALL;
    for (size_t k = 0; k < kept; k++) {
        int status = fasc_filter_notch(mains_hz * (double)(k + 1), q, fs_hz,
                                       &sos[k]);
        if (status != FASC_OK)
            return status;
    }
    if (n_sections)
        *n_sections = kept;
    return FASC_OK;
}

size_t fasc_fb_harmonics_below_nyquist(double f0_hz, int harmonics, double fs_hz)
{
    size_t kept = 0;
    while ((int)kept < harmonics && f0_hz * (double)(kept + 1) < 0.5 * fs_hz)
        kept++;
    return kept;
}

int fasc_filter_response(const fasc_biquad *sos, size_t n_sections,
                         double f_hz, double fs_hz, double *re, double *im)
{
    if ((!sos && n_sections) || !(fs_hz > 0.0) || !(f_hz >= 0.0) ||
        !(f_hz <= 0.5 * fs_hz))
        return FASC_ERR_INVALID_ARGUMENT;
    fb_cplx zinv = cexp(-I * 2.0 * fb_pi * f_hz / fs_hz);
    fb_cplx h = 1.0;
    for (size_t k = 0; k < n_sections; k++)
        h *= section_response(&sos[k], zinv);
    if (re)
        *re = creal(h);
    if (im)
        *im = cimag(h);
    return FASC_OK;
}

double fasc_filter_magnitude(const fasc_biquad *sos, size_t n_sections,
                             double f_hz, double fs_hz)
{
    double re, im;
    if (fasc_filter_response(sos, n_sections, f_hz, fs_hz, &re, &im) != FASC_OK)
        return -1.0;
    return hypot(re, im);
}
