/* Noise floor, band power, mean and median frequency over the analysis band. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spectrum_internal.h"

int fasc_spectrum_band_bins(double sample_rate, size_t nfft, double low_hz,
                            double high_hz, size_t *lo, size_t *hi)
{
    const double df = sample_rate / (double)nfft;
    const size_t below_nyquist = nfft % 2 == 0 ? nfft / 2 - 1 : nfft / 2;
    const double first = ceil(low_hz / df);
    double last = floor(high_hz / df);
    if (last > (double)below_nyquist)
        last = (double)below_nyquist;
    if (first < 0.0 || last < first + 2.0)
        return -1;
    *lo = (size_t)first;
    *hi = (size_t)last;
    return 0;
}

static int compare_doubles(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double fasc_spectrum_median(double *work, size_t n)
{
    qsort(work, n, sizeof *work, compare_doubles);
    return n % 2 ? work[n / 2] : 0.5 * (work[n / 2 - 1] + work[n / 2]);
}

/* A bin of a K-segment Welch average is about (mean / 2K) χ² with 2K
 * degrees of freedom (ignoring the correlation of overlapping segments,
 * which reduces them by ~5 % at 50 % Hann overlap; Welch 1967). Its median
 * is below its mean by the Wilson–Hilferty (1931) factor (1 - 2/(9ν))³:
 * 0.70 for one segment (exact: ln 2), 0.97 for ten. */
double fasc_spectrum_median_bias(double segments)
{
    const double dof = 2.0 * segments;
    const double r = 1.0 - 2.0 / (9.0 * dof);
    return 1.0 / (r * r * r);
}

/* Mean frequency Σ f·P / Σ P and median frequency, the frequency below
 * which half of the band's power lies: the standard sEMG spectral
 * descriptors (Phinyomark et al. 2012, "Feature reduction and selection for
 * EMG signal classification", Expert Syst. Appl. 39:7420; De Luca 1997).
 * Each bin is taken as a flat strip of width Δf centred on its frequency,
 * so the median is interpolated within the bin where half the power is
 * reached. */
static void spectral_moments(const double *psd, size_t lo, size_t hi,
                             double df, fasc_spectrum_band *out)
{
    double power = 0.0, moment = 0.0;
    for (size_t k = lo; k <= hi; k++) {
        power += psd[k];
        moment += psd[k] * (double)k * df;
    }
    out->band_power = power * df;
    out->mean_frequency = 0.0;
    out->median_frequency = 0.0;
    if (!(power > 0.0))
        return;
    out->mean_frequency = moment / power;
    const double half = 0.5 * power;
    double below = 0.0;
    for (size_t k = lo; k <= hi; k++) {
        if (below + psd[k] >= half && psd[k] > 0.0) {
            const double fraction = (half - below) / psd[k];
            out->median_frequency = ((double)k - 0.5 + fraction) * df;
            return;
        }
        below += psd[k];
    }
    out->median_frequency = (double)hi * df;
}

fasc_status fasc_spectrum_band_stats(fasc_spectrum *sp, int channel,
                                     fasc_spectrum_band *out)
{
    if (!sp || !out)
        return FASC_ERR_INVALID_ARGUMENT;
    double segments = 0.0;
    fasc_status st = fasc_spectrum_density(sp, channel, &segments);
    if (st != FASC_OK)
        return st;
    const fasc_spectrum_config *cfg = &sp->cfg;
    const double df = fasc_spectrum_bin_width(sp);
    size_t lo = 0, hi = 0;
    /* Validated at create, so the band has at least 3 bins. */
    (void)fasc_spectrum_band_bins(cfg->sample_rate, sp->nfft, cfg->band_low_hz,
                                  cfg->band_high_hz, &lo, &hi);
    const size_t n = hi - lo + 1;
    memset(out, 0, sizeof *out);
    out->low_hz = (double)lo * df;
    out->high_hz = (double)hi * df;
    memcpy(sp->sort_scratch, sp->mean_psd + lo, n * sizeof *sp->sort_scratch);
    out->noise_floor = fasc_spectrum_median(sp->sort_scratch, n) *
                       fasc_spectrum_median_bias(segments);
    out->noise_floor_rms = sqrt(out->noise_floor * (double)n * df);
    spectral_moments(sp->mean_psd, lo, hi, df, out);
    return FASC_OK;
}
