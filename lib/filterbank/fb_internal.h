/* Internal layout of fasc_filterbank, shared by its source files and
 * reachable from the tests (which link the static library). */
#ifndef FASC_FB_INTERNAL_H
#define FASC_FB_INTERNAL_H

#include <stdint.h>

#include "fasc/filterbank.h"
#include "fb_kernels.h"

/* Working samples between the points where states are flushed and checked
 * and the automatic mains decision may happen. */
#define FB_CHUNK 64
/* States below this (µV) are set to zero at each chunk end: 1e-25 is far
 * under any signal, and even the slowest pole cannot carry such a state
 * into the subnormal range (< 1.2e-38) within one chunk. */
#define FB_FLUSH_LEVEL 1e-25f
#define FB_MAX_NOTCHES 8
#define FB_MAX_BAND_ORDER 8
#define FB_MAX_SECTIONS                                                        \
    (FASC_FILTER_MAX_ORDER + FB_MAX_NOTCHES +                                  \
     FASC_FILTERBANK_MAX_BANDS * FB_MAX_BAND_ORDER)
#define FB_ALIGN 64
/* The anti-alias FIR for the largest factor, 48000 / 2000 = 24, has 603
 * taps; config validation keeps every design within this. */
#define FB_MAX_FIR_TAPS 1024
#define FB_MAX_LANES 16

/* Everything derived from a valid configuration, before any memory. */
typedef struct fb_design {
    int channels, streams, decimation, fir_taps;
    double input_rate, rate;
    double highpass_hz, lowpass_hz;  /* effective; 0 = off */
    int hp_sections, lp_sections, notch_slots, bands, band_sections;
    double band_low[FASC_FILTERBANK_MAX_BANDS];
    double band_high[FASC_FILTERBANK_MAX_BANDS];
    fasc_mains mains;                /* configured mode */
    int notches[2];                  /* kept harmonics of 50 and 60 Hz */
    fasc_biquad notch_sos[2][FB_MAX_NOTCHES];
    fasc_index decision_index, goertzel_start;
    int sections;                    /* total */
    fasc_biquad sos[FB_MAX_SECTIONS]; /* notch slots: identity until used */
} fb_design;

struct fasc_filterbank {
    fb_design d;
    fb_kernels k;
    fb_plan plan;
    int groups, lanes;
    fasc_mains mains_active;
    fasc_index in_index, out_index;
    size_t fir_pos;
    float *coef, *state, *fir, *history, *xin, *xw, *ys;
    uint64_t *nonfinite;
    double *goertzel;               /* [channel][bin][2] */
    /* join (join.c): per lane-padded channel, the last input fed and the
     * jump being bridged; the input index of the join, -1 when none */
    float *join_last, *join_step;
    fasc_index join_at;
    fasc_index join_len;
    int join_pending;               /* the first sample after it is not in yet */
    void *allocation;               /* set by create */
};

/* The design of a configuration; *why (may be NULL) as
 * fasc_filterbank_config_check() gives it. */
int fasc_fb_design_from_config(const fasc_filterbank_config *cfg, fb_design *d, const char **why);
size_t fasc_fb_memory_size_isa(const fasc_filterbank_config *cfg, fb_isa isa);
int fasc_fb_init_isa(void *memory, size_t size, const fasc_filterbank_config *cfg,
                fb_isa isa, fasc_filterbank **fb);
int fasc_fb_create_isa(const fasc_filterbank_config *cfg, fb_isa isa,
                  fasc_filterbank **fb);

/* Writes sections [first, first + count) of d->sos into the lane-broadcast
 * coefficient array. */
void fasc_fb_load_coefficients(fasc_filterbank *fb, int first, int count);
void fasc_fb_state_clear(fasc_filterbank *fb, int first_section, int count);

/* Zeroes |state| < FB_FLUSH_LEVEL in n floats; returns whether any is not
 * finite. */
int fasc_fb_flush_tiny(float *state, size_t n);

/* Applies a pending join to the gathered input of `group` (n samples in
 * fb->xin) and remembers its last samples; see fasc_filterbank_join(). */
void fasc_fb_bridge(fasc_filterbank *fb, int group, size_t n);

int fasc_fb_goertzel_bins(const fb_design *d);
void fasc_fb_mains_accumulate(fasc_filterbank *fb, int group, const float *y0,
                         fasc_index w0, size_t m);
void fasc_fb_mains_decide(fasc_filterbank *fb);

#endif
