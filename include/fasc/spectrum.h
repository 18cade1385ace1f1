/**
 * @file spectrum.h
 * Welch power spectral density of multichannel surface EMG (FFTW, single
 * precision) and what is derived from it: the mains line (50 vs 60 Hz, its
 * power and that of its harmonics), the noise floor, and the mean and median
 * frequency. Part of libfasc-analysis (links fftw3f), not of the core.
 *
 * Welch's method (Welch 1967): the stream is cut into segments of
 * `segment_length` samples overlapping by `overlap`; each segment has its
 * mean removed, is multiplied by a periodic Hann window and transformed; the
 * squared magnitudes are averaged. The one-sided density is scaled like
 * `scipy.signal.welch(x, fs, window='hann', detrend='constant',
 * scaling='density')`:
 *
 *     P[k] = c_k |X[k]|² / (fs Σ w[n]²),  c_k = 1 at DC and Nyquist, else 2
 *
 * so that Σ_k P[k]·Δf equals the (window-weighted) mean square of the signal
 * in µV², and white noise of variance σ² has density σ² / (fs/2).
 *
 * Streaming contract: `fasc_spectrum_process` accepts blocks of any length,
 * including 0 and 1 sample; the PSD depends only on the concatenated input,
 * never on how it was split into blocks (bit-identical). A segment is
 * analysed as soon as its last sample arrives; a trailing partial segment is
 * never used.
 *
 * Non-finite input: a segment of one channel that holds a NaN or ±Inf
 * sample (or whose spectrum overflows) is skipped for that channel and
 * counted (`fasc_spectrum_skipped`); later segments are used normally.
 *
 * Threads and FFTW: the FFT plan is made once in `fasc_spectrum_create`
 * (FFTW_ESTIMATE) and destroyed in `fasc_spectrum_destroy`, both under a
 * process-wide lock shared by all libfasc objects, so objects may be created
 * and destroyed from several threads. `process` only executes the plan: it
 * does not allocate, lock, plan or do I/O. One object must not be used by two
 * threads at once (the analysis calls write to its scratch memory). If the
 * application itself plans FFTW transforms in other threads, it must also
 * call `fftwf_make_planner_thread_safe()` (libfftw3f_threads) at start-up,
 * since the libfasc lock cannot cover planner calls made elsewhere.
 *
 * There is no caller-allocated (`memory_size` + `init`) form: FFTW needs
 * its own aligned buffers and plan memory.
 *
 * Usage:
 * @code
 *   fasc_spectrum_config cfg;
 *   fasc_spectrum_config_default(&cfg);
 *   cfg.sample_rate = 2048.0;
 *   cfg.channels = 8;
 *   fasc_spectrum *sp = NULL;
 *   if (fasc_spectrum_create(&cfg, &sp) != FASC_OK) return;
 *   while (read_block(ch, &n))                       // ch: float *ch[8]
 *       fasc_spectrum_process(sp, (const float *const *)ch, n);
 *   fasc_spectrum_mains mains;
 *   if (fasc_spectrum_mains_detect(sp, FASC_SPECTRUM_ALL_CHANNELS, &mains) == FASC_OK
 *       && mains.frequency > 0.0)
 *       use_notch(mains.frequency);
 *   fasc_spectrum_destroy(&sp);
 * @endcode
 */
#ifndef FASC_SPECTRUM_H
#define FASC_SPECTRUM_H

#include <stddef.h>
#include <stdint.h>

#include "fasc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Channel selector of the read-out calls: the mean PSD of all channels. */
#define FASC_SPECTRUM_ALL_CHANNELS (-1)

/** Range of `fasc_spectrum_config.segment_length` (samples). */
#define FASC_SPECTRUM_MIN_SEGMENT 16
#define FASC_SPECTRUM_MAX_SEGMENT 262144

/** Largest bin width (Hz) at which the mains line can be told apart:
 *  50 and 60 Hz are 10 Hz apart, and each line uses ±2 bins plus a gap. */
#define FASC_SPECTRUM_MAX_MAINS_BIN_WIDTH 2.5

/** Opaque Welch estimator. */
typedef struct fasc_spectrum fasc_spectrum;

