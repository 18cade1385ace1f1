/**
 * @file filterbank.h
 * First stage of libfasc: IIR filter design and the streaming filter bank.
 *
 * Two parts:
 *  - **Design functions** (`fasc_filter_*`): Butterworth low-, high-,
 *    band-pass and band-stop filters of order 1..FASC_FILTER_MAX_ORDER by the
 *    bilinear transform with pre-warping, and second-order mains notches,
 *    returned as cascades of second-order sections (`fasc_biquad`). They do
 *    not allocate and may be used by any module.
 *  - **The filter bank object** (`fasc_filterbank_*`): per channel, a
 *    pre-filter (high-pass, low-pass, optional mains notches) giving the
 *    broadband signal, followed by B Butterworth band-pass sub-bands.
 *
 * ### Coefficient sign convention
 * `fasc_biquad` uses the scipy / MATLAB convention: a section computes
 * @code
 *   y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]
 * @endcode
 * i.e. H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2), as in
 * the rows [b0 b1 b2 1 a1 a2] of scipy.signal's `sos` arrays. (CMSIS-DSP
 * stores -a1, -a2: negate them when exchanging coefficients with it.)
 * A first-order section has b2 = a2 = 0.
 *
 * ### Output layout of the filter bank
 * The bank produces S = 1 + B *streams* per channel: stream 0 is the
 * pre-filtered broadband signal, stream 1 + b is sub-band b. The caller
 * passes S * channels output pointers, **stream-major**:
 * @code
 *   output[s * channels + c]   = stream s of channel c
 * @endcode
 * so `output + s * channels` is itself an ordinary planar multichannel block
 * (`float *const *`, one pointer per channel) that the next stage can take.
 *
 * ### Time base
 * Inputs are absolute sample indices n = 0, 1, ... at the input rate fs,
 * counted from creation or the last reset. If fs exceeds
 * `working_rate_max` (default 8000 Hz), the bank first applies a linear-phase
 * FIR anti-alias filter and keeps every D-th sample, D =
 * ceil(fs / working_rate_max) (D = 6 at 44.1 and 48 kHz), so that every
 * IIR filter runs at the working rate fs / D. Output sample k:
 *  - is produced by the `process` call that consumes input sample k * D
 *    (it depends on inputs up to and including k * D), so a block of n
 *    inputs starting at absolute index t0 yields exactly
 *    ceil((t0 + n) / D) - ceil(t0 / D) output samples;
 *  - represents input time `fasc_filterbank_input_index(fb, k)` =
 *    k * D - L, where L = `fasc_filterbank_latency(fb)` = (taps - 1) / 2
 *    input samples is the exact, frequency-independent group delay of the
 *    anti-alias FIR. Without decimation D = 1, L = 0 and output k is input
 *    sample k. The IIR filters are causal and their (frequency-dependent)
 *    group delay is not compensated, exactly as for any causal filter.
 *
 * ### Streaming contract
 * `process` accepts any block length including 0 and 1; the output is
 * bit-identical whatever the block sizes. It does not allocate, lock, print
 * or do I/O. Internally the bank advances in chunks aligned to multiples of
 * 64 working samples (absolute), at whose ends tiny IIR states (below
 * 1e-25 µV) are flushed to zero so that silence never runs on subnormal
 * numbers, independently of the CPU's flush-to-zero mode.
 *
 * ### Arithmetic and speed
 * Filtering runs in single precision (transposed direct form II) with the
 * coefficients designed in double. Channels are processed as SIMD lanes;
 * the instruction set is chosen at init from the CPU (AVX2 + FMA on
 * x86-64 when present, portable 4-lane vectors otherwise). Results on
 * different CPUs therefore differ by rounding only (tested: within 5e-4 of
 * each stream's peak against the scalar reference), while on one machine
 * they are bit-identical run to run and whatever the block sizes.
 *
 * ### Non-finite input
 * A NaN or ±Inf input sample is replaced by 0 and counted per channel
 * (`fasc_filterbank_nonfinite_count`); finite inputs are clamped to
 * ±FASC_FILTERBANK_INPUT_LIMIT µV so that no filter state can overflow.
 * Should a channel's state nevertheless become non-finite, it is reset to
 * zero at the next 64-sample boundary and the event is counted in the same
 * counter; the channel recovers after the filters' transient.
 *
 * ### Mains notch
 * With FASC_MAINS_50HZ or FASC_MAINS_60HZ, second-order notches at the
 * fundamental and its harmonics (up to `mains_harmonics` of them, those
 * below the working Nyquist frequency) follow the high- and low-pass. With
 * FASC_MAINS_AUTO, the notch stage passes the signal unchanged until working
 * sample index `fasc_filterbank_mains_decision_index(fb)` (the configured
 * time rounded up to a multiple of 64 samples). At that index the bank
 * compares the Goertzel power of all channels at 50 Hz and its harmonics
 * with that at 60 Hz and its harmonics, measured on the pre-filtered signal
 * over the last three quarters of the window, and switches the notches on
 * (from zero state) for the larger one; a tie, including silence, selects
 * 50 Hz. The choice is deterministic and independent of block sizes.
 *
 * ### Usage
 * @code
 *   fasc_filterbank_config cfg;
 *   fasc_filterbank_config_default(&cfg);
 *   cfg.sample_rate = 2048.0;
 *   cfg.channels = 64;
 *   fasc_filterbank *fb = NULL;
 *   if (fasc_filterbank_create(&cfg, &fb) != FASC_OK) return;
 *   // out: (1 + cfg.band_count) * 64 pointers, each with room for
 *   // fasc_filterbank_max_output(fb, n) samples
 *   size_t produced;
 *   fasc_filterbank_process(fb, in, n, out, capacity, &produced);
 *   fasc_filterbank_destroy(&fb);
 * @endcode
 */
