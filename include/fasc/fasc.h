/**
 * @file fasc.h
 * The composed detector: filter bank -> spike detector -> event classifier
 * in one streaming object. Feed it raw sEMG in µV; take finished,
 * classified events (fasciculations with their motor unit, voluntary
 * activity, ECG beats, movement, electrode pops, noise) and excluded
 * epochs.
 *
 * ### Time base and latency
 * Every index in a fasc_event is an input sample index (at the input rate,
 * counted from init or reset), whatever decimation the filter bank applies.
 * An event is handed out at most fasc_latency() input samples after its
 * offset was fed (by the process call that consumes that sample): the
 * filter bank's decimation delay and the classifier's delay, which waits
 * for candidates that reach it the detector's latency (plus, with
 * `remove_ecg`, the heartbeat horizon) after their offset. Each candidate is
 * handed to the classifier exactly when the classifier's own position
 * reaches that point, which keeps the results independent of block sizes.
 * With the defaults at 2048 Hz: 2560 samples, 1.25 s.
 *
 * ### Streaming contract
 * `process` takes any block length; events are identical for any block
 * split. No allocation after init (the caller-allocated form allocates
 * nothing at all), no locks, no I/O. NaN / Inf inputs are replaced by 0
 * and counted; flat, clipped and saturated stretches become artefact
 * epochs.
 *
 * @code
 *   fasc_config cfg;
 *   fasc_config_default(&cfg);
 *   cfg.sample_rate = 2048; cfg.channels = 8;
 *   fasc *f;
 *   if (fasc_create(&cfg, &f) != FASC_OK) return;
 *   fasc_process(f, (const float *const *)x, n);   // repeatedly
 *   fasc_flush(f);
 *   fasc_event ev;
 *   while (fasc_next(f, &ev, NULL, 0) == 1) use(&ev);
 *   fasc_destroy(&f);
 * @endcode
 */
#ifndef FASC_FASC_H
#define FASC_FASC_H

#include <stdbool.h>
#include <stddef.h>

#include "fasc/classifier.h"
#include "fasc/common.h"
#include "fasc/detector.h"
#include "fasc/filterbank.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration of the whole chain; start from fasc_config_default(). */
typedef struct fasc_config {
    double sample_rate;     /**< input rate, Hz (default 2048) */
    int channels;           /**< 1..FASC_MAX_CHANNELS (default 1) */
    fasc_geometry geometry; /**< electrode layout (default LINE) */
    int grid_rows, grid_cols;
    fasc_mains mains;       /**< default FASC_MAINS_AUTO */
    /** ECG cancellation: subtract each confirmed heartbeat's template from
     *  the signal before the detector sees it, which then trails the
     *  classifier by fasc_classifier_heartbeat_horizon() (default false).
     *  Measured with bench_classifier_accuracy (--all-artefacts, 20 dB, 10
     *  min, seeds 1-3): with it and the common median off, scorable FPs
     *  found 0.85 instead of 0.77, but precision 0.83 instead of 0.87 and
     *  1.0 instead of 0.4 false fasciculations per minute on recordings
     *  without any (residues of imperfectly removed beats). */
    bool remove_ecg;
    /** Stage settings. Their sample_rate, channels, geometry, mains and
     *  prefilter fields are set by fasc_init() from the fields above. The
     *  defaults differ from the detector's own in two fields: the common
     *  median is on (heartbeats, movement and pops reach every lead) with
     *  common_median_band 2 (weak units spread over a few leads keep their
     *  size; see the README's composed figures). */
    fasc_filterbank_config filterbank;
    fasc_detector_config detector;
    fasc_classifier_config classifier;
} fasc_config;

/** One finished event or epoch, in input samples. */
typedef struct fasc_event {
    fasc_index onset, peak, offset; /**< input sample indices */
    int channel;          /**< main channel, 0-based; -1: all channels */
    fasc_class cls;
    bool epoch;           /**< excluded epoch or heartbeat span, not a discharge */
    int unit;             /**< 1-based motor unit of a fasciculation, else 0 */
    bool repeat;          /**< repeat discharge (10-110 ms after its unit's last) */
    float peak_to_peak_uv;
    float confidence;     /**< [0, 1] */
    float noise_sd_uv;    /**< noise σ of the main channel */
    unsigned flags;       /**< FASC_DETECTION_* bits */
    int channel_count;
    int channels[FASC_DETECTOR_MAX_EVENT_CHANNELS];
    fasc_features features;
} fasc_event;

typedef struct fasc fasc;