/** Configuration; fill with `fasc_spectrum_config_default`, then change. */
typedef struct fasc_spectrum_config {
    /** Sample rate in Hz, FASC_MIN_SAMPLE_RATE..FASC_MAX_SAMPLE_RATE.
     *  Default 2048. */
    double sample_rate;
    /** Number of channels, 1..FASC_MAX_CHANNELS. Default 1. */
    size_t channels;
    /** Samples per segment (FFT length), FASC_SPECTRUM_MIN_SEGMENT..
     *  FASC_SPECTRUM_MAX_SEGMENT, any length. 0 (default) chooses the
     *  largest power of two not above the sample rate: segments of 0.5–1 s
     *  and bins of 1–2 Hz at every rate (256 at 500 Hz, 2048 at 2048 Hz,
     *  32768 at 44.1/48 kHz), fine enough to separate 50 from 60 Hz and
     *  their harmonics, short enough to average several segments from the
     *  first seconds of a recording. */
    size_t segment_length;
    /** Fraction of a segment shared with the next one, 0..0.9; the shared
     *  sample count is rounded down (scipy's `nperseg // 2` at 0.5).
     *  Default 0.5, at which periodic Hann windows sum to a constant. */
    double overlap;
    /** Band (Hz) of the noise floor and the mean/median frequency.
     *  Default 20–450 Hz, the usual surface-EMG band; `band_high_hz` is
     *  clipped to the last bin below Nyquist. After clipping, the band must
     *  hold at least 3 bins. */
    double band_low_hz;
    double band_high_hz;
    /** Lines examined per mains candidate, fundamental included, 1..64
     *  (fewer when they reach Nyquist). Default 10 (up to 500/600 Hz). */
    unsigned mains_harmonics;
    /** A mains candidate is present when, at one of its lines, the power in
     *  the line's window (±2 bins, widened to ±0.6 Hz at finer resolution
     *  for the grid frequency's wander) is at least this many dB above what
     *  the local noise floor alone puts there. The local floor is the
     *  median density of a 10 Hz wide ring on each side of the window.
     *  0..100 dB, default 10 dB: a line of amplitude A µV is found when
     *  A²/2 exceeds about 9 × 5 Δf × floor density. */
    double mains_threshold_db;
} fasc_spectrum_config;

/** Mains line measurements for one candidate frequency (50 or 60 Hz). */
typedef struct fasc_spectrum_mains_line {
    double frequency;        /**< candidate fundamental, Hz (50 or 60) */
    /** Fundamental's power above the local floor, integrated over the
     *  line's window, µV² (A²/2 for a sinusoid of amplitude A). */
    double line_power;
    double harmonic_power;   /**< sum over harmonics 2..N above floor, µV² */
    /** Largest line-to-floor ratio (dB) over the lines not shared with the
     *  other candidate (300, 600, … Hz are both 50·k and 60·m): the
     *  detection statistic compared with `mains_threshold_db`. */
    double line_to_floor_db;
    unsigned lines;          /**< lines examined (below Nyquist) */
} fasc_spectrum_mains_line;

/** Result of the mains detection. */
typedef struct fasc_spectrum_mains {
    /** 50.0 or 60.0 Hz, or 0.0 when neither candidate reaches the
     *  threshold; when both do, the one with the larger statistic. */
    double frequency;
    double line_power;       /**< chosen candidate's, µV² (0 if none) */
    double harmonic_power;   /**< chosen candidate's, µV² (0 if none) */
    fasc_spectrum_mains_line fifty;  /**< the 50 Hz candidate */
    fasc_spectrum_mains_line sixty;  /**< the 60 Hz candidate */
} fasc_spectrum_mains;

/** Summary of the PSD over the analysis band. */
typedef struct fasc_spectrum_band {
    double low_hz;            /**< band actually used (bin centres), Hz */
    double high_hz;
    /** Median PSD level in the band, µV²/Hz, corrected for the bias of the
     *  median of an averaged periodogram (see `noise_floor` in the source).
     *  Robust to lines and to a few strong bins. */
    double noise_floor;
    /** RMS (µV) that a flat density at `noise_floor` gives over the band. */
    double noise_floor_rms;
    double band_power;        /**< ∫ PSD over the band, µV² */
    /** Σ f·P / Σ P over the band, Hz; 0 if the band holds no power. */
    double mean_frequency;
    /** Frequency splitting the band's power into two equal halves
     *  (interpolated within a bin), Hz; 0 if the band holds no power. */
    double median_frequency;
} fasc_spectrum_band;

/** Fills `cfg` with the defaults above. Does nothing if `cfg` is NULL. */
FASC_API void fasc_spectrum_config_default(fasc_spectrum_config *cfg);

/**
 * Validates `cfg`, allocates the object and plans its FFT.
 * @param cfg  configuration (copied)
 * @param out  receives the object; set to NULL on error
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT (NULL or out-of-range field),
 *         FASC_ERR_NO_MEMORY, FASC_ERR_UNSUPPORTED (FFTW gave no plan)
 */
FASC_API fasc_status fasc_spectrum_create(const fasc_spectrum_config *cfg,
                                          fasc_spectrum **out);

/** Destroys `*sp` and sets it to NULL; safe on NULL and on `*sp == NULL`. */
FASC_API void fasc_spectrum_destroy(fasc_spectrum **sp);

