/* Welch PSD: configuration, life cycle, streaming segmentation, read-out. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spectrum_internal.h"

void fasc_spectrum_config_default(fasc_spectrum_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = 2048.0;
    cfg->channels = 1;
    cfg->segment_length = 0;
    cfg->overlap = 0.5;
    cfg->band_low_hz = 20.0;
    cfg->band_high_hz = 450.0;
    cfg->mains_harmonics = 10;
    cfg->mains_threshold_db = 10.0;
}

/* Largest power of two not above the rate: 0.5–1 s segments, 1–2 Hz bins. */
static size_t default_segment_length(double sample_rate)
{
    size_t n = FASC_SPECTRUM_MIN_SEGMENT;
    while ((double)(2 * n) <= sample_rate)
        n *= 2;
    return n;
}

static int in_range(double x, double lo, double hi)
{
    return isfinite(x) && x >= lo && x <= hi;
}

static fasc_status resolve_config(const fasc_spectrum_config *in,
                                  fasc_spectrum_config *out)
{
    if (!in_range(in->sample_rate, FASC_MIN_SAMPLE_RATE, FASC_MAX_SAMPLE_RATE) ||
        in->channels < 1 || in->channels > FASC_MAX_CHANNELS ||
        !in_range(in->overlap, 0.0, 0.9) ||
        in->mains_harmonics < 1 || in->mains_harmonics > 64 ||
        !in_range(in->mains_threshold_db, 0.0, 100.0) ||
        !in_range(in->band_low_hz, 0.0, FASC_MAX_SAMPLE_RATE) ||
        !isfinite(in->band_high_hz) || in->band_high_hz <= in->band_low_hz)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = *in;
    if (out->segment_length == 0)
        out->segment_length = default_segment_length(in->sample_rate);
    if (out->segment_length < FASC_SPECTRUM_MIN_SEGMENT ||
        out->segment_length > FASC_SPECTRUM_MAX_SEGMENT)
        return FASC_ERR_INVALID_ARGUMENT;
    size_t lo, hi;
    if (fasc_spectrum_band_bins(out->sample_rate, out->segment_length,
                                out->band_low_hz, out->band_high_hz, &lo, &hi))
        return FASC_ERR_INVALID_ARGUMENT;
    return FASC_OK;
}

/* Periodic ("DFT-even") Hann, as scipy.signal.get_window('hann', n): 50 %
 * overlapped copies sum to a constant (Harris 1978). */
static double fill_hann(float *w, size_t n)
{
    const double pi = 3.14159265358979323846;
    double power = 0.0;
    for (size_t i = 0; i < n; i++) {
        w[i] = (float)(0.5 - 0.5 * cos(2.0 * pi * (double)i / (double)n));
        power += (double)w[i] * (double)w[i];
    }
    return power;
}

static fasc_status allocate(fasc_spectrum *sp)
{
    const size_t nfft = sp->nfft, nbins = sp->nbins;
    const size_t channels = sp->cfg.channels;
    sp->window = malloc(nfft * sizeof *sp->window);
    sp->history = malloc(channels * nfft * sizeof *sp->history);
    sp->power_sum = malloc(channels * nbins * sizeof *sp->power_sum);
    sp->segments = malloc(channels * sizeof *sp->segments);
    sp->skipped = malloc(channels * sizeof *sp->skipped);
    sp->mean_psd = malloc(nbins * sizeof *sp->mean_psd);
    sp->sort_scratch = malloc(nbins * sizeof *sp->sort_scratch);
    sp->fft_in = fftwf_malloc(nfft * sizeof *sp->fft_in);
    sp->fft_out = fftwf_malloc(nbins * sizeof *sp->fft_out);
    if (!sp->window || !sp->history || !sp->power_sum || !sp->segments ||
        !sp->skipped || !sp->mean_psd || !sp->sort_scratch || !sp->fft_in ||
        !sp->fft_out)
        return FASC_ERR_NO_MEMORY;
    return FASC_OK;
}

fasc_status fasc_spectrum_create(const fasc_spectrum_config *cfg,
                                 fasc_spectrum **out)
{
    if (!out)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = NULL;
    if (!cfg)
        return FASC_ERR_INVALID_ARGUMENT;
    fasc_spectrum_config resolved;
    fasc_status st = resolve_config(cfg, &resolved);
    if (st != FASC_OK)
        return st;

    fasc_spectrum *sp = calloc(1, sizeof *sp);
    if (!sp)
        return FASC_ERR_NO_MEMORY;
    sp->cfg = resolved;
    sp->nfft = resolved.segment_length;
    sp->nbins = sp->nfft / 2 + 1;
    /* Rounded down, like scipy's default noverlap = nperseg // 2;
     * overlap <= 0.9 keeps the hop at 1 sample or more. */
    const size_t shared = (size_t)floor(resolved.overlap * (double)sp->nfft);
    sp->hop = sp->nfft - shared;
    st = allocate(sp);
    if (st == FASC_OK) {
        sp->window_power = fill_hann(sp->window, sp->nfft);
        sp->plan = fasc_spectrum_plan_r2c((int)sp->nfft, sp->fft_in,
                                          sp->fft_out);
        if (!sp->plan)
            st = FASC_ERR_UNSUPPORTED;
    }
    if (st != FASC_OK) {
        fasc_spectrum_destroy(&sp);
        return st;
    }
    fasc_spectrum_reset(sp);
    *out = sp;
    return FASC_OK;
}

