/**
 * @file classifier.h
 * Third stage of libfasc: tells fasciculation potentials (FPs) apart from
 * voluntary motor-unit activity, ECG, movement, electrode pops and noise,
 * segments the recording into scorable rest and excluded epochs, and
 * clusters FPs into motor units.
 *
 * Inputs, all at the detector's (working) sample rate and time base:
 *  - the band-limited signal the detector saw (fasc_classifier_process),
 *    for activity segmentation and heartbeat (QRS) detection; optionally
 *    the unfiltered input at the same rate, for saturation and flat-channel
 *    checks;
 *  - the detector's candidate events with their snippets
 *    (fasc_classifier_push).
 * Output: classified events (fasc_classified) in order of peak time, after
 * a fixed delay (fasc_classifier_latency()); epochs (voluntary, artefact)
 * are queued when they end, so they follow the events inside them.
 *
 * ### Segmentation
 * Blocks of `block_s` seconds. Per channel the band RMS of each block is
 * compared with the channel's rest level: the 20th percentile of the block
 * RMS over the last `baseline_s` seconds (kept in a histogram of 1/16
 * octave bins, so memory is fixed). A channel is *active* in a block when
 * its RMS exceeds `voluntary_ratio` times the rest level, and *voluntary*
 * where at least `voluntary_min_s` of consecutive active blocks hold at
 * least `voluntary_min_events_per_s` candidate events involving it (many
 * firing units; De Luca et al., J Neurophysiol 96:1646, 2006 report 8-35 Hz
 * firing of 10-30 units in a voluntary contraction), or whose RMS stays
 * above 4 times the active level (a strong contraction, which the
 * detector's following noise estimate no longer resolves into candidates),
 * or where candidates come at twice that rate whatever the RMS (the first
 * units of a ramp), or at three quarters of it in the latest of four
 * voluntary windows in a row and in all but one of the three before it (a
 * recording active throughout, whose rest level is itself an active one;
 * a gap of under half a second between potentials does not end it). The
 * twice-the-rate test also runs over all leads together, counting the
 * leads that hold candidates: a contraction's first discharges may come
 * one per lead on a wide array, each lead far under the rate. Where a
 * window holds as many leads as twice the rate gives candidates (8 in
 * 0.5 s), a candidate of it with as many leads as twice the rate gives in
 * a block (2 in 0.125 s) firing within half a block of it, itself
 * included, is voluntary, with its lead's candidates in its block (not
 * widened by the margin); a lone discharge at the window's edge stays,
 * and so does one on another lead beside a contraction under two or
 * three. At
 * the end of input (fasc_classifier_flush()) the twice-the-rate test also
 * runs over the shorter windows that reach
 * the end, given at least three candidates, per lead and over all leads
 * together (counting candidates: a contraction's last tens of milliseconds
 * hold few), so a
 * contraction that starts in the last fraction of a second is voluntary
 * too. The recording is
 * voluntary where at least half of the channels are, or at least 4 on
 * more than 8: a contraction is the subject's state, and under part of a
 * wide array half of its leads are reached late or never. *Artefact*
 * blocks: a channel whose input meets its largest value so far again at
 * least 3 times in a block, 20 times above the rest level (saturation at
 * a rail), or whose band RMS falls under 1 % of the rest level (flat or
 * disconnected); a *movement* where the unfiltered
 * input's low-frequency track (means over 1/8 block; none without `raw`)
 * changes within a block by more than 8 times its typical change, twice
 * the block's band RMS, and near a heartbeat 2.5 times the beats' own
 * change, on at least half of the channels (on fewer, it is a *pop* of
 * those leads); and a pop candidate's lead for 0.5 s after it. Voluntary epochs
 * are widened by `epoch_margin_s` on both sides (a ramp's first and last
 * discharges), artefact epochs by `artefact_margin_s` (default 0: the
 * movement test already flags the block after a swing).
 *
 * ### Classes (fasc_class)
 *  - `ecg`: a QRS detector runs on the mean of all channels (energy of the
 *    20 ms moving average; threshold at 6 times its rest level and 0.3 of
 *    the typical beat, after Pan & Tompkins, IEEE TBME 32:230, 1985). A
 *    peak is a beat when at least 60 % of the channels exceed 3 σ around
 *    it and it keeps the rhythm (interval within 20 % of the running
 *    estimate, or four candidates in a row forming one, 30-200 bpm). Each
 *    beat is an event (an epoch from 0.25 s before to 0.4 s after R), and
 *    per-channel beat templates (running means of beats aligned to them)
 *    are kept. A candidate within `ecg_window_s` of a beat is ecg when its
 *    channel's template, scaled by least squares (0.5-2), leaves at most 4
 *    noise variances per sample within ±6 ms of the candidate's peak and
 *    carries at least half of the energy there; a discharge riding on a
 *    beat leaves its own energy there, or sits where the template is
 *    flat, and stays. So is a discharge of a unit locked to the heartbeat
 *    at the lag where it locked (see Motor units).
 *  - `movement`, `electrode_pop`, `noise` (flat or saturated lead): every
 *    candidate inside an artefact epoch of its channel. Outside one, a
 *    candidate over the detector's ceiling (FASC_DETECTION_ARTEFACT) is a
 *    pop when it involves fewer than half of the channels, movement
 *    otherwise; a cut one (FASC_DETECTION_LONG) is movement, except inside
 *    a voluntary epoch, where it is the contraction's superimposed
 *    potentials (voluntary).
 *  - `voluntary`: candidates inside voluntary epochs; and a candidate whose
 *    unit's last four discharges came 33-250 ms apart with a coefficient
 *    of variation under 0.3 (regular firing at voluntary rates, De Luca &
 *    Hostage, J Neurophysiol 104:1034, 2010), or that involves a channel
 *    where such a train fired in the last 0.5 s. Its unit keeps it in its
 *    train but does not count it.
 *  - `noise`: candidates whose shape no motor-unit potential has (above
 *    the noise band for less than 1 ms, or more than 8 phases); those
 *    whose snippet reaches back across a join (fasc_classifier_join: a
 *    splice of two recordings' ends, which the common median of leads cut
 *    mid-wave leaves as a potential); and a
 *    discharge read again: the detector accepts a second reading of one
 *    discharge on a phase beyond its refractory time (8 ms), as it must a
 *    repeat 10 ms on, and a candidate whose window aligns with its unit's
 *    template where the unit's previous discharge did (within 0.5 ms),
 *    with its peak on a phase of the template (at least half its
 *    largest), is that discharge again (unit 0, not counted, no template
 *    update). A unit of fewer than `unit_min_discharges` also needs the
 *    candidate within 10 ms of its previous discharge, sooner than a
 *    repeat: its template may still hold a doublet's second potential.
 *  - `fasciculation`: everything else, i.e. isolated discharges at rest.
 * The tests run in the order listed. Confidence in [0, 1]: for a
 * fasciculation the logistic of the detector's score (z 6 gives 0.5, z 9
 * gives 0.9), moved 70 % of the way to 1 once its unit has fired three
 * times; 0.9 for a candidate matched to a beat template; 0.8 inside an
 * epoch; 0.6 for the single-candidate rules; 1 for beats and epochs.
 *
 * ### Motor units
 * Every fasciculation's waveform (from -`unit_pre_s` to +`unit_post_s`
 * around its peak) is compared with the templates of the known units on
 * the same or a neighbouring main channel, on the unit's main channel
 * (where its template was learnt: a discharge centred on a neighbour is
 * compared by its row there when the detector gave one), aligned within
 * ±`unit_pre_s` as far as the snippet reaches beyond the template window
 * (±10 ms by default, at least ±1 ms: the detector's peak may sit on any
 * phase of the potential; a new unit's window is placed on the centroid of
 * its first discharge's energy, not on that discharge's peak, so that
 * discharges timed on phases at either end still align) and then within
 * half a sample by the template's slope (at 2 kHz half a sample moves a
 * sharp phase by tens of µV). The
 * mismatch is Σ(x - t)² divided by what noise alone leaves,
 * L σ² (1 / n_unit + 1): it joins the most likely unit (the smallest
 * mismatch + log(1 + 1 / n_unit), the Gaussian likelihood's own term, so
 * that a young template's wider noise earns it nothing) if that unit's
 * mismatch is below `unit_match` and the amplitudes agree within a factor 1.5
 * on one electrode (on the unit's main channel, the detector's
 * peak-to-peak against the mean of the unit's discharges there; on a
 * neighbouring main channel, each one's amplitude on the other's main
 * channel: the unit's mean on its neighbours is kept, and a unit is often
 * larger on one electrode than on the next), else it starts a new unit.
 * For a discharge of the
 * unit the mismatch is χ²_k / k with k = 2BT degrees of freedom (about 22
 * for the 25 ms window of 20-450 Hz noise), whose 99.6th percentile is the
 * default 2. A unit also keeps a template of its waveform on each
 * neighbour of its main channel, from the detector's rows there (involved
 * or quiet: fasc_detection.quiet_channels), aligned as the main one. Each
 * neighbour row must fit it below `unit_match` too, or, where one does
 * not, the n rows compared (main and neighbours) must fit on the whole:
 * their mean mismatch below the level of n rows at the tail one row has at
 * `unit_match` (1.67, 1.53, 1.45, 1.40 for 2-5 rows at the default; χ² by
 * Wilson and Hilferty's cube root) and no neighbour row beyond one
 * standard deviation further (about 2.5). Demanding each row below
 * `unit_match` alone failed a discharge of the unit once per row, and a
 * residue of a heartbeat or another unit on one lead made fragments; the
 * rows now fail it no more often than its main row alone. The score is the
 * mean over the rows compared. Two units of one shape and size on one
 * electrode that reach its neighbours differently stay apart.
 * Near a heartbeat, with `common_median_rows`, each row is compared less
 * what the detector's common median (of the other channels) leaves of the
 * beat on that channel: the beat templates less their leave-one-out median,
 * placed at the beat; the sizes the units compare are measured on those
 * rows too (the event reports the detector's). A lead where the heartbeat
 * is larger or smaller than on most keeps a part of every QRS, which would
 * make the discharges that ride on it a unit of their own.
 * Templates are running means (weight 1/n, at most 1/16).
 * When two units of at least `unit_min_discharges` discharges each come to
 * match each other, on the main and the neighbours' rows (the same
 * tests with 1 / n_a + 1 / n_b, over the samples both templates cover at
 * lags up to 15 ms with at least 40 % of the window shared: the detector's
 * peak moves by up to 15 ms between two phases of nearly one size, and
 * units timed on either are shifted copies), the younger one is merged into
 * the older one (its later discharges get the older number; counts are
 * added). Younger units wait: against one or two discharges the test has
 * no power, and the first discharge of a second unit of one electrode
 * would vanish into the first unit.
 * Two units of one shape and size on one electrode may differ by no more
 * than one discharge's noise, so that each discharge fits the other's
 * template and both gather in one unit. Each unit therefore keeps its
 * latest 32 discharges' aligned windows; every 16 discharges these (16 at
 * the first test) are split in two by 2-means. When both halves hold at
 * least `unit_min_discharges` and their means differ, beyond a change of
 * size and a sub-sample shift, by more than 4 (16 windows) or 5.2 (32)
 * times what noise leaves (σ² (1 / n_a + 1 / n_b) per sample; noise
 * alone, the split chosen to make it large, exceeds 3.1 and 4.0 once in
 * 10 000 tests: tests/classifier/gen_split_null.py), the half farther
 * from the unit's template becomes a new unit (which may then merge with
 * another). Each half takes its neighbour rows from its own discharges
 * among the latest 16, whose windows on the neighbours are kept too (to
 * 1/64 of the noise σ). Over 32 windows two units' difference counts
 * twice as much as over 16, so pairs too near for the first test part at
 * a later one. Its discharges among those tested move with it (counts,
 * train, phase); events already handed out keep the old number. A second
 * pass (fasc_classifier_count_from) starts the windows afresh: the same
 * discharges again are no new evidence. When the shapes do not differ,
 * the kept discharges' footprints (their sizes on the unit's main and
 * neighbouring electrodes, in noise σ; the latest 16 where the older ones
 * share no neighbour row) are split the same way: two units of one shape
 * on the main electrode often reach the electrodes around it differently.
 * Halves whose footprints differ, beyond a common change of size, by more
 * than 75 (2 electrodes) or 96 (3) times what noise leaves over 16, 123
 * or 134 over 32, become two units, each keeping the neighbour templates
 * scaled to its own footprint. (Gaussian noise exceeds 32 and 35, or 48
 * and 51, once in 10 000 tests: tests/classifier/gen_footprint_null.py; a
 * projection on a smooth template carries about twice the noise variance
 * white noise would give it, which the levels absorb.)
 * A unit
 * counts as a distinct fasciculating unit once it has `unit_min_discharges`
 * discharges: one or two cannot be told from a misfit or a noise event. A
 * unit whose template is under 7 noise σ peak-to-peak counts from one
 * discharge more: the detector's false alarms on noise are about that size
 * (5.7-9.8 σ, median 7.6), a few of them on one lead match one another as
 * noise windows do, and their mean keeps only the aligned peak, while a
 * motor unit's template keeps its size (fasc_unit_info.counted).
 * A unit is no motor unit but locked to the heartbeat when at least
 * `unit_min_discharges` of its latest 8 discharges lie within 10 ms of
 * one lag from the nearest beat (within `ecg_window_s`), and those are at
 * least two thirds of its discharges so far: a residue of the beat on one
 * lead, detected beat after beat at one phase, gathers in one unit, while
 * motor units fire independently of the heart. It stays locked while its
 * discharges within 10 ms of that lag are at least half of all; while
 * locked it is not counted, and those discharges are `ecg` (unit 0). Of
 * units firing independently of the heart, 2e-4 ever lock and none of 10
 * discharges or more stays locked (tests/classifier/gen_lock_null.py).
 * A discharge of a unit 10-110 ms after its previous one is a *repeat*
 * (doublet or F-wave-like; Desai & Swash, J Neurol Neurosurg Psychiatry
 * 63:98, 1997).
 * A unit's discharges are timed on one phase of its potential. The
 * detector takes a discharge's largest phase, and where two phases of a
 * unit are of nearly one size, noise decides which: the unit's intervals
 * would be 5-15 ms off. Each discharge's peak is kept as an offset from
 * its template-aligned window; the offset that most of the unit's latest
 * 16 discharges take (within 0.5 ms, at least `unit_min_discharges` of
 * them) is the unit's phase, and a discharge on another phase is timed on
 * that one, if it stays within the event's onset and offset, its block
 * (`block_s`: so that any block split gives the same events) and between
 * the events already handed out and the next candidate.
 *
 * ### Streaming
 * Any block sizes; the same events for any block split. No allocation
 * after init; `reset`; caller-allocated form.
 */
