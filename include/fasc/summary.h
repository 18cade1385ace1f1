/**
 * @file summary.h
 * What a scored recording amounts to (analysis library, libc + libm):
 * counts and rates of fasciculations per channel, per motor unit and per
 * epoch (one minute by default), scorable and excluded time, doublets, and
 * a quality grade with its reasons. fasc-score fills one per recording
 * from the composed detector's events and writes it as JSON.
 *
 * Feed every event fasc_next() returns (fasc_summary_add), tell it the
 * facts the events do not carry (noise, merged units, non-finite samples,
 * dropped events), then fasc_summary_finish() with the recording's length.
 * Queries are valid after finish.
 *
 * ### Definitions
 * - *Excluded* time of a channel: the union of the epochs (events with
 *   `epoch` set) of class voluntary, movement, electrode_pop or noise on
 *   that channel or on all channels (channel -1). ECG epochs (heartbeat
 *   spans) do not exclude time. *Scorable* time is the rest.
 * - Overall scorable time: time at which at least one channel is
 *   scorable; overall excluded time is the rest of the recording.
 * - A fasciculation counts on its main channel; overall counts are the
 *   sums. Rates are per minute of scorable time (0 when there is none).
 * - *Doublets*: fasciculations flagged `repeat` (a discharge of the same
 *   unit 10-110 ms after its previous one).
 * - Units: the `unit` numbers of fasciculations, after folding the merges
 *   reported with fasc_summary_merge_unit(), that have at least
 *   `unit_min_discharges` discharges (the others' discharges still count
 *   as fasciculations); a unit belongs to the channel that was the main
 *   channel of most of its discharges.
 * - Epoch k covers [k·epoch_s, (k+1)·epoch_s) of the recording (the last
 *   one may be shorter); its rate uses the overall scorable time inside
 *   it; its amplitude quartiles are those of its fasciculations'
 *   peak-to-peak values (linear interpolation between order statistics;
 *   0 when it has none).
 *
 * ### Quality grade
 * "good", "fair" or "poor", with one reason per finding:
 * - scorable time below 50 % of the recording: fair; below 20 %: poor;
 * - overall: less than 5 minutes of scorable time: fair (rates of a few
 *   fasciculations per minute need several minutes to mean anything);
 * - noise RMS above 20 µV: fair; above 50 µV: poor (sEMG at rest is a
 *   few µV RMS with good skin contact); 0 (never estimated, e.g. a flat
 *   channel): poor;
 * - overall: any non-finite sample, or any event dropped by a full queue:
 *   fair.
 * The overall grade is the worst of its own findings and, when at least
 * half of the channels are poor, poor.
 */
#ifndef FASC_SUMMARY_H
#define FASC_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fasc/common.h"
#include "fasc/fasc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Configuration; start from fasc_summary_config_default(). */
typedef struct fasc_summary_config {
    double sample_rate; /**< input rate of the event indices, Hz (default 2048) */
    int channels;       /**< 1..FASC_MAX_CHANNELS (default 1) */
    double epoch_s;     /**< epoch length, 1..3600 s (default 60) */
    /** discharges that make a unit distinct (listed and counted), 1..1000
     *  (default 1; fasc-score uses the classifier's unit_min_discharges) */
    int unit_min_discharges;
} fasc_summary_config;

/** Most reasons a grade lists. */
#define FASC_SUMMARY_MAX_REASONS 8

/** A quality grade and why. */
typedef struct fasc_quality {
    const char *grade; /**< "good", "fair" or "poor" (static strings) */
    int reason_count;
    char reasons[FASC_SUMMARY_MAX_REASONS][96];
} fasc_quality;

/** Figures of one channel, or of the whole recording (channel -1). */
typedef struct fasc_summary_figures {
    uint64_t fasciculations;
    uint64_t doublets;
    double scorable_min, excluded_min;
    double rate_per_min;     /**< fasciculations per scorable minute */
    int units;               /**< distinct units */
    double noise_rms_uv;     /**< channel: as set; overall: median of the channels */
    fasc_quality quality;
} fasc_summary_figures;

