/* Test helpers: render a whole synthetic recording with its truth events. */
#ifndef FASC_TEST_SYNTH_FIXTURE_H
#define FASC_TEST_SYNTH_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "fasc/filterbank.h"
#include "fasc/synth.h"

typedef struct recording {
    int channels;
    size_t frames;
    float **x;                 /* x[c][i], µV */
    fasc_synth_event *events;
    size_t event_count, event_capacity;
    double median_fp_uv, noise_rms_uv, heart_rate_bpm;
} recording;

static inline void recording_on_event(void *user, const fasc_synth_event *ev)
{
    recording *r = user;
    if (r->event_count == r->event_capacity) {
        r->event_capacity = r->event_capacity ? 2 * r->event_capacity : 256;
        r->events = realloc(r->events, r->event_capacity * sizeof *r->events);
        if (!r->events)
            abort();
    }
    r->events[r->event_count++] = *ev;
}

/* Renders cfg for `seconds` in blocks of `block` samples; 0 on success. */
static inline int recording_make(recording *r, const fasc_synth_config *cfg, double seconds, size_t block)
{
    memset(r, 0, sizeof *r);
    fasc_synth *s;
    if (fasc_synth_create(cfg, &s) != FASC_OK)
        return -1;
    r->channels = cfg->channels;
    r->frames = (size_t)(seconds * cfg->sample_rate);
    r->x = calloc((size_t)cfg->channels, sizeof *r->x);
    for (int c = 0; c < cfg->channels; c++)
        r->x[c] = malloc(r->frames * sizeof(float) + 1);
    float *ptr[FASC_MAX_CHANNELS];
    for (size_t done = 0; done < r->frames;) {
        const size_t n = r->frames - done < block ? r->frames - done : block;
        for (int c = 0; c < cfg->channels; c++)
            ptr[c] = r->x[c] + done;
        if (fasc_synth_generate(s, ptr, n, recording_on_event, r) != FASC_OK) {
            fasc_synth_destroy(&s);
            return -1;
        }
        done += n;
    }
    r->median_fp_uv = fasc_synth_median_fp_uv(s);
    r->noise_rms_uv = fasc_synth_noise_rms_uv(s);
    r->heart_rate_bpm = fasc_synth_heart_rate_bpm(s);
    fasc_synth_destroy(&s);
    return 0;
}

static inline void recording_free(recording *r)
{
    for (int c = 0; c < r->channels; c++)
        free(r->x[c]);
    free(r->x);
    free(r->events);
    memset(r, 0, sizeof *r);
}

static inline size_t recording_count(const recording *r, fasc_class cls)
{
    size_t n = 0;
    for (size_t i = 0; i < r->event_count; i++)
        n += r->events[i].cls == cls;
    return n;
}

/* Runs a cascade of sections over x in place (direct form II transposed,
 * double state). */
static inline void sos_filter(const fasc_biquad *sos, size_t n_sections, float *x, size_t n)
{
    for (size_t k = 0; k < n_sections; k++) {
        const fasc_biquad q = sos[k];
        double z1 = 0.0, z2 = 0.0;
        for (size_t i = 0; i < n; i++) {
            const double in = x[i];
            const double out = q.b0 * in + z1;
            z1 = q.b1 * in - q.a1 * out + z2;
            z2 = q.b2 * in - q.a2 * out;
            x[i] = (float)out;
        }
    }
}

/* The SNR reference band of synth.h: 4th-order 20 Hz high-pass and 4th-order
 * low-pass at min(450, 0.45 fs). */
static inline void snr_band_filter(float *x, size_t n, double fs)
{
    fasc_biquad sos[4];
    size_t ns = 0;
    const double hi = 0.45 * fs < 450.0 ? 0.45 * fs : 450.0;
    fasc_filter_butterworth(FASC_FILTER_HIGHPASS, 4, 20.0, 0.0, fs, sos, 2, &ns);
    sos_filter(sos, ns, x, n);
    fasc_filter_butterworth(FASC_FILTER_LOWPASS, 4, hi, 0.0, fs, sos, 2, &ns);
    sos_filter(sos, ns, x, n);
}

#endif