#ifndef FASC_CLASSIFIER_H
#define FASC_CLASSIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fasc/common.h"
#include "fasc/detector.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most motor units tracked at once. */
#define FASC_CLASSIFIER_MAX_UNITS 64

/* ------------------------------------------------------------------ */
/* Waveform features                                                   */
/* ------------------------------------------------------------------ */

/** Features of one event (waveform ones from its main channel). */
typedef struct fasc_features {
    float peak_to_peak_uv;      /**< max - min inside the event */
    float duration_ms;          /**< from where |x| first leaves the noise
                                     band to where it last returns */
    int phases;                 /**< baseline crossings + 1 (crossings
                                     between excursions beyond the noise band) */
    int turns;                  /**< direction changes of at least 2 σ
                                     (Willison-style turns: peaks) */
    float area_uv_ms;           /**< ∫|x| dt over the duration */
    float rise_time_ms;         /**< from the extremum before the main peak
                                     (opposite sign) to the main peak */
    float spectral_centroid_hz; /**< magnitude-weighted mean frequency of the
                                     Hann-windowed duration */
    int channel_count;          /**< channels involved */
    float peak_spread_ms;       /**< latest minus earliest channel peak */
    float interval_prev_s;      /**< to the previous discharge of its unit
                                     (0: none; fasciculations only) */
    float train_cv;             /**< CV of the unit's last intervals (0 if
                                     fewer than 3) */
} fasc_features;

