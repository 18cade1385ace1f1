/**
 * @file detector.h
 * Second stage of libfasc: streaming detection of candidate motor-unit
 * potentials (fasciculation candidates) in band-limited surface EMG.
 *
 * Input is the filter bank's stream 0 (pre-filtered 20–450 Hz broadband
 * signal, see filterbank.h), planar, in µV, at the filter bank's working
 * rate. Output is a queue of candidate events (`fasc_detection`) with
 * waveform snippets. A later stage (the classifier) is expected to take
 * these candidates; with the second stage on (the default, step 6 below)
 * each was confirmed by a wavelet bank or by a learnt unit template and
 * timed at zero phase.
 *
 * ### Algorithm
 *  1. Optional **common-median reference**: from every channel the median
 *     of the other channels at the same sample is subtracted, so that a
 *     disturbance seen at once on all electrodes (pops of the reference,
 *     movement, ECG) vanishes while the noise stays Gaussian.
 *  2. **Noise σ per channel** = MAD / 0.6745 with MAD = median |x| over the
 *     last `noise_window_s` seconds, from about 256 samples per second
 *     (every max(1, floor(fs / 256))-th sample) that lie outside detected
 *     events and a 5 ms guard around them, kept in a 16-bins-per-octave
 *     histogram (bins at most 6.25 % wide, interpolated inside the bin).
 *     Exact zeros (digital silence, replaced non-finite samples) are not
 *     counted. σ is updated every 64 samples. When the newest half second
 *     of entries has a median a factor 0.66 or more below the window's
 *     (but its newest quarter second mostly within a factor 8 of it), the
 *     window restarts from the entries since the fall (the change point of
 *     the share above that level over the newest second, at least half a
 *     second), at most once a second: σ comes down within about a second
 *     after a contraction instead of half the window. For a second after
 *     a restart, the window is cut again at a fall: at the change point
 *     after which half a second or more has come, and before which more
 *     than half of the entries lie a factor 1.5 or more above the newest
 *     half second's median. A restart often comes while the newest half
 *     second still reaches back into the contraction.
 *  3. **Statistic**: z = (x / σ)², smoothed by unit-sum triangular windows of
 *     about 2.5, 5 and 10 ms (odd lengths >= 3 samples), each delayed so
 *     that all three are centred on the same sample. On noise each smoothed
 *     energy e has mean 1 and is approximately χ²_ν / ν (Satterthwaite,
 *     Biometrics Bull. 2:110, 1946) with ν = 2 / var(e) computed from the
 *     noise's own normalised autocorrelation r(k) (var = 2 Σ_j Σ_k h_j h_k
 *     r(j - k)²), measured on event-free stretches and averaged over ~2 s.
 *  4. **Thresholds**: a statistic exceeds "k" when e > T(ν, k) =
 *     (1 - a + k √a)³ with a = 2 / (9 ν), the Wilson–Hilferty cube-root
 *     approximation (PNAS 17:684, 1931), i.e. k is a Gaussian-equivalent
 *     z-score whatever ν. Besides its own three scales, every channel is
 *     also tested with the mean energy of itself and each geometric
 *     neighbour against T(ν_c + ν_nb, k), since many potentials are spread
 *     over two electrodes. A channel is *above* when any statistic exceeds
 *     `threshold` and *active* while any exceeds `release`. With the
 *     second stage on, a channel is also *above* where the first or second
 *     Gaussian derivative of the widest bank width that fits in the
 *     centring delay (1.2 ms at 2048 Hz), run over x / σ and divided by its
 *     own noise level, reaches `wavelet_threshold` in absolute value: a
 *     narrow potential that a 2.5 ms energy (ν about 2.4) misses gathers
 *     most of its energy in one such output (Nenadic & Burdick, IEEE TBME
 *     52:74, 2005). These outputs are used from the first second of noise
 *     on (128 noise updates). A crossing of z 4 on them alone opens a
 *     *weak* candidate, which only a known unit's template can confirm
 *     (step 6).
 *  5. **Runs and events**: a channel's run starts when it is above; its onset
 *     is where the statistic last rose through the release level (at most
 *     one 10 ms window earlier); it ends once the channel has not been active
 *     for `dead_time_s`, its offset being the last active sample. A run whose
 *     2.5 ms energy shows two maxima at least 9 ms apart with a valley under
 *     half the smaller one is split at the valley, so discharges 10 ms or
 *     more apart (doublets) are never merged. Runs reaching `max_event_s`
 *     are closed and flagged FASC_DETECTION_LONG; a new run on that channel
 *     then waits for a full release. The above-threshold parts of runs on
 *     neighbouring channels that overlap or lie within `group_window_s` form
 *     one event; an event never holds two runs of one channel and never
 *     spans more than `max_event_s`.
 *  6. **Second stage** (`confirm_threshold` > 0): an event is kept when a
 *     bank of Gaussian-derivative wavelets (orders 1-3, widths 0.8-2.6 ms)
 *     reaches `confirm_threshold` on one involved channel or the sum of two
 *     neighbouring ones, each output scaled by its own noise level learnt
 *     on event-free stretches (output power over input power on the same
 *     stretches; learnt again, the old levels in use meanwhile, when
 *     fasc_detector_set_prefilter() changes the upstream filter). With a
 *     pre-filter given, peaks are read at zero phase (a backward pass
 *     through the same sections, with the high-pass moved down to
 *     `timing_highpass_hz`); the main channel's phase is chosen on
 *     its zero-phase signal plus those of its involved neighbours, each
 *     weighted by its least-squares projection on the main one, so that
 *     noise does not swap two phases of similar size. Units that fire
 *     again are learnt as templates (main channel and its neighbours at
 *     zero phase, ±15 ms, matched on the main channel over ±16 ms with a
 *     residual test scaled by the noise's own correlation; not while events
 *     cover more than a fifth of the channel's last half second, as in a
 *     contraction). A discharge matching a template of three or more
 *     members is timed at the peak of the template's average with the
 *     discharge added; when it holds only a minor head or tail phase of
 *     the template (at most 85 % of the main one, and fitting there), it
 *     becomes the whole discharge, timed at the main phase, and the run
 *     holding that phase is dropped as its repeat. It is also kept when that
 *     template used as a matched filter (its projection over the
 *     projection's noise level, from the noise autocorrelation) reaches
 *     `confirm_threshold`; weak candidates (step 4) are kept only that way.
 *     Repeats within 8 ms (either side of the accepted peak: two readings
 *     of one discharge may come in either order) and smaller after-effects
 *     within `shadow_s` are dropped, and so is a smaller candidate on the
 *     same or a neighbouring channel inside the ±15 ms of the previous
 *     discharge's template when that template's trace for the candidate's
 *     channel, at the discharge's gain, leaves only noise there (the late
 *     phases of a long potential cut off by the doublet split). After a
 *     quiet gap of more than 2 ms, that part of the trace must also be
 *     clearly smaller than the whole (below 0.8 of its peak-to-peak): a
 *     unit firing doublets at a fixed interval keeps both discharges.
 *
 * ### Time base and latency
 * Indices (`fasc_index`) are absolute input samples since init or reset.
 * onset / offset are corrected for the smoothing delay (they are input
 * sample indices of x). An event whose offset is sample k is queued by the
 * `process` call that consumes input sample k + fasc_detector_latency()
 * at the latest. With the defaults at 2048 Hz the latency is 270 samples
 * (132 ms): the 10 ms centring delay, the time a neighbouring run that may
 * still join the event can last (group window + max event + dead time),
 * and one more max event: an event waits for an earlier one on its own or
 * a neighbouring channel, so that a discharge is verified before its late
 * phases (which end first when they show on a neighbour alone).
 * No detection happens during the first 0.5 s of noise (warm-up) of a
 * channel; fasc_detector_noise_sd() returns 0 until then.
 *
 * ### Streaming contract
 * `process` accepts any block length including 0 and 1; the events, their
 * order and their snippets are bit-identical whatever the block sizes. It
 * does not allocate, lock, print or do I/O. Inputs: NaN and ±Inf are
 * replaced by 0 and counted per channel; finite values are clamped to
 * ±1e12 µV. Events wait in a bounded queue (`queue_capacity`); when it is
 * full, new events are dropped and counted (fasc_detector_dropped()).
 * After fasc_detector_flush() the object takes no more input until reset.
 *
 * ### Usage
 * @code
 *   fasc_detector_config cfg;
 *   fasc_detector_config_default(&cfg);
 *   cfg.sample_rate = fasc_filterbank_output_rate(fb);
 *   cfg.channels = 8;
 *   fasc_detector *det = NULL;
 *   if (fasc_detector_create(&cfg, &det) != FASC_OK) return;
 *   float *snips = malloc(sizeof(float) * fasc_detector_snippet_capacity(det));
 *   fasc_detector_process(det, (const float *const *)stream0, n);
 *   fasc_detection ev;
 *   while (fasc_detector_next(det, &ev, snips,
 *                             fasc_detector_snippet_capacity(det)) == 1)
 *       use(&ev, snips);  // snips[k * ev.snippet_length + j], channel k
 *   fasc_detector_destroy(&det);
 * @endcode
 */