/** Defaults of every stage, 2048 Hz, one channel; nothing for NULL.
 *  The filter bank's sub-bands are off (band_count 0): no stage needs them.
 *  The detector's common-median reference is on (it is skipped for fewer
 *  than three channels): heartbeats, movement and reference-electrode pops
 *  reach every lead, and without it a discharge within ~50 ms of one merges
 *  into it (on --all-artefacts recordings it raised the share of scorable
 *  FPs found from 0.70 to 0.75 and cut ECG-driven candidates 30-fold). */
FASC_API void fasc_config_default(fasc_config *cfg);

/**
 * Checks a configuration as fasc_init() does. Returns FASC_OK or
 * FASC_ERR_INVALID_ARGUMENT; `why` (may be NULL) receives a static text
 * naming the first field out of range by its path in fasc_config
 * ("detector.threshold: must be 0 to 20"), or "ok".
 */
FASC_API int fasc_config_check(const fasc_config *cfg, const char **why);

/** Bytes fasc_init() needs; 0 for NULL or an invalid configuration. */
FASC_API size_t fasc_memory_size(const fasc_config *cfg);

/** Builds the chain in caller memory (any alignment). @return FASC_OK,
 *  FASC_ERR_INVALID_ARGUMENT or FASC_ERR_BUFFER_TOO_SMALL. */
FASC_API int fasc_init(void *memory, size_t size, const fasc_config *cfg, fasc **out);

/** Allocates and builds the chain. @return FASC_OK, INVALID_ARGUMENT or NO_MEMORY. */
FASC_API int fasc_create(const fasc_config *cfg, fasc **out);

/** Frees an object made by fasc_create and NULLs *f; safe on NULL. */
FASC_API void fasc_destroy(fasc **f);

/** Back to the state right after init. Safe on NULL. */
FASC_API void fasc_reset(fasc *f);

/** Consumes n samples per channel (planar, µV). Does not allocate.
 *  @return FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_STATE after flush. */
FASC_API int fasc_process(fasc *f, const float *const *x, size_t n);

/** As fasc_process() with interleaved samples (x[t * channels + c]). */
FASC_API int fasc_process_interleaved(fasc *f, const float *x, size_t n);

/**
 * Two-pass scoring: after a whole recording has been fed (not flushed),
 * starts it again from its first sample with everything the chain learnt
 * kept: noise levels, mains, the detector's and the classifier's unit
 * templates and numbers, heartbeat templates. Events of the first pass
 * still pending are dropped; indices, totals and unit counts restart at 0.
 * Feed the recording again, then flush. A unit's first discharges are then
 * matched against a template learnt from all of them (see the README).
 * The jump where the recording's end meets its start is bridged
 * (fasc_filterbank_join, fasc_classifier_join): it is neither a discharge
 * nor a movement.
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_STATE after flush.
 */
FASC_API int fasc_restart(fasc *f);

/** End of input: every pending event is finished. Process then fails
 *  until reset. */
FASC_API int fasc_flush(fasc *f);

/**
 * Pops the next finished event, in order of time.
 * @param snippet  receives the main channel's waveform (µV, at the working
 *                 rate, fasc_snippet_length() samples from
 *                 peak - snippet_pre_s); may be NULL when capacity is 0.
 *                 Epochs write nothing.
 * @return 1 if an event was popped, 0 if none is ready, or a negative
 *         status (FASC_ERR_BUFFER_TOO_SMALL: capacity short for an event
 *         with a snippet, which stays queued; epochs need none).
 */
FASC_API int fasc_next(fasc *f, fasc_event *ev, float *snippet, size_t capacity);

/** Samples of the snippet fasc_next() writes (0 for NULL). */
FASC_API size_t fasc_snippet_length(const fasc *f);

/** Worst delay, in input samples, between an event's offset and the call
 *  that finishes it (0 for NULL). */
FASC_API fasc_index fasc_latency(const fasc *f);

/** Working rate of the detector and classifier (Hz; 0 for NULL). */
FASC_API double fasc_working_rate(const fasc *f);

/** The stages, for their query functions (read only). */
FASC_API const fasc_filterbank *fasc_get_filterbank(const fasc *f);
FASC_API const fasc_detector *fasc_get_detector(const fasc *f);
FASC_API const fasc_classifier *fasc_get_classifier(const fasc *f);

/** Events lost anywhere in the chain because a queue was full (since
 *  fasc_restart(), if it was called). */
FASC_API uint64_t fasc_dropped(const fasc *f);

#ifdef __cplusplus
}
#endif

#endif /* FASC_FASC_H */