/**
 * Waveform features of one channel's samples x[0..n) (µV) at rate fs with
 * noise σ `noise_sd_uv` (> 0), analysed around sample `peak` (the event's
 * peak inside x). Fills the waveform fields of *f (p2p, duration, phases,
 * turns, area, rise time, centroid) and zeroes the others.
 * @return FASC_OK or FASC_ERR_INVALID_ARGUMENT (NULL, n == 0, peak >= n,
 *         fs or σ not positive and finite).
 */
FASC_API int fasc_features_waveform(const float *x, size_t n, size_t peak, double fs,
                                    double noise_sd_uv, fasc_features *f);

/* ------------------------------------------------------------------ */
/* Classifier                                                          */
/* ------------------------------------------------------------------ */

/** Configuration; start from fasc_classifier_config_default(). */
typedef struct fasc_classifier_config {
    double sample_rate;        /**< working rate, Hz (default 2048) */
    int channels;              /**< 1..FASC_MAX_CHANNELS (default 1) */
    fasc_geometry geometry;    /**< as the detector's (default LINE) */
    int grid_rows, grid_cols;  /**< for FASC_GEOMETRY_GRID */
    double block_s;            /**< segmentation block, 0.05..1 s (default 0.125) */
    double baseline_s;         /**< rest-level memory, 10..600 s (default 60) */
    double voluntary_ratio;    /**< active above this × rest RMS, 1.2..20 (default 2) */
    double voluntary_min_s;    /**< shortest voluntary epoch, 0.1..10 s (default 0.5) */
    double voluntary_min_events_per_s; /**< candidate rate that marks firing
                                            units, 0..1000 per s (default 8) */
    double epoch_margin_s;     /**< widening of voluntary epochs, 0..2 s (default 0.25) */
    double artefact_margin_s;  /**< widening of artefact epochs, 0..2 s (default 0) */
    bool ecg;                  /**< detect heartbeats (default true) */
    /** the candidates' rows are referenced to the median of the other
     *  channels (the detector's common_median) and beats are not removed:
     *  near a heartbeat, what that median leaves of the beat is taken from
     *  the rows before they are compared with units (default false; the
     *  composed detector sets it from its own configuration) */
    bool common_median_rows;
    double ecg_window_s;       /**< candidate-to-beat distance, 0..0.2 s (default 0.06) */
    double unit_pre_s, unit_post_s; /**< unit template window (defaults 0.01, 0.015) */
    /** the detector's snippet window (must equal its snippet_pre_s and
     *  snippet_post_s; defaults 0.020, 0.030) */
    double snippet_pre_s, snippet_post_s;
    double unit_match;         /**< largest mismatch (see Motor units) that
                                    joins a unit, 1..20 (default 2) */
    int unit_min_discharges;   /**< discharges that make a unit distinct,
                                    1..100 (default 3) */
    int queue_capacity;        /**< pending + finished events, 16..65536
                                    (default 1024) */
    /** how long after its offset a candidate is pushed at the latest,
     *  seconds, 0..2 (default 0.1, the default detector's latency with
     *  margin); the voluntary test and the decisions wait that long */
    double candidate_delay_s;
} fasc_classifier_config;