#ifndef FASC_DETECTOR_H
#define FASC_DETECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fasc/common.h"
#include "fasc/filterbank.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most channels described (with snippets) per event. */
#define FASC_DETECTOR_MAX_EVENT_CHANNELS 16

/** Most pre-filter sections the detector can undo for peak timing. */
#define FASC_DETECTOR_MAX_PREFILTER 16

/** Event flags (bit mask in fasc_detection::flags). */
#define FASC_DETECTION_ARTEFACT 1u /**< p2p above the ceiling: probable artefact */
#define FASC_DETECTION_LONG 2u     /**< a run reached max_event_s and was cut */
#define FASC_DETECTION_CLIPPED 4u  /**< snippet cut by the start (or, at flush,
                                        the end) of the stream; zero-filled */

/** Channel geometry used for neighbour pairs and grouping. */
typedef enum fasc_geometry {
    FASC_GEOMETRY_NONE = 0, /**< channels are independent */
    FASC_GEOMETRY_LINE = 1, /**< channel c neighbours c - 1 and c + 1 */
    FASC_GEOMETRY_GRID = 2  /**< row-major R x C grid, 4-connected */
} fasc_geometry;

/** Configuration; start from fasc_detector_config_default(). */
typedef struct fasc_detector_config {
    /** Hz, FASC_MIN_SAMPLE_RATE..FASC_MAX_SAMPLE_RATE (default 2048) */
    double sample_rate;
    /** 1..FASC_MAX_CHANNELS (default 1) */
    int channels;
    /** default FASC_GEOMETRY_LINE */
    fasc_geometry geometry;
    /** grid shape, rows * cols == channels (only for FASC_GEOMETRY_GRID) */
    int grid_rows, grid_cols;
    /** detection level, Gaussian-equivalent z, (release, 20] (default 5) */
    double threshold;
    /** hysteresis release level, same units, 0..threshold (default 2) */
    double release;
    /** noise MAD window, seconds, 1..60 (default 4) */
    double noise_window_s;
    /** grouping window between neighbouring channels, s, 0..0.02
     *  (default 0.003) */
    double group_window_s;
    /** refractory time: a run ends only after this much inactivity;
     *  seconds, 0 <= value < 0.010 (default 0.004; at least one sample) */
    double dead_time_s;
    /** longest event, seconds, 0.02..0.5 (default 0.060) */
    double max_event_s;
    /** artefact ceiling on peak-to-peak in noise σ, > 0 (default 40) */
    double ceiling_sd;
    /** absolute artefact ceiling in µV, 0 = off (default 0) */
    double ceiling_uv;
    /** snippet window before / after the peak, seconds, 0..0.5
     *  (defaults 0.020 and 0.030) */
    double snippet_pre_s, snippet_post_s;
    /** queued events, 1..65536 (default 256) */
    int queue_capacity;
    /** subtract the per-sample median across channels (needs >= 3
     *  channels; default false) */
    bool common_median;
    /** with common_median: a noise band, in standard deviations of that
     *  median on noise alone, within which the reference is shrunk to 0
     *  while no common mode stands out (0..10, default 0: the whole
     *  median is always subtracted). A weak discharge spread over a few
     *  neighbours moves the median of the others too and loses part of
     *  itself to a plain reference; see the README for what 2 gains and
     *  costs. */
    double common_median_band;
    /** second stage: a candidate becomes an event only when its best match
     *  with a bank of motor-unit-like wavelets (Gaussian derivatives of
     *  orders 1-3, widths 0.8-2.6 ms, on each involved channel and on pairs
     *  of neighbours) reaches this Gaussian-equivalent z; 0 turns the stage
     *  off. The level holds for up to 8 channels and up to 2048 Hz; with
     *  C > 8 channels or a rate fs > 2048 Hz the detector raises it to z'
     *  with Q(z') = Q(z) (8 / C) (2048 / fs) (Q the Gaussian upper tail,
     *  each factor only where it is under 1), so that noise confirms as
     *  many events per minute as on 8 channels at 2048 Hz: 5.5 becomes
     *  5.86 at 64 channels, 6.08 at 256, 5.62 at 4000 Hz.
     *  0..20 (default 5.5) */
    double confirm_threshold;
    /** an event on the same main channel less than this long after a
     *  larger one (more than twice its peak-to-peak) is that event's
     *  after-effect (late phases, high-pass undershoot), not a discharge,
     *  and is dropped; 0 = off. Seconds, 0..0.1 (default 0.04) */
    double shadow_s;
    /** the causal filter the input went through (the filter bank's
     *  broadband chain, fasc_filterbank_prefilter()); with it, peak times
     *  are read after a backward pass through the same sections, which
     *  cancels their phase distortion as filtfilt does. 0..
     *  FASC_DETECTOR_MAX_PREFILTER sections (default 0: peaks on the input
     *  as it is) */
    int prefilter_sections;
    fasc_biquad prefilter[FASC_DETECTOR_MAX_PREFILTER];
    /** the zero-phase reading that times peaks moves each high-pass
     *  section of the pre-filter whose corner lies above this down to it
     *  (a forward pass through the ratio of the two, then the lower one
     *  backward): passed twice, a 20 Hz high-pass shrinks a potential's
     *  slow phase below a faster one, and the largest phase of the
     *  unfiltered potential is what times a discharge. 0 = the pre-filter
     *  as it is; Hz, 0..sample_rate / 4 (default 10) */
    double timing_highpass_hz;
    /** candidates also from the second stage's short wavelets: a channel
     *  is *above* when the first or second Gaussian derivative of the
     *  widest bank width that fits in the 10 ms centring delay (1.2 ms at
     *  2048 Hz), scaled by its noise level, reaches this Gaussian z; a
     *  narrow potential gathers much more of it than of a smoothed energy.
     *  From z 4 (or this level if lower) up to it, the candidate is weak:
     *  only a known unit's template confirms it. Needs
     *  confirm_threshold > 0; 0 = off. 0..20 (default 5) */
    double wavelet_threshold;
} fasc_detector_config;

