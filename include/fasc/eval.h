/**
 * @file eval.h
 * Event tables and their comparison (analysis library, libc only).
 *
 * Reads the tab-separated event tables that fasc-synth (truth) and the
 * scorer (detections) write, or an expert's annotations in the same columns
 * (see io.h: onset, duration, peak, channel, class, unit, peak_to_peak_uv;
 * columns are found by name, extra columns are ignored), and matches one
 * table against another.
 *
 * Matching rule: a detected event matches a true one when their peak times
 * differ by at most `tolerance_s` and their channels are the same or
 * neighbours (labels ending in a number — ch3, EMG12 — are neighbours when
 * their electrodes are at most `neighbour_distance` apart on a line or, with
 * grid_cols > 0, on a grid filled row by row; labels without a number match
 * only themselves; `n/a` matches any channel). Matching is one-to-one, by
 * increasing time difference. Epoch rows (duration >= epoch_min_s) match
 * when their intervals overlap instead; further detections overlapping a
 * true epoch of their own class are counted as covered, not spurious.
 */
#ifndef FASC_EVAL_H
#define FASC_EVAL_H

#include <stddef.h>

#include "fasc/common.h"
#include "fasc/io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An event table in memory: rows plus the storage of their labels. */
typedef struct fasc_event_table {
    fasc_event_row *rows;
    size_t count;
    char *labels;      /* owned storage behind rows[i].channel */
} fasc_event_table;

/**
 * Reads an event table. On error returns a negative status and writes
 * "PATH:LINE: reason" to err; *table is then empty. A table with a header
 * and no rows is valid.
 */
FASC_API int fasc_event_table_read(const char *path, fasc_event_table *table, char *err,
                                   size_t err_len);

/** Frees a table's memory and empties it; safe on an empty table. */
FASC_API void fasc_event_table_free(fasc_event_table *table);

/** Matching settings; initialise with fasc_eval_config_default(). */
typedef struct fasc_eval_config {
    double tolerance_s;     /**< peak-time tolerance, default 0.010 s */
    int neighbour_distance; /**< electrodes apart that still match, default 1 */
    int grid_cols;          /**< 0: electrodes on a line (default); else grid width */
    double epoch_min_s;     /**< rows at least this long are epochs, default 0.1 s */
} fasc_eval_config;

/** Counts and rates for one class (or all classes together). */
typedef struct fasc_eval_score {
    size_t truth;        /**< true events */
    size_t detected;     /**< detected events */
    size_t matched;      /**< one-to-one matches */
    double sensitivity;  /**< matched / truth (0 when truth is 0) */
    /** (matched + covered) / detected (0 when detected is 0) */
    double precision;
    double f1;           /**< harmonic mean of the two */
    /** unmatched detections that overlap a true epoch of their own
     *  class (a contraction's discharges, a heartbeat's candidates): right,
     *  though one epoch matches one row only */
    size_t covered;
} fasc_eval_score;

/** Fasciculation figures at rest (the classifier's scorable time): true
 *  voluntary and movement epochs of the truth table are excluded. */
typedef struct fasc_eval_rest {
    size_t truth;          /**< true fasciculations outside those epochs */
    size_t matched;        /**< of them, matched within the fasciculation class */
    double sensitivity;    /**< matched / truth (0 when truth is 0) */
    size_t in_voluntary;   /**< detected fasciculations inside true voluntary epochs */
    double voluntary_min;  /**< minutes of true voluntary epochs */
    double in_voluntary_per_min; /**< in_voluntary / voluntary_min (0 without any) */
} fasc_eval_rest;

/** Comparison result. */
typedef struct fasc_eval_result {
    fasc_eval_score by_class[FASC_CLASS_COUNT]; /**< matching within each class */
    fasc_eval_score overall;                    /**< matching regardless of class */
    /** Confusion of the class-blind matching: [true class][detected class];
     *  index FASC_CLASS_COUNT is "none" (missed truth, spurious detection;
     *  the unmatched detections inside a true epoch of their class are
     *  counted in inside_epoch instead). */
    size_t confusion[FASC_CLASS_COUNT + 1][FASC_CLASS_COUNT + 1];
    /** class-blind matching: unmatched detections of each class that
     *  overlap a true epoch of that class (epochs cover every channel) */
    size_t inside_epoch[FASC_CLASS_COUNT];
    fasc_eval_rest rest; /**< fasciculations at rest and in voluntary epochs */
} fasc_eval_result;

/** Fills *cfg with the defaults documented in fasc_eval_config. */
FASC_API void fasc_eval_config_default(fasc_eval_config *cfg);

/**
 * Matches `detected` against `truth`. Returns FASC_OK,
 * FASC_ERR_INVALID_ARGUMENT or FASC_ERR_NO_MEMORY.
 */
FASC_API int fasc_eval_compare(const fasc_event_table *truth, const fasc_event_table *detected,
                               const fasc_eval_config *cfg, fasc_eval_result *result);

/**
 * One-to-one matching of two row sets regardless of class, for callers
 * that need the pairs: match_of_truth[i] receives the index of the detected
 * row matched to truth row i, or -1. Returns the number of matches, or a
 * negative status.
 */
FASC_API long fasc_eval_match(const fasc_event_row *truth, size_t n_truth,
                              const fasc_event_row *detected, size_t n_detected,
                              const fasc_eval_config *cfg, long *match_of_truth);

#ifdef __cplusplus
}
#endif

#endif /* FASC_EVAL_H */