#ifndef FASC_FILTERBANK_H
#define FASC_FILTERBANK_H

#include <stddef.h>
#include <stdint.h>

#include "fasc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Filter design                                                       */
/* ------------------------------------------------------------------ */

/** Highest Butterworth order accepted by the design functions. */
#define FASC_FILTER_MAX_ORDER 16

/** One second-order section, scipy/MATLAB sign convention (see above). */
typedef struct fasc_biquad {
    double b0, b1, b2; /**< numerator */
    double a1, a2;     /**< denominator, a0 = 1 */
} fasc_biquad;

/** Butterworth response type. */
typedef enum fasc_filter_type {
    FASC_FILTER_LOWPASS = 0,
    FASC_FILTER_HIGHPASS = 1,
    FASC_FILTER_BANDPASS = 2,
    FASC_FILTER_BANDSTOP = 3
} fasc_filter_type;

/**
 * Number of second-order sections of a Butterworth filter: ceil(order / 2)
 * for low- and high-pass, `order` for band-pass and band-stop.
 * @return the count, or FASC_ERR_INVALID_ARGUMENT for an unknown type or an
 *         order outside 1..FASC_FILTER_MAX_ORDER.
 */
FASC_API int fasc_filter_butterworth_sections(fasc_filter_type type, int order);

/**
 * Designs a digital Butterworth filter by the bilinear transform with
 * frequency pre-warping (the cutoffs are exact -3.01 dB points).
 *
 * @param type       response type
 * @param order      1..FASC_FILTER_MAX_ORDER (band filters: order of the
 *                   low-pass prototype; the filter has 2 * order poles)
 * @param f1_hz      cutoff (low/high-pass) or lower edge (band filters)
 * @param f2_hz      upper edge for band filters, ignored otherwise
 * @param fs_hz      sample rate, > 0
 * @param sos        output sections; the overall gain is spread over them
 *                   (each section has unit gain at DC for a low-pass, at
 *                   Nyquist for a high-pass, at the centre sqrt(f1 f2)
 *                   (pre-warped) for a band-pass and at DC for a band-stop);
 *                   a first-order section, if any, comes first
 * @param capacity   number of elements of `sos`
 * @param n_sections receives the number of sections written (may be NULL)
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT for NULL `sos`, a bad order or
 *         type, or edges not satisfying 0 < f1 (< f2) < fs / 2;
 *         FASC_ERR_BUFFER_TOO_SMALL if capacity is below
 *         fasc_filter_butterworth_sections().
 */
FASC_API int fasc_filter_butterworth(fasc_filter_type type, int order,
                                     double f1_hz, double f2_hz, double fs_hz,
                                     fasc_biquad *sos, size_t capacity,
                                     size_t *n_sections);