/** One candidate event. */
typedef struct fasc_detection {
    fasc_index onset;  /**< first sample of the event (release crossing) */
    fasc_index peak;   /**< sample of the largest |x| on the main channel */
    fasc_index offset; /**< last sample of the event (release crossing) */
    int main_channel;  /**< involved channel with the largest peak-to-peak */
    int polarity;      /**< +1 or -1: sign of x at the peak */
    float peak_to_peak_uv; /**< on the main channel, within onset..offset */
    float score;       /**< largest Gaussian-equivalent z of any statistic */
    float noise_sd_uv; /**< noise σ of the main channel */
    unsigned flags;    /**< FASC_DETECTION_* bits */
    /** involved channels (own threshold crossing), main first, then in
     *  ascending order; at most FASC_DETECTOR_MAX_EVENT_CHANNELS (the
     *  largest by peak-to-peak when more crossed) */
    int channel_count;
    int channels[FASC_DETECTOR_MAX_EVENT_CHANNELS];
    fasc_index channel_peak[FASC_DETECTOR_MAX_EVENT_CHANNELS]; /**< largest |x| */
    float channel_peak_to_peak_uv[FASC_DETECTOR_MAX_EVENT_CHANNELS];
    /** the main channel's neighbours (by geometry) that did not cross:
     *  their rows follow the involved channels' in the snippets, so that a
     *  later stage sees the spatial pattern around the main channel even
     *  where the potential stays below threshold (channel_count +
     *  quiet_count <= FASC_DETECTOR_MAX_EVENT_CHANNELS) */
    int quiet_count;
    int quiet_channels[4];
    /** noise σ of each snippet row's channel (µV), in row order */
    float row_noise_sd_uv[FASC_DETECTOR_MAX_EVENT_CHANNELS];
    /** snippets: channel_count + quiet_count rows of snippet_length
     *  samples, starting at input sample snippet_start = peak -
     *  round(snippet_pre_s * fs) */
    size_t snippet_length;
    fasc_index snippet_start;
    /** fasc_detector_detect_buffer only: index of this event's first
     *  snippet sample in the returned array (0 otherwise) */
    size_t snippet_offset;
} fasc_detection;