/** One classified event or epoch. */
typedef struct fasc_classified {
    fasc_index onset, peak, offset; /**< working-rate sample indices (a
                                         fasciculation's peak on its
                                         unit's phase: Motor units) */
    int channel;          /**< main channel; -1 for an epoch of all channels */
    fasc_class cls;
    bool epoch;           /**< a segment (voluntary / artefact epoch, ECG
                               beat) rather than one discharge */
    int unit;             /**< 1-based unit of a fasciculation, else 0 */
    bool repeat;          /**< fasciculation 10-110 ms after its unit's last */
    float peak_to_peak_uv;
    float confidence;     /**< [0, 1] */
    float noise_sd_uv;    /**< the detector's noise σ of the main channel
                               when it found the candidate (0 for epochs) */
    unsigned flags;       /**< the detector's FASC_DETECTION_* bits */
    int channel_count;
    int channels[FASC_DETECTOR_MAX_EVENT_CHANNELS];
    fasc_features features;
} fasc_classified;

/** Running totals of one channel (or of the whole recording). */
typedef struct fasc_channel_totals {
    double scorable_s;     /**< rest time, seconds */
    double voluntary_s;    /**< voluntary epochs, seconds */
    double artefact_s;     /**< artefact epochs, seconds */
    uint64_t fasciculations;
    uint64_t repeats;      /**< repeat discharges among them */
    double rest_rms_uv;    /**< rest level (band RMS) now */
} fasc_channel_totals;