/**
 * Second-order IIR notch at f0 with quality factor q (-3 dB bandwidth
 * f0 / q), unit gain at DC and Nyquist and a zero exactly at f0 — the same
 * filter as scipy.signal.iirnotch(f0, q, fs).
 * @return FASC_OK, or FASC_ERR_INVALID_ARGUMENT for NULL `section`,
 *         q <= 0, or f0 not in (0, fs / 2).
 */
FASC_API int fasc_filter_notch(double f0_hz, double q, double fs_hz,
                               fasc_biquad *section);

/**
 * Notches at mains_hz and its harmonics k * mains_hz, k = 1..harmonics,
 * keeping those strictly below fs / 2; every notch has the quality factor q.
 * @param n_sections receives the count written (may be NULL); it is smaller
 *                   than `harmonics` when some harmonics reach Nyquist.
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT for NULL `sos`, harmonics
 *         outside 1..64, q <= 0, fs <= 0 or mains_hz not in (0, fs / 2);
 *         FASC_ERR_BUFFER_TOO_SMALL if the kept notches do not fit.
 */
FASC_API int fasc_filter_mains_notches(double mains_hz, int harmonics, double q,
                                       double fs_hz, fasc_biquad *sos,
                                       size_t capacity, size_t *n_sections);

/**
 * Complex frequency response H(e^{j 2 pi f / fs}) of a cascade of sections
 * (an empty cascade has H = 1).
 * @param re, im receive the real and imaginary parts (either may be NULL)
 * @return FASC_OK, or FASC_ERR_INVALID_ARGUMENT for NULL `sos` with
 *         n_sections > 0, fs <= 0 or f outside [0, fs / 2].
 */
FASC_API int fasc_filter_response(const fasc_biquad *sos, size_t n_sections,
                                  double f_hz, double fs_hz, double *re,
                                  double *im);

/**
 * |H| of a cascade at f (see fasc_filter_response); returns a negative
 * value (-1.0) for invalid arguments.
 */
FASC_API double fasc_filter_magnitude(const fasc_biquad *sos,
                                      size_t n_sections, double f_hz,
                                      double fs_hz);

/* ------------------------------------------------------------------ */
/* Streaming filter bank                                               */
/* ------------------------------------------------------------------ */

/** Largest number of sub-bands. */
#define FASC_FILTERBANK_MAX_BANDS 16

/** Finite inputs are clamped to ± this value (µV) to exclude overflow. */
#define FASC_FILTERBANK_INPUT_LIMIT 1.0e12f

/** Mains notch mode, and the answer of fasc_filterbank_mains(). */
typedef enum fasc_mains {
    FASC_MAINS_OFF = 0,  /**< no notch */
    FASC_MAINS_AUTO = 1, /**< decide 50 or 60 Hz from the signal */
    FASC_MAINS_50HZ = 50,
    FASC_MAINS_60HZ = 60
} fasc_mains;

/** Configuration; start from fasc_filterbank_config_default(). */
typedef struct fasc_filterbank_config {
    /** input sample rate, Hz, FASC_MIN_SAMPLE_RATE..FASC_MAX_SAMPLE_RATE
     *  (default 2048) */
    double sample_rate;
    /** 1..FASC_MAX_CHANNELS (default 1) */
    int channels;
    /** inputs faster than this are decimated by ceil(fs / value); Hz,
     *  2000..48000 (default 8000) */
    double working_rate_max;
    /** pre-filter high-pass cutoff, Hz (default 20) */
    double highpass_hz;
    /** 0 (high-pass off) ..FASC_FILTER_MAX_ORDER (default 2) */
    int highpass_order;
    /** pre-filter low-pass cutoff, Hz (default 450); values above
     *  0.45 x working rate are lowered to that */
    double lowpass_hz;
    /** 0 (low-pass off) ..FASC_FILTER_MAX_ORDER (default 4) */
    int lowpass_order;
    /** mains notch mode (default FASC_MAINS_AUTO) */
    fasc_mains mains;
    /** notches at f0, 2 f0, ... this many (1..8, default 3) */
    int mains_harmonics;
    /** notch quality factor, 1..1000 (default 30: 1.7 Hz wide at 50 Hz) */
    double notch_q;
    /** length of the FASC_MAINS_AUTO analysis, seconds, 0.25..10
     *  (default 1) */
    double mains_decision_s;
    /** number of sub-bands, 0..FASC_FILTERBANK_MAX_BANDS (default 4) */
    int band_count;
    /** Butterworth band-pass order of every sub-band, 1..8 (default 2:
     *  4 poles, 2 sections per band) */
    int band_order;
    /** sub-band edges, Hz, 0 < low < high < working rate / 2. If all are
     *  0 (the default), the bands are log-spaced, contiguous, from the
     *  effective high-pass to the effective low-pass cutoff (20..450 Hz:
     *  20, 43.6, 94.9, 206.7, 450 for four bands). */
    double band_low_hz[FASC_FILTERBANK_MAX_BANDS];
    double band_high_hz[FASC_FILTERBANK_MAX_BANDS];
} fasc_filterbank_config;

