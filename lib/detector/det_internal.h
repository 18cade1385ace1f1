/* Internal layout of fasc_detector, shared by its source files and
 * reachable from the tests and benchmarks (which link the static library).
 *
 * Time: `t` is an input sample index; the smoothed statistics written for
 * input t are centred on sample tau = t - d_max (the longest window's
 * delay), and every run, group and event is kept in that centred time,
 * which is again an input sample index of x. */
#ifndef FASC_DET_INTERNAL_H
#define FASC_DET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fasc/detector.h"
#include "loo_median.h"
#include "sortnet.h"

_Static_assert(DET_SORTNET_MAX >= FASC_MAX_CHANNELS, "a network for every channel count");

#define DET_LANES 8         /* channels per SIMD group */
#define DET_CHUNK 64        /* noise, autocorrelation and σ work happens at
                               absolute multiples of this */
/* Share of the last half second that a channel's events cover above
 * which they are the background itself (a contraction, a noise step), not
 * potentials on it: σ then takes them in, and templates stop learning. */
#define DET_BUSY_LIMIT 0.2
#define DET_SCALES 3
#define DET_MAX_NB 4
#define DET_WORDS (FASC_MAX_CHANNELS / 64)
#define DET_NOISE_BINS 512  /* 16 per octave over 32 octaves */
#define DET_ALIGN 64
#define DET_WAVELETS 12   /* Gaussian derivatives: 3 orders x 4 widths */
#define DET_ZP_LANES 4    /* channels read at zero phase side by side */

typedef struct det_design {
    int channels, groups;
    double rate;
    fasc_geometry geometry;
    int rows, cols;
    bool common_median;
    int cmr_size, cmr_pairs; /* sorting network: padded size, comparators */
    double threshold, release, ceiling_sd, ceiling_uv;
    int a[DET_SCALES];   /* box length; triangle length 2a - 1 */
    int off[DET_SCALES]; /* newest sample used by scale s is t - off[s] */
    float norm[DET_SCALES];  /* e = S2 * norm */
    float qscale, z_max;
    int d_max;           /* centring delay, a[2] - 1 */
    int zrows, erows, hrows; /* ring lengths (powers of two) */
    int max_n, dead_n, gw_n, pre_n, post_n, max_pre_n, split_n, split_gap_n;
    int guard_n;
    int snip_len;
    fasc_index tail;     /* latency from offset in centred time */
    int feed_delay;      /* input samples from a chunk end back to the end of
                            the noise window fed there (multiple of 64) */
    int noise_step, noise_cap, warm_n;
    int lags;            /* autocorrelation lags 0..lags */
    int busy_words;      /* power of two */
    int thr_chunks;
    double acf_alpha, busy_alpha;
    int queue_cap, pending_cap;
    /* verification (verify.c) */
    double confirm;
    int shadow_n, ready_n, refractory_n, keep_n, loc_n, loc_gap_n;
    int tw_n, tlag_n, max_templates, tslots; /* templates.c */
    float cmr_band;      /* common-median noise band, sd of the median */
    int nw, w_half[DET_WAVELETS], w_off[DET_WAVELETS], w_order[DET_WAVELETS], w_total, w_half_max;
    int vpad_n, zp_left_n, zp_right_n, zp_len, vwin_max;
    /* candidate wavelets (kernel): 0 or 2 (orders 1 and 2 of one width,
     * indices into the bank), z² level, ring of σ-scaled input */
    int ncw, cw[2], wrows;
    float wthr2;
    double strong_z;    /* candidates scoring less are weak (verify.c) */
    int pf_n;
    fasc_biquad pf[FASC_DETECTOR_MAX_PREFILTER];
    double zp_hp_k; /* timing high-pass corner, tan(π f / fs); 0: off */
} det_design;

/* The run a channel has open (centred times). core_* span its samples above
 * threshold (core_start < 0: none yet). pk / vl track the 2.5 ms energy for
 * the doublet split; *_v fields are the run's state just before the
 * valley, *_a fields its state from the valley on. */
typedef struct det_run {
    fasc_index onset, core_start, core_end, best_t;
    float best;
    unsigned flags;
    float pk, vl;
    fasc_index pk_t, vl_t;
    fasc_index core_end_v, best_t_v, core_start_a, core_end_a, best_t_a;
    float best_v, best_a;
    int quiet, gap; /* samples of 2.5 ms energy below release: now, longest */
} det_run;