/** Snippet rows of an event: its involved channels and its quiet
 *  neighbours. */
static inline int fasc_detection_rows(const fasc_detection *ev)
{
    return ev->channel_count + ev->quiet_count;
}

/** The channel of an event's snippet row k (0 <= k < fasc_detection_rows). */
static inline int fasc_detection_row_channel(const fasc_detection *ev, int k)
{
    return k < ev->channel_count ? ev->channels[k] : ev->quiet_channels[k - ev->channel_count];
}

/** Opaque detector. */
typedef struct fasc_detector fasc_detector;

/**
 * Fills `cfg` with the defaults listed in fasc_detector_config; does
 * nothing for NULL. threshold 5 keeps false alarms on Gaussian noise near
 * one per channel-minute for the nine correlated statistics tested per
 * sample; release 2 ends a run close to where the potential returns into
 * the noise; 4 ms dead time bridges the zero crossings inside one
 * bi-/triphasic potential (6–14 ms) yet stays below the 10 ms of the
 * shortest clinically relevant repeat discharges.
 */
FASC_API void fasc_detector_config_default(fasc_detector_config *cfg);

/**
 * Checks a configuration as fasc_detector_init() does. Returns FASC_OK or
 * FASC_ERR_INVALID_ARGUMENT; `why` (may be NULL) receives a static text
 * naming the first field out of range and its range, as
 * "detector.<field>: ...", or "ok".
 */