/** A motor unit. */
typedef struct fasc_unit_info {
    int id;                /**< 1-based */
    int main_channel;
    uint64_t discharges;   /**< including those of units merged into it */
    uint64_t repeats;
    float peak_to_peak_uv; /**< of its template */
    int merged_into;       /**< 0, or the unit that absorbed it */
    bool retired;          /**< left out at fasc_classifier_count_from() */
    bool heartbeat_locked; /**< its discharges recur at one lag from the R
                                wave: a heartbeat's, no motor unit */
    bool counted;          /**< counts as a distinct fasciculating unit
                                (fasc_classifier_distinct_units) */
} fasc_unit_info;

typedef struct fasc_classifier fasc_classifier;

/** Fills `cfg` with the documented defaults; nothing for NULL. */
FASC_API void fasc_classifier_config_default(fasc_classifier_config *cfg);

/**
 * Checks a configuration as fasc_classifier_init() does. Returns FASC_OK
 * or FASC_ERR_INVALID_ARGUMENT; `why` (may be NULL) receives a static text
 * naming the first field out of range and its range, as
 * "classifier.<field>: ...", or "ok".
 */
FASC_API int fasc_classifier_config_check(const fasc_classifier_config *cfg, const char **why);

/** Bytes fasc_classifier_init() needs; 0 for NULL or an invalid config. */
FASC_API size_t fasc_classifier_memory_size(const fasc_classifier_config *cfg);