/** Opaque filter bank. */
typedef struct fasc_filterbank fasc_filterbank;

/**
 * Fills `cfg` with the defaults listed in fasc_filterbank_config.
 * Does nothing if cfg is NULL.
 *
 * The default pre-filter (2nd-order 20 Hz high-pass, 4th-order 450 Hz
 * low-pass, three notches) and 2nd-order bands cost 14 sections per sample
 * and channel; steeper defaults would not sharpen detection (fasciculation
 * potentials span the whole band) but would cost speed and ring longer.
 */
FASC_API void fasc_filterbank_config_default(fasc_filterbank_config *cfg);

/**
 * Checks a configuration as fasc_filterbank_init() does. Returns FASC_OK
 * or FASC_ERR_INVALID_ARGUMENT; `why` (may be NULL) receives a static text
 * naming the first field out of range and its range, as
 * "filterbank.<field>: ...", or "ok".
 */
FASC_API int fasc_filterbank_config_check(const fasc_filterbank_config *cfg, const char **why);

/**
 * Bytes of caller memory fasc_filterbank_init() needs for `cfg`, including
 * alignment slack; 0 if the configuration is invalid or cfg is NULL.
 */
FASC_API size_t fasc_filterbank_memory_size(const fasc_filterbank_config *cfg);

/**
 * Builds a filter bank inside caller memory (any alignment). The object
 * lives until the memory is released; it must not be destroyed.
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT for NULL pointers or an
 *         invalid configuration (*fb then unchanged);
 *         FASC_ERR_BUFFER_TOO_SMALL if size < fasc_filterbank_memory_size().
 */
FASC_API int fasc_filterbank_init(void *memory, size_t size,
                                  const fasc_filterbank_config *cfg,
                                  fasc_filterbank **fb);

/**
 * Allocates and builds a filter bank (the only allocation).
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT or FASC_ERR_NO_MEMORY.
 */
FASC_API int fasc_filterbank_create(const fasc_filterbank_config *cfg,
                                    fasc_filterbank **fb);

/** Frees a bank made by create and sets *fb to NULL; safe on NULL. */
FASC_API void fasc_filterbank_destroy(fasc_filterbank **fb);

/**
 * Returns the bank to the state right after init: filter states, time
 * base, automatic mains decision and non-finite counters. Safe on NULL.
 */
FASC_API void fasc_filterbank_reset(fasc_filterbank *fb);

/**
 * Filters one block of planar input.
 * @param input    `channels` pointers, each to n samples (µV); may be NULL
 *                 when n == 0
 * @param n        number of input samples per channel, any value
 * @param output   (1 + band_count) * channels pointers, stream-major (see
 *                 the file documentation); samples are written from index
 *                 0 of each; output buffers must not overlap the input
 * @param capacity samples available in each output buffer
 * @param n_out    receives the number of output samples written per stream
 *                 (may be NULL)
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT for NULL pointers;
 *         FASC_ERR_BUFFER_TOO_SMALL (nothing consumed) if capacity is below
 *         the number of outputs the block produces (at most
 *         fasc_filterbank_max_output(fb, n)).
 * Does not allocate.
 */
FASC_API int fasc_filterbank_process(fasc_filterbank *fb,
                                     const float *const *input, size_t n,
                                     float *const *output, size_t capacity,
                                     size_t *n_out);

/**
 * As fasc_filterbank_process() with interleaved input:
 * sample t of channel c is input[t * channels + c].
 */
FASC_API int fasc_filterbank_process_interleaved(fasc_filterbank *fb,
                                                 const float *input, size_t n,
                                                 float *const *output,
                                                 size_t capacity,
                                                 size_t *n_out);

