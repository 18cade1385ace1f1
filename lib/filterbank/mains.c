/* Automatic choice between 50 and 60 Hz mains: Goertzel power of each line
 * frequency and its harmonics, summed over channels (Goertzel, "An
 * algorithm for the evaluation of finite trigonometric series", Amer.
 * Math. Monthly 65, 1958). */
#include <math.h>

#include "fb_internal.h"

static const double fb_pi = 3.14159265358979323846;

int fasc_fb_goertzel_bins(const fb_design *d)
{
    return d->mains == FASC_MAINS_AUTO ? d->notches[0] + d->notches[1] : 0;
}

static double bin_frequency(const fb_design *d, int bin)
{
    return bin < d->notches[0] ? 50.0 * (bin + 1)
                               : 60.0 * (bin - d->notches[0] + 1);
}

void fasc_fb_mains_accumulate(fasc_filterbank *fb, int group, const float *y0,
                         fasc_index w0, size_t m)
{
    const fb_design *d = &fb->d;
    const int bins = fasc_fb_goertzel_bins(d), lanes = fb->lanes;
    size_t first = 0;
    if (w0 < d->goertzel_start)
        first = (size_t)(d->goertzel_start - w0) < m ? (size_t)(d->goertzel_start - w0) : m;
    for (int l = 0; l < lanes; l++) {
        int c = group * lanes + l;
        if (c >= d->channels)
            break;
        for (int b = 0; b < bins; b++) {
            double coeff = 2.0 * cos(2.0 * fb_pi * bin_frequency(d, b) / d->rate);
            double *s = fb->goertzel + ((size_t)c * (size_t)bins + (size_t)b) * 2;
            double s1 = s[0], s2 = s[1];
            for (size_t t = first; t < m; t++) {
                double v = y0[t * (size_t)lanes + (size_t)l] + coeff * s1 - s2;
                s2 = s1;
                s1 = v;
            }
            s[0] = s1;
            s[1] = s2;
        }
    }
}

void fasc_fb_mains_decide(fasc_filterbank *fb)
{
    fb_design *d = &fb->d;
    const int bins = fasc_fb_goertzel_bins(d);
    double power[2] = {0.0, 0.0};
    for (int c = 0; c < d->channels; c++)
        for (int b = 0; b < bins; b++) {
            const double *s = fb->goertzel + ((size_t)c * (size_t)bins + (size_t)b) * 2;
            double coeff = 2.0 * cos(2.0 * fb_pi * bin_frequency(d, b) / d->rate);
            power[b >= d->notches[0]] += s[0] * s[0] + s[1] * s[1] - coeff * s[0] * s[1];
        }
    int chosen = power[1] > power[0];
    int first = d->hp_sections + d->lp_sections;
    for (int k = 0; k < d->notches[chosen]; k++)
        d->sos[first + k] = d->notch_sos[chosen][k];
    fasc_fb_load_coefficients(fb, first, d->notch_slots);
    fasc_fb_state_clear(fb, first, d->notch_slots);
    fb->mains_active = chosen ? FASC_MAINS_60HZ : FASC_MAINS_50HZ;
}