/** Builds a classifier in caller memory (see the detector's init). */
FASC_API int fasc_classifier_init(void *memory, size_t size, const fasc_classifier_config *cfg,
                                  fasc_classifier **cls);

/** Allocates and builds a classifier (the only allocation). */
FASC_API int fasc_classifier_create(const fasc_classifier_config *cfg, fasc_classifier **cls);

/** Frees a classifier made by create and NULLs *cls; safe on NULL. */
FASC_API void fasc_classifier_destroy(fasc_classifier **cls);

/** Back to the state right after init. Safe on NULL. */
FASC_API void fasc_classifier_reset(fasc_classifier *cls);

/**
 * Starts the counts again at working index `from` (not before the samples
 * already processed), for a second pass over a recording: totals, unit
 * discharge counts, trains and heartbeats count from there, and only events
 * and epochs from there on are handed out (those finished but not read
 * yet are dropped). What was learnt stays: unit
 * templates and numbers, heartbeat templates, rest levels; units with fewer
 * than unit_min_discharges discharges so far are retired (never matched
 * again).
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_STATE after flush.
 */
FASC_API int fasc_classifier_count_from(fasc_classifier *cls, fasc_index from);

/**
 * The raw input jumps just before working index `at` (not before the
 * samples already processed): a second pass from the start of a recording,
 * a gap. The low-frequency movement test does not take the jump for a
 * movement: it measures changes from the first whole sub-block after it;
 * candidates peaking less than snippet_pre_s after it are noise.
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_STATE after flush.
 */
FASC_API int fasc_classifier_join(fasc_classifier *cls, fasc_index at);

/**
 * Consumes n samples of the band-limited signal of every channel (µV,
 * working rate), and optionally the unfiltered input at the same rate
 * (`raw` may be NULL). Candidates must be pushed once the signal up to
 * their offset has been processed (the detector's latency guarantees it).
 * Results do not depend on how the signal is split into calls: with the
 * candidates pushed at the same sample indices, the same events.
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_STATE after flush.
 */
FASC_API int fasc_classifier_process(fasc_classifier *cls, const float *const *band,
                                     const float *const *raw, size_t n);

/**
 * Hands over one candidate with its snippets (rows as the detector writes
 * them). Push each candidate as soon as the signal up to its offset has
 * been processed (the composed object does so within the detector's
 * latency): it counts toward the voluntary test and marks pops only while
 * its block is less than two blocks old, and one arriving after its block
 * is final is decided at once, without that context. Its heartbeat test
 * compares the beat templates with the band signal over the snippet's
 * span when the classifier still holds it at push time (it does once the
 * signal to the snippet's end has been processed, as in the composed
 * object), else with the main-channel snippet.
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT; FASC_ERR_BUFFER_TOO_SMALL
 *         when the queue is full (the candidate is counted as dropped).
 */
FASC_API int fasc_classifier_push(fasc_classifier *cls, const fasc_detection *ev,
                                  const float *snippets);

/** End of input: everything pending is decided and queued. */
FASC_API int fasc_classifier_flush(fasc_classifier *cls);