void fasc_spectrum_destroy(fasc_spectrum **sp)
{
    if (!sp || !*sp)
        return;
    fasc_spectrum *s = *sp;
    fasc_spectrum_plan_destroy(s->plan);
    fftwf_free(s->fft_in);
    fftwf_free(s->fft_out);
    free(s->window);
    free(s->history);
    free(s->power_sum);
    free(s->segments);
    free(s->skipped);
    free(s->mean_psd);
    free(s->sort_scratch);
    free(s);
    *sp = NULL;
}

void fasc_spectrum_reset(fasc_spectrum *sp)
{
    if (!sp)
        return;
    const size_t channels = sp->cfg.channels;
    sp->fill = 0;
    memset(sp->history, 0, channels * sp->nfft * sizeof *sp->history);
    for (size_t i = 0; i < channels * sp->nbins; i++)
        sp->power_sum[i] = 0.0;
    for (size_t c = 0; c < channels; c++) {
        sp->segments[c] = 0;
        sp->skipped[c] = 0;
    }
}

/* Adds one channel's full segment to its average, or skips it when it holds
 * a non-finite sample or its spectrum overflows single precision. */
static void analyse_segment(fasc_spectrum *sp, size_t channel)
{
    const size_t nfft = sp->nfft, nbins = sp->nbins;
    const float *seg = sp->history + channel * nfft;

    /* A sum of finite floats cannot overflow a double, so a non-finite sum
     * means a NaN or Inf sample. */
    double sum = 0.0;
    for (size_t i = 0; i < nfft; i++)
        sum += seg[i];
    if (!isfinite(sum)) {
        sp->skipped[channel]++;
        return;
    }
    /* Removing the mean first (scipy's detrend='constant') also keeps an
     * electrode offset from eating the float FFT's precision. */
    const double mean = sum / (double)nfft;
    for (size_t i = 0; i < nfft; i++)
        sp->fft_in[i] = (float)(((double)seg[i] - mean) * sp->window[i]);
    fftwf_execute(sp->plan);

    double total = 0.0;
    for (size_t k = 0; k < nbins; k++) {
        const double re = sp->fft_out[k][0], im = sp->fft_out[k][1];
        total += re * re + im * im;
    }
    if (!isfinite(total)) {
        sp->skipped[channel]++;
        return;
    }
    double *acc = sp->power_sum + channel * nbins;
    for (size_t k = 0; k < nbins; k++) {
        const double re = sp->fft_out[k][0], im = sp->fft_out[k][1];
        acc[k] += re * re + im * im;
    }
    sp->segments[channel]++;
}

static void complete_segment(fasc_spectrum *sp)
{
    const size_t keep = sp->nfft - sp->hop;
    for (size_t c = 0; c < sp->cfg.channels; c++) {
        analyse_segment(sp, c);
        float *seg = sp->history + c * sp->nfft;
        memmove(seg, seg + sp->hop, keep * sizeof *seg);
    }
    sp->fill = keep;
}

/* Exactly one of `planar` and `frames` is used. The same segments are
 * formed whatever the block lengths, hence identical results. */
static void consume(fasc_spectrum *sp, const float *const *planar,
                    const float *frames, size_t n)
{
    const size_t channels = sp->cfg.channels;
    size_t done = 0;
    while (done < n) {
        size_t take = sp->nfft - sp->fill;
        if (take > n - done)
            take = n - done;
        for (size_t c = 0; c < channels; c++) {
            float *dst = sp->history + c * sp->nfft + sp->fill;
            if (planar) {
                memcpy(dst, planar[c] + done, take * sizeof *dst);
            } else {
                const float *src = frames + done * channels + c;
                for (size_t i = 0; i < take; i++)
                    dst[i] = src[i * channels];
            }
        }
        sp->fill += take;
        done += take;
        if (sp->fill == sp->nfft)
            complete_segment(sp);
    }
}