/** Forgets all input and every average: as just created. Safe on NULL. */
FASC_API void fasc_spectrum_reset(fasc_spectrum *sp);

/**
 * Appends `n` samples of every channel (planar, µV). Does not allocate.
 * @param channels  `cfg.channels` pointers to `n` samples each (may be
 *                  NULL when `n` is 0)
 * @return FASC_OK or FASC_ERR_INVALID_ARGUMENT (NULL object, array or
 *         channel pointer); on error nothing is consumed
 */
FASC_API fasc_status fasc_spectrum_process(fasc_spectrum *sp,
                                           const float *const *channels,
                                           size_t n);

/** As `fasc_spectrum_process`, from `n` interleaved frames of
 *  `cfg.channels` samples each. */
FASC_API fasc_status fasc_spectrum_process_interleaved(fasc_spectrum *sp,
                                                       const float *frames,
                                                       size_t n);

/** Number of PSD bins, `segment_length / 2 + 1`; 0 if `sp` is NULL. */
FASC_API size_t fasc_spectrum_bins(const fasc_spectrum *sp);

/** Segment length actually used (samples); 0 if `sp` is NULL. */
FASC_API size_t fasc_spectrum_segment_length(const fasc_spectrum *sp);

/** Bin spacing Δf = sample_rate / segment_length, Hz; 0 if `sp` is NULL. */
FASC_API double fasc_spectrum_bin_width(const fasc_spectrum *sp);

/** Centre frequency of `bin` (bin · Δf), Hz; -1 if `sp` is NULL or `bin`
 *  is not below `fasc_spectrum_bins(sp)`. */
FASC_API double fasc_spectrum_bin_frequency(const fasc_spectrum *sp,
                                            size_t bin);

/** Segments averaged so far for `channel` (0-based), or summed over all
 *  channels for FASC_SPECTRUM_ALL_CHANNELS; a negative fasc_status if `sp`
 *  is NULL or `channel` is out of range. */
FASC_API int64_t fasc_spectrum_segments(const fasc_spectrum *sp, int channel);

/** Segments skipped for non-finite data, same conventions as
 *  `fasc_spectrum_segments`. */
FASC_API int64_t fasc_spectrum_skipped(const fasc_spectrum *sp, int channel);

/**
 * The averaged one-sided PSD of `channel`, in µV²/Hz, bin k at
 * `fasc_spectrum_bin_frequency(sp, k)`. FASC_SPECTRUM_ALL_CHANNELS gives the
 * mean of the channels' PSDs (channels without any segment left out).
 * Writes exactly `fasc_spectrum_bins(sp)` values; does not allocate.
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT (NULL pointer, bad channel),
 *         FASC_ERR_BUFFER_TOO_SMALL (`nbins` below `fasc_spectrum_bins`),
 *         FASC_ERR_STATE (no segment averaged yet)
 */
FASC_API fasc_status fasc_spectrum_psd(fasc_spectrum *sp, int channel,
                                       float *psd, size_t nbins);

/**
 * Noise floor, band power, mean and median frequency of `channel` (or of
 * the mean PSD) over the configured band. Does not allocate.
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_STATE (no segment)
 */
FASC_API fasc_status fasc_spectrum_band_stats(fasc_spectrum *sp, int channel,
                                              fasc_spectrum_band *out);

/**
 * Detects the mains line (50 vs 60 Hz) in the PSD of `channel` (or in the
 * mean PSD of all channels) and measures it and its harmonics; see
 * `fasc_spectrum_config.mains_threshold_db` for the decision. Reliable from
 * a few segments on (a few seconds); with one segment it is noisy.
 * Does not allocate.
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_STATE (no segment),
 *         FASC_ERR_UNSUPPORTED (bins wider than
 *         FASC_SPECTRUM_MAX_MAINS_BIN_WIDTH: segment too short)
 */
FASC_API fasc_status fasc_spectrum_mains_detect(fasc_spectrum *sp,
                                                int channel,
                                                fasc_spectrum_mains *out);

/**
 * One call over a whole planar recording: creates an estimator with `cfg`,
 * feeds it `n` samples of each of `cfg->channels` channels, detects the
 * mains line in the mean PSD of all channels, and destroys the estimator.
 * Allocates and plans (not for a real-time loop).
 * @return as `fasc_spectrum_create` and `fasc_spectrum_mains_detect`;
 *         FASC_ERR_STATE when `n` is shorter than one segment
 */
FASC_API fasc_status fasc_spectrum_mains_detect_buffer(
    const fasc_spectrum_config *cfg, const float *const *channels, size_t n,
    fasc_spectrum_mains *out);

#ifdef __cplusplus
}
#endif

#endif /* FASC_SPECTRUM_H */