typedef struct det_channel {
    /* thresholds on e (own scales) and on e_c + e_nb (pairs); +inf when not
     * ready. oma = 1 - a, isa = 1 / sqrt(a) of the Wilson–Hilferty map. */
    float T[DET_SCALES], R[DET_SCALES], oma[DET_SCALES], isa[DET_SCALES];
    float T2[DET_MAX_NB][DET_SCALES], R2[DET_MAX_NB][DET_SCALES];
    float oma2[DET_MAX_NB][DET_SCALES], isa2[DET_MAX_NB][DET_SCALES];
    double nu[DET_SCALES];
    int nb[DET_MAX_NB], nnb;
    bool ready;
    float sigma;
    uint32_t noise_count, noise_head, median_bin, below;
    int acf_updates;
    double busy_share;      /* smoothed share of event samples */
    uint32_t since_busy;    /* noise entries fed since the last one that lay
                               in an event (fed while busy_share was high) */
    bool fall_pending;      /* noise.c: the window restarted less than a
                               second ago and may still reach back across a fall */
    bool in_run, blocked;
    fasc_index last_active, last_offset, marked_to;
    det_run run;
    uint64_t nonfinite;
    /* verify.c: mean square of each wavelet's output on noise, in σ² */
    float wq[DET_WAVELETS];
    float wp;               /* mean input power over the same stretches */
    float wscale_old[DET_WAVELETS]; /* scales in use while they are learnt
                                       again (0: none) */
    uint32_t wupdates;
    fasc_index last_peak;   /* last accepted event on this main channel */
    float last_p2p;
    /* templates.c: the ready template that timed that event, where its
     * centre lay and its gain (-1: none) */
    int last_template;
    fasc_index last_centre, last_end;
    float last_gain;
} det_channel;

typedef struct det_group {
    uint64_t chans[DET_WORDS], near[DET_WORDS];
    fasc_index onset, offset, core_start, core_end, best_t;
    float best;
    unsigned flags;
} det_group;

/* A unit's averaged waveform on its main channel and that channel's
 * neighbours (templates.c). */
typedef struct det_template {
    int channel, count;
    fasc_index last_used;
} det_template;

/* kernel_*.c: smoothed statistics of groups [g0, g1) for inputs
 * t0 .. t0 + len - 1 (one chunk at most); writes the any-lane "above some
 * level" bits of each group to hot[g]. */
typedef void (*det_smooth_fn)(struct fasc_detector *det, int g0, int g1,
                              fasc_index t0, int len, uint8_t *hot);
/* kernel_*.c: sums over one chunk of the lane-interleaved x (64 + lags
 * rows) of x[i] x[i - k], k = 0..lags, into r[k][lane]. */
typedef void (*det_acf_fn)(const float *x, int lags, float *r);
/* median.c / kernel_avx2.c: leave-one-out medians of `lanes` samples at
 * once through a sorting network (see fasc_det_loo_medians4) */
typedef void (*det_loo_fn)(const uint16_t *pairs, int count, int size, int n, const float *x,
                           float *scratch, float *med);

/* input.c / kernel_avx2.c: eight input streams side by side: src[l][pos +
 * j] into rows[((t0 + j) & hm) * DET_LANES + l] for j in [0, len). */
typedef void (*det_rows_fn)(const float *const *src, size_t pos, float *rows, size_t hm,
                            size_t t0, int len);

