/* Internal state of the Welch estimator, shared by the files of lib/spectrum. */
#ifndef FASC_SPECTRUM_INTERNAL_H
#define FASC_SPECTRUM_INTERNAL_H

#include <fftw3.h>

#include "fasc/spectrum.h"

struct fasc_spectrum {
    fasc_spectrum_config cfg;  /* validated; segment_length resolved */
    size_t nfft;
    size_t hop;                /* samples between segment starts */
    size_t nbins;              /* nfft / 2 + 1 */
    size_t fill;               /* samples held per channel in `history` */
    double window_power;       /* Σ w[n]² */
    float *window;             /* nfft */
    float *history;            /* channels × nfft, the segment being filled */
    double *power_sum;         /* channels × nbins, Σ |X[k]|² over segments */
    int64_t *segments;         /* per channel */
    int64_t *skipped;          /* per channel */
    double *mean_psd;          /* nbins: scratch of the read-out calls */
    double *sort_scratch;      /* nbins: scratch of the medians */
    float *fft_in;             /* nfft, fftwf_malloc */
    fftwf_complex *fft_out;    /* nbins, fftwf_malloc */
    fftwf_plan plan;
};

/* FFTW's planner is not thread-safe: every plan is made and destroyed under
 * one process-wide lock (plan.c). */
fftwf_plan fasc_spectrum_plan_r2c(int n, float *in, fftwf_complex *out);
void fasc_spectrum_plan_destroy(fftwf_plan plan);

/* Averaged one-sided density (µV²/Hz) of `channel` or of the channel mean,
 * written to sp->mean_psd; `segments_out` receives the segments per channel
 * behind it (their mean for all channels). FASC_ERR_STATE without segments. */
fasc_status fasc_spectrum_density(fasc_spectrum *sp, int channel,
                                  double *segments_out);

/* Bins [*lo, *hi] whose centres lie in [low_hz, high_hz], the top clipped to
 * the last bin below Nyquist. Returns 0, or -1 when fewer than 3 bins. */
int fasc_spectrum_band_bins(double sample_rate, size_t nfft, double low_hz,
                            double high_hz, size_t *lo, size_t *hi);

/* Median of work[0..n) (n >= 1); reorders `work`. */
double fasc_spectrum_median(double *work, size_t n);

/* Ratio of the expected value to the median of a periodogram bin averaged
 * over `segments` segments, to turn a median level into a density. */
double fasc_spectrum_median_bias(double segments);

#endif /* FASC_SPECTRUM_INTERNAL_H */