FASC_API int fasc_detector_config_check(const fasc_detector_config *cfg, const char **why);

/**
 * Bytes of caller memory fasc_detector_init() needs (alignment slack
 * included); 0 for NULL or an invalid configuration.
 */
FASC_API size_t fasc_detector_memory_size(const fasc_detector_config *cfg);

/**
 * Builds a detector inside caller memory (any alignment); it must not be
 * destroyed, only the memory released.
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT for NULL pointers or an
 *         invalid configuration; FASC_ERR_BUFFER_TOO_SMALL if size is below
 *         fasc_detector_memory_size().
 */
FASC_API int fasc_detector_init(void *memory, size_t size,
                                const fasc_detector_config *cfg,
                                fasc_detector **det);

/**
 * Allocates and builds a detector (the only allocation).
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT or FASC_ERR_NO_MEMORY.
 */
FASC_API int fasc_detector_create(const fasc_detector_config *cfg,
                                  fasc_detector **det);

/** Frees a detector made by create and sets *det to NULL; safe on NULL. */
FASC_API void fasc_detector_destroy(fasc_detector **det);

/** Returns to the state right after init (time base, noise estimates,
 *  queue, counters). Safe on NULL. */
FASC_API void fasc_detector_reset(fasc_detector *det);

/**
 * Consumes n samples of every channel.
 * @param x `channels` pointers to n samples each (µV); may be NULL if n == 0
 * @return FASC_OK; FASC_ERR_INVALID_ARGUMENT for NULL pointers;
 *         FASC_ERR_STATE after fasc_detector_flush() (until reset).
 * Does not allocate.
 */
FASC_API int fasc_detector_process(fasc_detector *det, const float *const *x,
                                   size_t n);

/**
 * End of input: closes open runs and queues every pending event (snippet
 * samples after the last input are zero and the event is flagged
 * FASC_DETECTION_CLIPPED). Further process calls fail until reset.
 * @return FASC_OK or FASC_ERR_INVALID_ARGUMENT.
 */
FASC_API int fasc_detector_flush(fasc_detector *det);