struct fasc_detector {
    det_design d;
    det_rows_fn rows8;
    det_smooth_fn smooth;
    det_acf_fn acf_lags;
    det_loo_fn loo;
    int loo_lanes;          /* samples per loo call: 4 or 8 */
    fasc_index t;           /* next input index */
    fasc_index now;         /* inputs the event logic may read (< now) */
    bool flushed;
    uint64_t dropped;
    det_channel *ch;
    float *hist;            /* [group][hrows][lane] input after CMR */
    uint32_t *zring;        /* [group][zrows][lane] quantised z */
    uint32_t *acc;          /* [group][2][scale][lane] D = S1(t) - S1(t - a), S2 */
    float *inv;             /* [group][lane] 1 / σ, 0 until ready */
    float *tlow;            /* [group][scale][lane] lowest "above" level */
    float *e;               /* [group][scale][erows][lane] statistics */
    float *xswin;           /* [group][wrows][lane] input in σ units, rows t0 - 2 d_max ..
                             * t0 + len - 1 of the smoothing call, unwrapped; between calls
                             * the first 2 d_max rows hold the newest */
    float *wscale;          /* [group][DET_WAVELETS][lane] 1 / wavelet noise level */
    float *wz;              /* [group][erows][lane] largest candidate-wavelet z² */
    uint16_t *noise_ring;   /* [channel][noise_cap] histogram bins */
    uint32_t *noise_hist;   /* [channel][DET_NOISE_BINS] */
    double *acf;            /* [channel][lags + 1] averaged R(k) */
    double *win_acf;        /* [scale][lags + 1] window autocorrelation */
    float *acf_x;           /* scratch, [64 + lags][lane], then [lags + 1][lane] sums */
    uint64_t *busy;         /* [channel][busy_words] event + guard mask */
    uint64_t *nbmask;       /* [channel][DET_WORDS] */
    float *cmr_vec;         /* 8 x (2 x channels + cmr_size): network scratch */
    uint16_t *cmr_net;      /* 2 x cmr_pairs comparator indices */
    float *cmr_tau;         /* [channels]: the reference's noise band, µV */
    float cmr_env, cmr_gate; /* common-mode envelope and its level, µV² */
    float cmr_decay;        /* the envelope's release per sample */
    uint64_t runset[DET_WORDS]; /* channels in a run or blocked */
    det_group *pending;
    int npending;
    fasc_detection *queue;
    float *qsnip;           /* [queue_cap][MAX_EVENT_CHANNELS][snip_len] */
    size_t qhead, qcount;
    float *wtaps;           /* [w_total] unit-norm wavelets */
    float *vscratch;        /* [FASC_DETECTOR_MAX_EVENT_CHANNELS][vwin_max] z series */
    double *zpscratch;      /* [2 + DET_ZP_LANES][zp_len]: own, sum, lanes */
    float *lscratch;        /* [loc_n] local background, or [2 w_half_max + 49][lane] */
    float *xscratch;        /* [FASC_DETECTOR_MAX_EVENT_CHANNELS][vwin_max + 2 w_half_max] */
    det_template *templates; /* [max_templates] */
    float *tdata;           /* [max_templates][tslots][2 tw_n + 1], σ units */
    float *tscratch;        /* [2 (tw_n + tlag_n) + 1], then [tslots - 1][2 tw_n + 1] */
    float *lagscratch;      /* [2][2 tlag_n + 1]: Σ x², Σ x t per lag */
    int ntemplates;
    /* the main channel's zero-phase signal of the event being verified:
     * zpscratch[0 .. zp_n) holds inputs zp_lo .. zp_lo + zp_n - 1 */
    fasc_index zp_lo;
    int zp_n;
    /* the main channel's neighbours read in free lanes of the same first
     * pass (for the template traces): lane of neighbour j, or -1; valid
     * for the span zp_on .. zp_off only */
    int zp_nb_lane[DET_MAX_NB];
    fasc_index zp_on, zp_off;
    uint64_t suppressed;    /* candidates the verification rejected */
    /* peak-timing pre-filter from pf_from on (fasc_detector_set_prefilter) */
    fasc_biquad pf_cur[FASC_DETECTOR_MAX_PREFILTER], pf_next[FASC_DETECTOR_MAX_PREFILTER];
    int pf_cur_n, pf_next_n;
    fasc_index pf_from;
    /* the wavelet noise factors start again from the first noise chunk at
     * or after this input index (a new upstream filter changes the noise
     * spectrum they describe); INT64_MAX: none pending */
    fasc_index wq_restart;
    void *allocation;
};

/* config.c */
int fasc_det_design(const fasc_detector_config *cfg, det_design *d);

void fasc_det_smooth_generic(fasc_detector *det, int g0, int g1,
                             fasc_index t0, int len, uint8_t *hot);
void fasc_det_smooth_avx2(fasc_detector *det, int g0, int g1, fasc_index t0,
                          int len, uint8_t *hot);
/* The fastest this CPU runs (AVX2 on x86-64 when present). */
det_smooth_fn fasc_det_smooth_best(void);
void fasc_det_acf_lags_generic(const float *x, int lags, float *r);
void fasc_det_acf_lags_avx2(const float *x, int lags, float *r);
det_acf_fn fasc_det_acf_best(void);

/* input.c */
/* The plain form of det_rows_fn, and the fastest this CPU runs (8 x 8
 * transposes in AVX2 registers; the same values moved, so the same rows). */
void fasc_det_rows8_generic(const float *const *src, size_t pos, float *rows, size_t hm,
                            size_t t0, int len);
void fasc_det_rows8_avx2(const float *const *src, size_t pos, float *rows, size_t hm,
                         size_t t0, int len);
det_rows_fn fasc_det_rows8_best(void);
/* Element k of the sorted a[0..n), reordering a (Hoare's selection). */
float fasc_det_select_kth(float *a, int n, int k);
/* median.c: the same for non-negative finite values, a left unchanged
 * (0 <= k < n); equal to fasc_det_select_kth bit for bit. */
float fasc_det_kth_nonneg(const float *a, int n, int k);

/* median.c: leave-one-out medians across channels (the reference in
 * loo_median.h, and four samples at once through a sorting network;
 * identical results) */
void fasc_det_loo_medians4(const uint16_t *pairs, int count, int size, int n, const float *x,
                           float *scratch, float *med);
/* The same eight samples at once (kernel_avx2.c; call only where
 * fasc_det_loo_best chose it). x and med hold [channel][8]. */
void fasc_det_loo_medians8_avx2(const uint16_t *pairs, int count, int size, int n,
                                const float *x, float *scratch, float *med);
