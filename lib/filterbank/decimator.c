/* Anti-alias FIR of the decimation stage: a Kaiser-windowed sinc.
 * Kaiser's design formulas (Kaiser, "Nonrecursive digital filter design
 * using the I0-sinh window function", Proc. IEEE ISCAS 1974): length
 * N - 1 = (A - 7.95) / (14.36 df), beta = 0.1102 (A - 8.7) for A > 50 dB. */
#include <math.h>

#include "fb_design.h"

static const double fb_pi = 3.14159265358979323846;

/* Stop-band attenuation in dB, and the transition as a fraction of the
 * output rate: the pass band ends at 0.4 and the stop band starts at 0.6
 * of the output rate, so nothing above 0.6 folds below 0.4. */
static const double fb_aa_atten_db = 80.0;
static const double fb_aa_transition = 0.2;

static double bessel_i0(double x)
{
    /* Power series; converges fast for the beta values used here (< 10). */
    double sum = 1.0, term = 1.0, q = 0.25 * x * x;
    for (int k = 1; k < 64 && term > 1e-17 * sum; k++) {
        term *= q / ((double)k * (double)k);
        sum += term;
    }
    return sum;
}

int fasc_fb_decimator_taps(int factor, double *taps)
{
    double df = fb_aa_transition / factor;
    int half = (int)ceil((fb_aa_atten_db - 7.95) / (14.36 * df) / 2.0);
    int n = 2 * half + 1;
    if (!taps)
        return n;
    double beta = 0.1102 * (fb_aa_atten_db - 8.7);
    double norm = bessel_i0(beta), sum = 0.0;
    for (int i = 0; i < n; i++) {
        double r = (double)(i - half) / half;
        double w = bessel_i0(beta * sqrt(fmax(0.0, 1.0 - r * r))) / norm;
        double d = (double)(i - half);
        double sinc = i == half ? 1.0 / factor
                                : sin(fb_pi * d / factor) / (fb_pi * d);
        taps[i] = sinc * w;
        sum += taps[i];
    }
    for (int i = 0; i < n; i++)
        taps[i] /= sum;
    return n;
}