/**
 * Pops the oldest finished event or epoch.
 * @param snippet  receives the main channel's snippet row (length from
 *                 snippet_pre_s / snippet_post_s; epochs write nothing);
 *                 may be NULL when capacity is 0
 * @return 1 if one was popped, 0 if none is ready, or a negative status
 *         (FASC_ERR_BUFFER_TOO_SMALL: capacity short for an event with a
 *         snippet, which is kept; epochs need none).
 */
FASC_API int fasc_classifier_next(fasc_classifier *cls, fasc_classified *out, float *snippet,
                                  size_t capacity);

/** Delay in working-rate samples between an event's offset and the
 *  process call that finishes it (0 for NULL). */
FASC_API fasc_index fasc_classifier_latency(const fasc_classifier *cls);

/** Totals of channel c, or of the whole recording for c == -1. */
FASC_API int fasc_classifier_totals(const fasc_classifier *cls, int channel,
                                    fasc_channel_totals *out);

/** Number of units created so far (ids 1..n; merged ones included). */
FASC_API int fasc_classifier_unit_count(const fasc_classifier *cls);

/** Distinct fasciculating units: not merged, not locked to the heartbeat,
 *  with at least unit_min_discharges discharges (one more for a template
 *  under 7 noise σ peak-to-peak; see Motor units) (0 for NULL). */
FASC_API int fasc_classifier_distinct_units(const fasc_classifier *cls);

/** Describes unit `id` (1-based). @return FASC_OK or INVALID_ARGUMENT. */
FASC_API int fasc_classifier_unit(const fasc_classifier *cls, int id, fasc_unit_info *out);

/**
 * Copies unit `id`'s main-channel template (µV, from -unit_pre_s to
 * +unit_post_s) into out[0..capacity); returns its length, or a negative
 * status (FASC_ERR_BUFFER_TOO_SMALL if capacity is short).
 */
FASC_API long fasc_classifier_unit_template(const fasc_classifier *cls, int id, float *out,
                                            size_t capacity);

/**
 * Subtracts from x[c][0..n), the band-limited signal of working samples
 * t0 .. t0 + n - 1, each confirmed heartbeat's template of that channel
 * (±ecg_window_s around its R wave, scaled to the beat by least squares):
 * ECG cancellation by template subtraction, so a detector run on the result
 * sees no heartbeats. Beats are final only fasc_classifier_heartbeat_horizon()
 * samples behind the signal the classifier has processed: clean no later
 * samples. Beats confirmed late (the first of a rhythm) are not removed.
 * Once called, the classifier takes candidates as coming from the cleaned
 * signal: its ECG test adds the removed beat back to a candidate's snippet
 * before comparing it with the beat template.
 * @return FASC_OK or FASC_ERR_INVALID_ARGUMENT.
 */
FASC_API int fasc_classifier_remove_heartbeats(fasc_classifier *cls, float *const *x,
                                               fasc_index t0, size_t n);

/** How many confirmed heartbeats fasc_classifier_remove_heartbeats would
 *  subtract from working samples t0 .. t0 + n - 1 now (0 for NULL; like it,
 *  among the latest 16 beats): at 0 it leaves them as they are, and a
 *  caller may skip copying them. */
FASC_API int fasc_classifier_heartbeats_within(const fasc_classifier *cls, fasc_index t0,
                                               size_t n);

/** How many samples behind the processed signal beats are final (0 for
 *  NULL): a QRS's longest excursion, its confirmation window and the
 *  template's half-width. */
FASC_API fasc_index fasc_classifier_heartbeat_horizon(const fasc_classifier *cls);

/** The same for a configuration, without building it (-1 if invalid). */
FASC_API fasc_index fasc_classifier_config_heartbeat_horizon(const fasc_classifier_config *cfg);

/** Heartbeats detected so far, and the current heart rate (0 if unknown).
 *  The first beats of a rhythm are confirmed only when it is recognised, up
 *  to three intervals later: they are counted here but, being past the
 *  latency bound by then, not handed out as events. */
FASC_API uint64_t fasc_classifier_heartbeats(const fasc_classifier *cls, double *rate_bpm);

/** Candidates lost because the queue was full (0 for NULL). */
FASC_API uint64_t fasc_classifier_dropped(const fasc_classifier *cls);

#ifdef __cplusplus
}
#endif

#endif /* FASC_CLASSIFIER_H */