/**
 * Pops the oldest queued event.
 * @param ev       receives the event
 * @param snippets receives fasc_detection_rows(ev) * ev->snippet_length samples,
 *                 row k for ev->channels[k], then row channel_count + j
 *                 for ev->quiet_channels[j]; may be NULL when capacity is 0
 *                 (the snippets are then discarded)
 * @param capacity floats available at `snippets`; the largest any event
 *                 needs is fasc_detector_snippet_capacity()
 * @return 1 if an event was popped, 0 if the queue is empty;
 *         FASC_ERR_BUFFER_TOO_SMALL if 0 < capacity < the event's need (the
 *         event is written to *ev but stays queued; nothing is written to
 *         `snippets`); FASC_ERR_INVALID_ARGUMENT for NULL det / ev, or NULL
 *         snippets with capacity > 0.
 */
FASC_API int fasc_detector_next(fasc_detector *det, fasc_detection *ev,
                                float *snippets, size_t capacity);

/** Events waiting in the queue (0 for NULL). */
FASC_API size_t fasc_detector_queued(const fasc_detector *det);

/**
 * Replaces the pre-filter used for peak timing (see
 * fasc_detector_config.prefilter) for events whose onset is at input index
 * `from` or later; events starting earlier keep the previous sections. For
 * a filter bank that switches its mains notches on at a known index
 * (FASC_MAINS_AUTO): call it after the filter-bank block that contains the
 * decision and before the detector processes that block.
 * @return FASC_OK, or FASC_ERR_INVALID_ARGUMENT (NULL, more than
 *         FASC_DETECTOR_MAX_PREFILTER sections, non-finite coefficients).
 */
FASC_API int fasc_detector_set_prefilter(fasc_detector *det, const fasc_biquad *sos,
                                         int n_sections, fasc_index from);

/** Candidates the second stage rejected (wavelet score below
 *  confirm_threshold, or after-effects of a larger event); 0 for NULL. */
FASC_API uint64_t fasc_detector_rejected(const fasc_detector *det);

/** Events lost because the queue (or the table of pending groups) was
 *  full, since init or reset (0 for NULL). */
FASC_API uint64_t fasc_detector_dropped(const fasc_detector *det);

/** Largest delay, in input samples, between an event's offset and the
 *  sample whose processing queues it (0 for NULL). */
FASC_API fasc_index fasc_detector_latency(const fasc_detector *det);

/** The latency a detector built with `cfg` will have, without building it
 *  (for sizing buffers before init); -1 for NULL or an invalid config. */
FASC_API fasc_index fasc_detector_config_latency(const fasc_detector_config *cfg);

/** Samples per snippet row: pre + post + 1 (0 for NULL). */
FASC_API size_t fasc_detector_snippet_length(const fasc_detector *det);

/** FASC_DETECTOR_MAX_EVENT_CHANNELS * snippet length (0 for NULL). */
FASC_API size_t fasc_detector_snippet_capacity(const fasc_detector *det);

/** Current noise σ of a channel in µV; 0 during warm-up, for NULL or a bad
 *  channel. */
FASC_API double fasc_detector_noise_sd(const fasc_detector *det, int channel);

/** Non-finite samples replaced in a channel since init or reset. */
FASC_API uint64_t fasc_detector_nonfinite_count(const fasc_detector *det,
                                                int channel);

/** Channel count (0 for NULL). */
FASC_API int fasc_detector_channels(const fasc_detector *det);

/**
 * One call for a whole in-memory recording: creates a detector, processes
 * x[c][0..n), flushes, and returns every event.
 * @param events   receives a malloc'ed array (NULL when there are none)
 * @param count    receives the number of events
 * @param snippets receives a malloc'ed array holding the snippets of all
 *                 events one after another (event i's rows start at
 *                 events[i].snippet_offset); may be NULL if not wanted
 * Free both with fasc_detector_free_results().
 * @return FASC_OK, FASC_ERR_INVALID_ARGUMENT or FASC_ERR_NO_MEMORY (then
 *         nothing is returned). Events dropped by a full queue cannot
 *         happen here: the queue is drained every block.
 */
FASC_API int fasc_detector_detect_buffer(const fasc_detector_config *cfg,
                                         const float *const *x, size_t n,
                                         fasc_detection **events,
                                         size_t *count, float **snippets);

/** Frees what fasc_detector_detect_buffer() returned; NULLs are fine. */
FASC_API void fasc_detector_free_results(fasc_detection *events,
                                         float *snippets);

#ifdef __cplusplus
}
#endif

#endif /* FASC_DETECTOR_H */
