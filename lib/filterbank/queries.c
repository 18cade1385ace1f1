/* Read-only queries of fasc_filterbank. */
#include "fb_internal.h"

int fasc_filterbank_streams(const fasc_filterbank *fb)
{
    return fb ? fb->d.streams : 0;
}

int fasc_filterbank_channels(const fasc_filterbank *fb)
{
    return fb ? fb->d.channels : 0;
}

int fasc_filterbank_decimation(const fasc_filterbank *fb)
{
    return fb ? fb->d.decimation : 0;
}

double fasc_filterbank_output_rate(const fasc_filterbank *fb)
{
    return fb ? fb->d.rate : 0.0;
}

fasc_index fasc_filterbank_latency(const fasc_filterbank *fb)
{
    return fb && fb->d.decimation > 1 ? (fb->d.fir_taps - 1) / 2 : 0;
}

fasc_index fasc_filterbank_input_index(const fasc_filterbank *fb, fasc_index k)
{
    if (!fb)
        return k;
    return k * fb->d.decimation - fasc_filterbank_latency(fb);
}

size_t fasc_filterbank_max_output(const fasc_filterbank *fb, size_t n)
{
    if (!fb)
        return 0;
    size_t d = (size_t)fb->d.decimation;
    return n / d + (n % d != 0);
}

fasc_mains fasc_filterbank_mains(const fasc_filterbank *fb)
{
    return fb ? fb->mains_active : FASC_MAINS_OFF;
}

fasc_index fasc_filterbank_mains_decision_index(const fasc_filterbank *fb)
{
    return fb ? fb->d.decision_index : -1;
}

uint64_t fasc_filterbank_nonfinite_count(const fasc_filterbank *fb, int channel)
{
    if (!fb || channel < 0 || channel >= fb->d.channels)
        return 0;
    return fb->nonfinite[channel];
}

int fasc_filterbank_edges(const fasc_filterbank *fb, int stream,
                          double *low_hz, double *high_hz)
{
    if (!fb || stream < 0 || stream >= fb->d.streams)
        return FASC_ERR_INVALID_ARGUMENT;
    double lo = stream ? fb->d.band_low[stream - 1] : fb->d.highpass_hz;
    double hi = stream ? fb->d.band_high[stream - 1] : fb->d.lowpass_hz;
    if (low_hz)
        *low_hz = lo;
    if (high_hz)
        *high_hz = hi;
    return FASC_OK;
}

int fasc_filterbank_magnitude(const fasc_filterbank *fb, int stream,
                              double f_hz, double *magnitude)
{
    if (!fb || !magnitude || stream < 0 || stream >= fb->d.streams)
        return FASC_ERR_INVALID_ARGUMENT;
    const fb_design *d = &fb->d;
    int pre = d->hp_sections + d->lp_sections + d->notch_slots;
    double m = fasc_filter_magnitude(d->sos, (size_t)pre, f_hz, d->rate);
    if (stream > 0 && m >= 0.0)
        m *= fasc_filter_magnitude(d->sos + pre + (stream - 1) * d->band_sections,
                                   (size_t)d->band_sections, f_hz, d->rate);
    if (m < 0.0)
        return FASC_ERR_INVALID_ARGUMENT;
    *magnitude = m;
    return FASC_OK;
}

int fasc_filterbank_prefilter(const fasc_filterbank *fb, fasc_biquad *sos, size_t capacity,
                              size_t *n_sections)
{
    if (!fb || (!sos && capacity > 0))
        return FASC_ERR_INVALID_ARGUMENT;
    /* notch slots are identity sections until the automatic choice */
    const size_t n = (size_t)(fb->d.hp_sections + fb->d.lp_sections + fb->d.notch_slots);
    if (n_sections)
        *n_sections = n;
    if (capacity < n)
        return FASC_ERR_BUFFER_TOO_SMALL;
    for (size_t k = 0; k < n; k++)
        sos[k] = fb->d.sos[k];
    return FASC_OK;
}