/* The widest network path this CPU runs and its lane count (4 or 8). */
det_loo_fn fasc_det_loo_best(int *lanes);
void fasc_det_load_input(fasc_detector *det, const float *const *x,
                         size_t pos, fasc_index t0, int len);

/* noise.c */
void fasc_det_chunk_end(fasc_detector *det);
void fasc_det_busy_mark(fasc_detector *det, int c, fasc_index from,
                        fasc_index to);
void fasc_det_thresholds(fasc_detector *det);

/* runs.c */
void fasc_det_step(fasc_detector *det, int c, fasc_index t);
void fasc_det_close_all(fasc_detector *det);

/* verify.c */
void fasc_det_wavelet_design(det_design *d);
void fasc_det_wavelet_taps(fasc_detector *det);
void fasc_det_wavelet_noise(fasc_detector *det, int g, fasc_index u0, unsigned mask);
void fasc_det_wavelet_scales(fasc_detector *det, int g);
void fasc_det_wavelet_restart(fasc_detector *det, int c);
bool fasc_det_verify(fasc_detector *det, fasc_detection *ev);
/* Whether ev is a discharge already accepted on its main channel or a
 * neighbour (peaks within the refractory time, either side) or a smaller
 * after-effect of one (within shadow_n after it). */
bool fasc_det_repeats_accepted(const fasc_detector *det, const fasc_detection *ev);
/* Channel c of an event from onset to offset (with the run-ins) after a
 * backward pass through the pre-filter: y[i] is input *lo + i; returns the
 * length. The plain reference for fasc_det_zero_phase_lanes (the tests
 * compare the two bit for bit). */
int fasc_det_zero_phase(const fasc_detector *det, int c, fasc_index onset, fasc_index offset,
                        fasc_index *lo, double *y);
/* The same for channels cs[0..m), m <= DET_ZP_LANES, side by side: lane j
 * of y4[i * DET_ZP_LANES + j] is channel cs[j] at *lo + i. */
int fasc_det_zero_phase_lanes(const fasc_detector *det, const int *cs, int m, fasc_index onset,
                              fasc_index offset, fasc_index *lo, double *y4);

/* templates.c */
void fasc_det_template_time(fasc_detector *det, fasc_detection *ev, int *template_index, int *lag,
                            float *gain);
bool fasc_det_template_ready(const fasc_detector *det, int k);
/* Whether channel c has a template ready to time and confirm discharges. */
bool fasc_det_channel_has_ready_template(const fasc_detector *det, int c);
float fasc_det_template_z(const fasc_detector *det, int k, fasc_index centre);
bool fasc_det_template_tail(const fasc_detector *det, const fasc_detection *ev);
void fasc_det_template_learn(fasc_detector *det, const fasc_detection *ev, int k, int lag,
                             fasc_index centre);

/* groups.c */
void fasc_det_run_closed(fasc_detector *det, int c, const det_run *run,
                         fasc_index offset);
void fasc_det_finalise_ready(fasc_detector *det, fasc_index tau, bool all);
/* input.c: the common-median reference's noise band from the channels'
 * noise levels (at a chunk's end, so that blocks do not matter). */
void fasc_det_cmr_band(fasc_detector *det);

static inline float *fasc_det_e(const fasc_detector *det, int c, int s,
                                fasc_index t)
{
    size_t g = (size_t)(c / DET_LANES), l = (size_t)(c % DET_LANES);
    size_t row = (size_t)t & (size_t)(det->d.erows - 1);
    return det->e + ((g * DET_SCALES + (size_t)s) * (size_t)det->d.erows + row) *
                        DET_LANES + l;
}

static inline float *fasc_det_wz(const fasc_detector *det, int c, fasc_index t)
{
    size_t g = (size_t)(c / DET_LANES), l = (size_t)(c % DET_LANES);
    size_t row = (size_t)t & (size_t)(det->d.erows - 1);
    return det->wz + (g * (size_t)det->d.erows + row) * DET_LANES + l;
}

static inline float *fasc_det_x(const fasc_detector *det, int c, fasc_index t)
{
    size_t g = (size_t)(c / DET_LANES), l = (size_t)(c % DET_LANES);
    size_t row = (size_t)t & (size_t)(det->d.hrows - 1);
    return det->hist + (g * (size_t)det->d.hrows + row) * DET_LANES + l;
}

static inline bool fasc_det_bit(const uint64_t *set, int c)
{
    return (set[c >> 6] >> (c & 63)) & 1u;
}

static inline void fasc_det_bit_set(uint64_t *set, int c, bool on)
{
    uint64_t m = (uint64_t)1 << (c & 63);
    set[c >> 6] = on ? set[c >> 6] | m : set[c >> 6] & ~m;
}

#endif
