/**
 * @file synth.h
 * Synthetic surface EMG with ground truth (analysis library, libm only).
 *
 * fasc_synth renders multichannel sEMG in µV, block by block, with a known
 * list of events: fasciculation potentials (FPs) of several motor units with
 * repeat discharges, and optional interference (mains, ECG, voluntary
 * contraction epochs, movement artefacts, electrode pops, baseline wander).
 * Every true event is reported through a callback as soon as it is placed.
 *
 * SNR definition (used by `snr_db` and by the project's accuracy figures):
 *   SNR = 20·log10(median FP peak-to-peak amplitude on its main channel /
 *                  RMS of the background noise after a 20–450 Hz band-pass),
 * where the band-pass is a 4th-order Butterworth high-pass at 20 Hz followed
 * by a 4th-order Butterworth low-pass at min(450 Hz, 0.45·fs), and the median
 * is taken over discharges (units weighted by their firing rates).
 *
 * Determinism: the same config gives bit-identical samples and events on any
 * IEEE-754 machine, whatever the block sizes (the generator uses its own
 * elementary functions, not the platform libm). Memory is fixed at create;
 * it does not grow with the length generated.
 *
 * Example:
 * @code
 *   fasc_synth_config cfg;
 *   fasc_synth_config_default(&cfg);
 *   cfg.channels = 8; cfg.seed = 7;
 *   fasc_synth *s;
 *   if (fasc_synth_create(&cfg, &s) == FASC_OK) {
 *       fasc_synth_generate(s, planar_out, 2048, on_event, user);
 *       fasc_synth_destroy(&s);
 *   }
 * @endcode
 */
#ifndef FASC_SYNTH_H
#define FASC_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fasc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most fasciculating motor units one generator simulates. */
#define FASC_SYNTH_MAX_UNITS 64

/** Generator settings. Initialise with fasc_synth_config_default(). */
typedef struct fasc_synth_config {
    double sample_rate;   /**< Hz, 500 – 48000 (default 2048) */
    int channels;         /**< 1 – 256 (default 8) */
    int grid_rows;        /**< electrode grid rows; 0 = one line (default) */
    int grid_cols;        /**< electrode grid columns; rows·cols = channels */
    uint64_t seed;        /**< random seed (default 1) */
    int units;            /**< fasciculating motor units, 0 – 64 (default 6) */
    double fasc_per_min;  /**< mean FP discharges per minute, all units, repeats included, 0 – 600 (default 20) */
    double snr_db;        /**< see the SNR definition above, -20 – 80 (default 12) */
    bool noise;           /**< background noise on (default true) */
    double mains_hz;      /**< 0 (off), 50 or 60 (default 0) */
    bool ecg;             /**< ECG complexes on all channels (default false) */
    bool voluntary;       /**< voluntary contraction epochs (default false) */
    bool movement;        /**< movement artefacts (default false) */
    bool pops;            /**< electrode pops (default false) */
    bool wander;          /**< slow baseline wander (default false) */
} fasc_synth_config;

/** One true event or epoch, in the columns of the truth file. */
typedef struct fasc_synth_event {
    fasc_class cls;            /**< fasciculation, voluntary, ecg, movement or electrode_pop */
    double onset_s;            /**< start, seconds from sample 0 */
    double duration_s;         /**< length in seconds */
    double peak_s;             /**< time of the largest absolute deflection on the main channel (epochs: middle of the plateau) */
    fasc_index peak_index;     /**< peak_s as a sample index */
    int channel;               /**< main channel, 0-based; -1 when the event has none (voluntary epoch) */
    int unit;                  /**< motor unit, 1-based, for FPs; 0 otherwise */
    bool repeat;               /**< FP is a repeat discharge (doublet / F-wave-like) of its unit */
    double peak_to_peak_uv;    /**< noise-free peak-to-peak on the main channel; 0 for epochs */
} fasc_synth_event;

/** Called for every true event, in order of onset within a block. */
typedef void (*fasc_synth_event_fn)(void *user, const fasc_synth_event *event);

typedef struct fasc_synth fasc_synth;

/** Fills *cfg with the defaults documented in fasc_synth_config. */
FASC_API void fasc_synth_config_default(fasc_synth_config *cfg);

/**
 * Checks a config. Returns FASC_OK or FASC_ERR_INVALID_ARGUMENT; if msg is
 * not NULL it receives a static text naming the offending field.
 */
FASC_API int fasc_synth_config_check(const fasc_synth_config *cfg, const char **msg);

/** Allocates and initialises a generator. *out is NULL on error. */
FASC_API int fasc_synth_create(const fasc_synth_config *cfg, fasc_synth **out);

/**
 * Renders the next `frames` samples of every channel into out[0..channels-1]
 * (planar, µV, overwritten). `on_event` (may be NULL) receives each true
 * event whose rendering starts in this block. Does not allocate.
 */
FASC_API int fasc_synth_generate(fasc_synth *synth, float *const *out, size_t frames,
                                 fasc_synth_event_fn on_event, void *user);

/** Rewinds to sample 0: the same samples and events are produced again. */
FASC_API int fasc_synth_reset(fasc_synth *synth);

/** Frees the generator and sets *synth to NULL; safe on NULL. */
FASC_API void fasc_synth_destroy(fasc_synth **synth);

/** The background noise RMS (µV, 20–450 Hz band) the SNR was set to. */
FASC_API double fasc_synth_noise_rms_uv(const fasc_synth *synth);

/** The median FP peak-to-peak amplitude (µV) the SNR refers to. */
FASC_API double fasc_synth_median_fp_uv(const fasc_synth *synth);

/** Mean FP discharge rate of a unit (1-based), per minute, repeats included. */
FASC_API double fasc_synth_unit_rate_per_min(const fasc_synth *synth, int unit);

/** Heart rate of the ECG source in beats per minute (0 when ECG is off). */
FASC_API double fasc_synth_heart_rate_bpm(const fasc_synth *synth);

/** The next sample index generate() will produce. */
FASC_API fasc_index fasc_synth_position(const fasc_synth *synth);

#ifdef __cplusplus
}
#endif

#endif /* FASC_SYNTH_H */