fasc_status fasc_spectrum_process(fasc_spectrum *sp,
                                  const float *const *channels, size_t n)
{
    if (!sp)
        return FASC_ERR_INVALID_ARGUMENT;
    if (n == 0)
        return FASC_OK;
    if (!channels)
        return FASC_ERR_INVALID_ARGUMENT;
    for (size_t c = 0; c < sp->cfg.channels; c++)
        if (!channels[c])
            return FASC_ERR_INVALID_ARGUMENT;
    consume(sp, channels, NULL, n);
    return FASC_OK;
}

fasc_status fasc_spectrum_process_interleaved(fasc_spectrum *sp,
                                              const float *frames, size_t n)
{
    if (!sp)
        return FASC_ERR_INVALID_ARGUMENT;
    if (n == 0)
        return FASC_OK;
    if (!frames)
        return FASC_ERR_INVALID_ARGUMENT;
    consume(sp, NULL, frames, n);
    return FASC_OK;
}

size_t fasc_spectrum_bins(const fasc_spectrum *sp)
{
    return sp ? sp->nbins : 0;
}

size_t fasc_spectrum_segment_length(const fasc_spectrum *sp)
{
    return sp ? sp->nfft : 0;
}

double fasc_spectrum_bin_width(const fasc_spectrum *sp)
{
    return sp ? sp->cfg.sample_rate / (double)sp->nfft : 0.0;
}

double fasc_spectrum_bin_frequency(const fasc_spectrum *sp, size_t bin)
{
    if (!sp || bin >= sp->nbins)
        return -1.0;
    return (double)bin * fasc_spectrum_bin_width(sp);
}

static int valid_channel(const fasc_spectrum *sp, int channel)
{
    return channel == FASC_SPECTRUM_ALL_CHANNELS ||
           (channel >= 0 && (size_t)channel < sp->cfg.channels);
}

static int64_t count(const fasc_spectrum *sp, const int64_t *per_channel,
                     int channel)
{
    if (!sp || !valid_channel(sp, channel))
        return FASC_ERR_INVALID_ARGUMENT;
    if (channel != FASC_SPECTRUM_ALL_CHANNELS)
        return per_channel[channel];
    int64_t total = 0;
    for (size_t c = 0; c < sp->cfg.channels; c++)
        total += per_channel[c];
    return total;
}

int64_t fasc_spectrum_segments(const fasc_spectrum *sp, int channel)
{
    return count(sp, sp ? sp->segments : NULL, channel);
}

int64_t fasc_spectrum_skipped(const fasc_spectrum *sp, int channel)
{
    return count(sp, sp ? sp->skipped : NULL, channel);
}

fasc_status fasc_spectrum_density(fasc_spectrum *sp, int channel,
                                  double *segments_out)
{
    if (!sp || !valid_channel(sp, channel))
        return FASC_ERR_INVALID_ARGUMENT;
    const size_t nbins = sp->nbins;
    const size_t first = channel == FASC_SPECTRUM_ALL_CHANNELS ? 0 : (size_t)channel;
    const size_t last = channel == FASC_SPECTRUM_ALL_CHANNELS
                            ? sp->cfg.channels : (size_t)channel + 1;
    for (size_t k = 0; k < nbins; k++)
        sp->mean_psd[k] = 0.0;
    size_t used = 0;
    double segments = 0.0;
    for (size_t c = first; c < last; c++) {
        if (sp->segments[c] == 0)
            continue;
        const double inv = 1.0 / (double)sp->segments[c];
        const double *acc = sp->power_sum + c * nbins;
        for (size_t k = 0; k < nbins; k++)
            sp->mean_psd[k] += acc[k] * inv;
        used++;
        segments += (double)sp->segments[c];
    }
    if (used == 0)
        return FASC_ERR_STATE;

    /* One-sided density: every bin but DC and (even nfft) Nyquist stands
     * for its negative-frequency twin too. */
    const double scale = 1.0 / (sp->cfg.sample_rate * sp->window_power *
                                (double)used);
    const int has_nyquist = sp->nfft % 2 == 0;
    for (size_t k = 0; k < nbins; k++) {
        const int single = k == 0 || (has_nyquist && k == nbins - 1);
        sp->mean_psd[k] *= single ? scale : 2.0 * scale;
    }
    if (segments_out)
        *segments_out = segments / (double)used;
    return FASC_OK;
}

fasc_status fasc_spectrum_psd(fasc_spectrum *sp, int channel, float *psd,
                              size_t nbins)
{
    if (!sp || !psd || !valid_channel(sp, channel))
        return FASC_ERR_INVALID_ARGUMENT;
    if (nbins < sp->nbins)
        return FASC_ERR_BUFFER_TOO_SMALL;
    fasc_status st = fasc_spectrum_density(sp, channel, NULL);
    if (st != FASC_OK)
        return st;
    for (size_t k = 0; k < sp->nbins; k++)
        psd[k] = (float)sp->mean_psd[k];
    return FASC_OK;
}