/** One motor unit. */
typedef struct fasc_summary_unit {
    int id;                  /**< the unit number in the event table */
    int main_channel;        /**< 0-based */
    uint64_t discharges;
    uint64_t doublets;
    double rate_per_min;     /**< per overall scorable minute */
    double median_peak_to_peak_uv;
} fasc_summary_unit;

/** One epoch. */
typedef struct fasc_summary_epoch {
    double start_s, length_s;
    double scorable_min;
    uint64_t fasciculations;
    double rate_per_min;
    double p2p_q1_uv, p2p_q3_uv, p2p_iqr_uv;
} fasc_summary_epoch;

/** A fasciculation as the summary keeps it. */
typedef struct fasc_summary_fp {
    double peak_s;
    int channel;
    int unit;                /**< after merges; 0 if none */
    bool doublet;
    float peak_to_peak_uv;
} fasc_summary_fp;

/** An excluded epoch as the summary keeps it. */
typedef struct fasc_summary_span {
    double onset_s, offset_s;
    int channel;             /**< -1: all channels */
    fasc_class cls;
} fasc_summary_span;

typedef struct fasc_summary fasc_summary;

/** Fills cfg with the defaults; nothing for NULL. */
FASC_API void fasc_summary_config_default(fasc_summary_config *cfg);

/** Allocates a summary. @return FASC_OK, INVALID_ARGUMENT or NO_MEMORY. */
FASC_API int fasc_summary_create(const fasc_summary_config *cfg, fasc_summary **out);

/** Frees it and NULLs *s; safe on NULL. */
FASC_API void fasc_summary_destroy(fasc_summary **s);

/** Takes one event (any order). Fasciculations and excluded epochs are
 *  kept; other classes are counted only. @return FASC_OK,
 *  INVALID_ARGUMENT (channel out of range, NULL), NO_MEMORY or STATE
 *  after finish. */
FASC_API int fasc_summary_add(fasc_summary *s, const fasc_event *ev);

/** Noise RMS of channel c in µV (e.g. the detector's noise σ). */
FASC_API int fasc_summary_set_noise(fasc_summary *s, int channel, double rms_uv);

/** Unit `id` was merged into unit `into`: its discharges count for `into`. */
FASC_API int fasc_summary_merge_unit(fasc_summary *s, int id, int into);

/** Unit `id` is no counted motor unit (fasc_unit_info.counted false:
 *  locked to the heartbeat, or too small for its discharges): its
 *  discharges, and those of units merged into it, count as fasciculations
 *  of no unit. */
FASC_API int fasc_summary_drop_unit(fasc_summary *s, int id);

/** Non-finite input samples and events lost to full queues (for the grade). */
FASC_API int fasc_summary_set_losses(fasc_summary *s, uint64_t nonfinite_samples,
                                     uint64_t dropped_events);

/** Computes everything for a recording of `frames` samples per channel. */
FASC_API int fasc_summary_finish(fasc_summary *s, fasc_index frames);

/** Figures of channel c, or overall for c == -1. @return FASC_OK, INVALID_ARGUMENT, STATE before finish. */
FASC_API int fasc_summary_figures_of(const fasc_summary *s, int channel, fasc_summary_figures *out);

/** Number of events of each class seen (epochs included). */
FASC_API uint64_t fasc_summary_class_count(const fasc_summary *s, fasc_class cls);

/** Units (after merges), in increasing id; valid after finish. */
FASC_API size_t fasc_summary_unit_count(const fasc_summary *s);
FASC_API int fasc_summary_unit_at(const fasc_summary *s, size_t i, fasc_summary_unit *out);

/** Epochs; valid after finish. */
FASC_API size_t fasc_summary_epoch_count(const fasc_summary *s);
FASC_API int fasc_summary_epoch_at(const fasc_summary *s, size_t i, fasc_summary_epoch *out);

/** The fasciculations in time order (valid after finish, owned by s). */
FASC_API const fasc_summary_fp *fasc_summary_fasciculations(const fasc_summary *s, size_t *count);

/** The excluded epochs in onset order (valid after finish, owned by s). */
FASC_API const fasc_summary_span *fasc_summary_excluded(const fasc_summary *s, size_t *count);

/** Length of the recording in seconds (after finish). */
FASC_API double fasc_summary_duration_s(const fasc_summary *s);

#ifdef __cplusplus
}
#endif

#endif /* FASC_SUMMARY_H */
