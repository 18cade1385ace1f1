/* Mains line detection: 50 vs 60 Hz, the line's and its harmonics' power. */
#include <float.h>
#include <math.h>

#include "spectrum_internal.h"

/* A Hann line spreads over ±2 bins (main lobe; Harris 1978); the grid
 * frequency wanders by up to ~0.2 Hz (EN 50160 allows ±1 %), so at fine
 * resolution the window is widened to ±0.6 Hz. The local floor is the median
 * of the bins from 2 bins past the window out to 10 Hz on each side: far
 * enough to miss the line's own lobe, near enough to follow the sEMG
 * spectrum's slope, and robust to the other candidate's line 10 Hz away. */
#define LINE_MIN_HALF_WIDTH 2
#define LINE_WANDER_HZ 0.6
#define RING_GAP_BINS 2
#define RING_SPAN_HZ 10.0
#define RING_MIN_BINS 4

typedef struct line_measure {
    double total;   /* µV² in the line's window */
    double floor;   /* µV² the local floor alone puts in the window */
} line_measure;

static size_t ceil_bins(double hz, double df)
{
    return (size_t)ceil(hz / df);
}

/* Measures the line nearest `frequency`; returns -1 when its window does
 * not fit between DC and the last bin below Nyquist. */
static int measure_line(fasc_spectrum *sp, double segments, double frequency,
                        line_measure *m)
{
    const double df = fasc_spectrum_bin_width(sp);
    const size_t last = sp->nfft % 2 == 0 ? sp->nbins - 2 : sp->nbins - 1;
    size_t half = ceil_bins(LINE_WANDER_HZ, df);
    if (half < LINE_MIN_HALF_WIDTH)
        half = LINE_MIN_HALF_WIDTH;
    const size_t centre = (size_t)lround(frequency / df);
    if (centre < half + 1 || centre + half > last)
        return -1;

    size_t span = ceil_bins(RING_SPAN_HZ, df);
    if (span < RING_MIN_BINS)
        span = RING_MIN_BINS;
    const size_t gap = half + RING_GAP_BINS;
    size_t n = 0;
    for (size_t off = gap; off < gap + span; off++) {
        if (centre > off)  /* bin 0 holds only the removed mean */
            sp->sort_scratch[n++] = sp->mean_psd[centre - off];
        if (centre + off <= last)
            sp->sort_scratch[n++] = sp->mean_psd[centre + off];
    }
    const double floor_density = fasc_spectrum_median(sp->sort_scratch, n) *
                                 fasc_spectrum_median_bias(segments);

    double total = 0.0;
    for (size_t k = centre - half; k <= centre + half; k++)
        total += sp->mean_psd[k];
    m->total = total * df;
    m->floor = floor_density * (double)(2 * half + 1) * df;
    return 0;
}

static double excess(const line_measure *m)
{
    return m->total > m->floor ? m->total - m->floor : 0.0;
}

static void measure_candidate(fasc_spectrum *sp, double segments,
                              unsigned fundamental, unsigned other,
                              fasc_spectrum_mains_line *out)
{
    out->frequency = fundamental;
    out->line_power = 0.0;
    out->harmonic_power = 0.0;
    out->line_to_floor_db = 0.0;
    out->lines = 0;
    double best_ratio = 0.0;
    int have_ratio = 0;
    for (unsigned h = 1; h <= sp->cfg.mains_harmonics; h++) {
        line_measure m;
        if (measure_line(sp, segments, (double)(h * fundamental), &m))
            break;
        out->lines++;
        if (h == 1)
            out->line_power = excess(&m);
        else
            out->harmonic_power += excess(&m);
        /* 300, 600, ... Hz belong to both candidates: no evidence. */
        if ((h * fundamental) % other == 0)
            continue;
        /* DBL_MIN keeps an all-zero spectrum at 0 dB. */
        const double ratio = (m.total + DBL_MIN) / (m.floor + DBL_MIN);
        if (!have_ratio || ratio > best_ratio)
            best_ratio = ratio;
        have_ratio = 1;
    }
    if (have_ratio)
        out->line_to_floor_db = 10.0 * log10(best_ratio);
}

fasc_status fasc_spectrum_mains_detect(fasc_spectrum *sp, int channel,
                                       fasc_spectrum_mains *out)
{
    if (!sp || !out)
        return FASC_ERR_INVALID_ARGUMENT;
    double segments = 0.0;
    fasc_status st = fasc_spectrum_density(sp, channel, &segments);
    if (st != FASC_OK)
        return st;
    if (fasc_spectrum_bin_width(sp) > FASC_SPECTRUM_MAX_MAINS_BIN_WIDTH)
        return FASC_ERR_UNSUPPORTED;

    measure_candidate(sp, segments, 50, 60, &out->fifty);
    measure_candidate(sp, segments, 60, 50, &out->sixty);
    const double threshold = sp->cfg.mains_threshold_db;
    const fasc_spectrum_mains_line *chosen = NULL;
    if (out->fifty.lines && out->fifty.line_to_floor_db >= threshold)
        chosen = &out->fifty;
    if (out->sixty.lines && out->sixty.line_to_floor_db >= threshold &&
        (!chosen || out->sixty.line_to_floor_db > chosen->line_to_floor_db))
        chosen = &out->sixty;
    out->frequency = chosen ? chosen->frequency : 0.0;
    out->line_power = chosen ? chosen->line_power : 0.0;
    out->harmonic_power = chosen ? chosen->harmonic_power : 0.0;
    return FASC_OK;
}

fasc_status fasc_spectrum_mains_detect_buffer(const fasc_spectrum_config *cfg,
                                              const float *const *channels,
                                              size_t n,
                                              fasc_spectrum_mains *out)
{
    if (!cfg || !channels || !out)
        return FASC_ERR_INVALID_ARGUMENT;
    fasc_spectrum *sp = NULL;
    fasc_status st = fasc_spectrum_create(cfg, &sp);
    if (st == FASC_OK)
        st = fasc_spectrum_process(sp, channels, n);
    if (st == FASC_OK)
        st = fasc_spectrum_mains_detect(sp, FASC_SPECTRUM_ALL_CHANNELS, out);
    fasc_spectrum_destroy(&sp);
    return st;
}