/**
 * The next input sample does not follow the last one (a second pass from
 * the start of a recording, a gap). The jump between them is bridged: each
 * channel's input is offset by it, fading out over 0.5 s as a raised
 * cosine, so the filters see no step and ring on nothing (a step through
 * the 20 Hz high-pass would ring for tens of ms, like a discharge).
 * Called before any input, the bridge starts from 0. Does not allocate.
 * @return FASC_OK, or FASC_ERR_INVALID_ARGUMENT for NULL.
 */
FASC_API int fasc_filterbank_join(fasc_filterbank *fb);

/** Streams per channel, 1 + band_count (0 for NULL). */
FASC_API int fasc_filterbank_streams(const fasc_filterbank *fb);

/** Channel count (0 for NULL). */
FASC_API int fasc_filterbank_channels(const fasc_filterbank *fb);

/** Decimation factor D >= 1 (0 for NULL). */
FASC_API int fasc_filterbank_decimation(const fasc_filterbank *fb);

/** Output (working) sample rate fs / D in Hz (0 for NULL). */
FASC_API double fasc_filterbank_output_rate(const fasc_filterbank *fb);

/**
 * Group delay of the decimation stage in input samples (0 without
 * decimation, 0 for NULL).
 */
FASC_API fasc_index fasc_filterbank_latency(const fasc_filterbank *fb);

/** Input sample index represented by output index k: k * D - latency. */
FASC_API fasc_index fasc_filterbank_input_index(const fasc_filterbank *fb,
                                                fasc_index k);

/** Upper bound of the outputs a block of n inputs produces: ceil(n / D). */
FASC_API size_t fasc_filterbank_max_output(const fasc_filterbank *fb,
                                           size_t n);

/**
 * Mains frequency in use: FASC_MAINS_OFF, FASC_MAINS_50HZ, FASC_MAINS_60HZ,
 * or FASC_MAINS_AUTO while the automatic decision is still pending.
 */
FASC_API fasc_mains fasc_filterbank_mains(const fasc_filterbank *fb);

/**
 * Output sample index from which the automatically chosen notch acts
 * (-1 unless the mode is FASC_MAINS_AUTO).
 */
FASC_API fasc_index fasc_filterbank_mains_decision_index(
    const fasc_filterbank *fb);

/**
 * Non-finite input samples replaced in `channel` plus state resets of that
 * channel since init or reset (0 for NULL or a bad channel).
 */
FASC_API uint64_t fasc_filterbank_nonfinite_count(const fasc_filterbank *fb,
                                                  int channel);

/**
 * Effective edges of stream s after clipping: stream 0 gives the
 * pre-filter's high- and low-pass cutoffs (0 when that filter is off),
 * stream 1 + b the edges of band b.
 * @return FASC_OK or FASC_ERR_INVALID_ARGUMENT.
 */
FASC_API int fasc_filterbank_edges(const fasc_filterbank *fb, int stream,
                                   double *low_hz, double *high_hz);

/**
 * |H| at f (Hz, 0..output_rate / 2) of the IIR path producing stream s, at
 * the working rate (designed coefficients in double precision; the notches
 * count only once chosen).
 * @return FASC_OK or FASC_ERR_INVALID_ARGUMENT.
 */
FASC_API int fasc_filterbank_magnitude(const fasc_filterbank *fb, int stream,
                                       double f_hz, double *magnitude);

/**
 * The sections of the broadband chain (stream 0): high-pass, low-pass and
 * mains notches, in the order they run, at the working rate; what a later
 * stage needs to undo their phase (see fasc_detector_config.prefilter).
 * With FASC_MAINS_AUTO the notch sections are identity sections until the
 * decision (fasc_filterbank_mains_decision_index()), the chosen notches
 * after it.
 * @param n_sections receives the number of sections (may be NULL)
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT for NULL fb (or NULL sos with
 *         capacity > 0); FASC_ERR_BUFFER_TOO_SMALL if capacity is short
 *         (*n_sections still set).
 */
FASC_API int fasc_filterbank_prefilter(const fasc_filterbank *fb, fasc_biquad *sos,
                                       size_t capacity, size_t *n_sections);

#ifdef __cplusplus
}
#endif

#endif /* FASC_FILTERBANK_H */
