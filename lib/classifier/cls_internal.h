/* Internal state of fasc_classifier. One block of memory holds it all
 * (classifier.c lays it out); nothing is allocated after init. */
#ifndef FASC_CLS_INTERNAL_H
#define FASC_CLS_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "fasc/classifier.h"

#define CLS_ALIGN 64
/* Sliding-window percentile histograms: 1/16 octave bins from 1e-3 µV. */
#define CLS_HIST_BINS 640
/* bins are also counted by groups of 16, so that a percentile is found
 * in at most 40 + 16 steps instead of hundreds */
#define CLS_HIST_GROUP 16
#define CLS_HIST_SLOTS (CLS_HIST_BINS + CLS_HIST_BINS / CLS_HIST_GROUP)
#define CLS_HIST_PER_OCTAVE 16
#define CLS_HIST_FLOOR 1.0e-3
/* Sub-blocks per block for the low-frequency (movement, pop) track. */
#define CLS_SUB 8
/* Heartbeats remembered for candidate checks and the rhythm estimate. */
#define CLS_BEATS 16
/* Template snapshots kept for ECG removal (beats within its horizon). */
#define CLS_SNAPS 8
/* Discharge times kept per unit for interval statistics. */
#define CLS_UNIT_TIMES 8
/* Peak offsets a unit remembers (its phase: the one most of them take) */
#define CLS_UNIT_OFFS 16
#define CLS_NO_LAG INT32_MIN
/* A unit's split test comes every CLS_UNIT_TEST discharges, on the latest
 * CLS_UNIT_HIST it keeps whole (aligned main-channel windows): fewer the
 * first time. Two units merged in one differ by more, over more windows,
 * than noise lets 2-means find between the halves of one. */
#define CLS_UNIT_TEST 16
#define CLS_UNIT_HIST 32
/* Snippet rows kept per candidate: the main channel's, the band signal over
 * the same span, then up to CLS_NB_ROWS of the main channel's neighbours
 * (a grid electrode has four). */
#define CLS_NB_ROWS 4
#define CLS_SNIP_ROWS (2 + CLS_NB_ROWS)
/* A unit's float data in ulen-sample rows: its template, neighbour rows
 * and kept windows. */
#define CLS_UNIT_FLOATS (1 + CLS_NB_ROWS + CLS_UNIT_HIST)

/* Block flags, per channel (cls_block.flags) and overall. */
enum {
    CLS_ACTIVE = 1,   /* band RMS above voluntary_ratio x rest */
    CLS_VOL = 2,      /* voluntary contraction */
    CLS_SAT = 4,      /* saturated input */
    CLS_FLAT = 8,     /* flat or disconnected */
    CLS_MOVE = 16,    /* low-frequency excursion (movement) */
    CLS_POP = 32,     /* electrode pop on this channel */
    CLS_ART = CLS_SAT | CLS_FLAT | CLS_MOVE | CLS_POP,
    CLS_ALL_ART = 64, /* consensus only: half of the leads are artefact */
    CLS_ONSET = 128   /* voluntary on this lead in this block alone (the
                         all-leads rate): not widened, not in the consensus */
};

/* Largest minus smallest of x[0..n) (0 for n < 1): a template's or a
 * snippet row's peak-to-peak. */
static inline float fasc_cls_p2p(const float *x, long n)
{
    float lo = INFINITY, hi = -INFINITY;
    for (long i = 0; i < n; i++) {
        lo = fminf(lo, x[i]);
        hi = fmaxf(hi, x[i]);
    }
    return hi > lo ? hi - lo : 0.0f;
}

/* A snippet row's peak-to-peak from an event's onset to its offset (the
 * row starts at sample row_start and holds row_len samples). */
static inline float fasc_cls_span_p2p(const float *row, fasc_index row_start, long row_len,
                                      fasc_index onset, fasc_index offset)
{
    fasc_index from = onset - row_start, to = offset - row_start;
    from = from < 0 ? 0 : from;
    to = to >= row_len ? row_len - 1 : to;
    return to >= from ? fasc_cls_p2p(row + from, (long)(to - from + 1)) : 0.0f;
}

/* A sliding-window percentile over the last `cap` values. */
typedef struct cls_hist {
    uint32_t *count; /* CLS_HIST_SLOTS: bins, then groups of bins */
    uint16_t *ring;  /* cap bin indices */
    int cap, len, head;
} cls_hist;

typedef struct cls_design {
    double rate;
    int channels, rows, cols;
    fasc_geometry geometry;
    int block_n;         /* samples per block */
    int sub_n;           /* samples per LF sub-block (block_n / CLS_SUB, >= 1) */
    int baseline_blocks; /* histogram memory */
    int vol_blocks;      /* shortest voluntary run */
    int margin_blocks;     /* voluntary epochs' widening */
    int art_margin_blocks; /* artefact epochs' widening */
    int lag_blocks;      /* blocks the voluntary test waits for candidates */
    int delay_blocks;    /* a block is final this many blocks after it ends */
    int ring_blocks;     /* power of two */
    double ratio, min_events;
    bool ecg;
    bool common_median_rows;
    int ecg_win_n, ecg_smooth_n, beat_ring_n; /* beat_ring_n: power of two */
    fasc_biquad ecg_lp;  /* QRS band low-pass of the channels' mean */
    int ecg_lp_delay_n;  /* its group delay at low frequencies */
    int upre_n, upost_n, ulen, ulag_n, merge_lag_n;
    int phase_tol_n;     /* peaks this close take one phase of a unit */
    double unit_match;
    /* rows_match[n]: the largest mean mismatch over n rows compared (main
     * and neighbours), at unit_match's tail; row_cap: any one neighbour
     * row's (units.c, rows_fit) */
    double rows_match[2 + CLS_NB_ROWS], row_cap;
    int unit_min;
    int snip_pre_n, snip_len;
    int dropout_n;       /* zero / non-finite raw samples that make a dropout */
    int queue_cap;
} cls_design;

/* Per channel, per block. */
typedef struct cls_block {
    float rms;
    float lf_jump;   /* largest low-frequency change inside the block */
    uint16_t events; /* candidates with this main channel */
    uint8_t flags;
} cls_block;

/* The sub-block sums are kept in CLS_LANES float partial sums, sample p of
 * the sub-block in partial p % CLS_LANES, each in time order: the same bits
 * however the input was split into runs (segment.c). */
#define CLS_LANES 8

typedef struct cls_channel {
    double sumsq;       /* of the current block, to its last sub-block end */
    double sub_sum;     /* raw (or band) sum of the last sub-block */
    float sq_part[CLS_LANES];  /* band squares of the current sub-block */
    float raw_part[CLS_LANES]; /* raw samples of the current sub-block, each
                                * clamped to FASC_FILTERBANK_INPUT_LIMIT */
    float lf_prev[CLS_SUB]; /* last sub-block means (ring) */
    int lf_head, lf_fill;
    float lf_jump;      /* of the current block */
    float raw_max;      /* largest |raw| so far (the rail, if clipping) */
    int rail_hits;      /* samples at raw_max in the current block */
    int zero_run;       /* consecutive exact-zero or non-finite raw samples */
    bool dropout;       /* a dropout touched the current block */
    fasc_index art_until; /* a pop's span: later blocks start marked */
    fasc_index tonic_at;  /* last discharge of a regularly firing unit seen
                             on this channel (-1: none) */
    int run;            /* consecutive active blocks */
    bool vol;           /* inside a voluntary run */
    float rest;         /* rest level (RMS) */
    float lf_typ;       /* typical block lf_jump */
    float ecg_lf;       /* lf_jump of blocks holding a beat (running mean) */
    cls_hist h_rms, h_lf;
    fasc_channel_totals tot;
    uint32_t lead_count;  /* the last count of leads that took this one in */
} cls_channel;

typedef struct cls_unit {
    int id, main_channel, merged_into, n_avg;
    bool retired;         /* left out from a restart on (count_from) */
    uint64_t discharges, repeats;
    fasc_index times[CLS_UNIT_TIMES]; /* latest first */
    int n_times;
    float p2p;            /* of the template */
    float ev_p2p;         /* the discharges' mean peak-to-peak as the detector measured it */
    float sd;             /* the main channel's noise σ at its discharges, averaged as tmpl */
    int nb_ch[4], n_nb;   /* the main channel's neighbours */
    float nb_p2p[4];      /* the discharges' mean peak-to-peak on them */
    int nb_n[4];          /* discharges averaged into each neighbour row */
    float *tmpl; /* ulen samples */
    float *nb_tmpl; /* 4 x ulen: the waveform on each neighbour, aligned as tmpl */
    int32_t offs[CLS_UNIT_OFFS]; /* the latest discharges' peaks from their
                                    template-aligned window start (ring) */
    int n_offs, offs_head;
    float *hist;          /* CLS_UNIT_HIST x ulen: the latest discharges'
                             windows as aligned to tmpl (µV) */
    float hist_p2p[CLS_UNIT_HIST];      /* their peak-to-peak on the main channel */
    fasc_index hist_peak[CLS_UNIT_HIST]; /* their peaks */
    int32_t hist_off[CLS_UNIT_HIST];    /* their offs entries */
    /* their projections on the unit's rows (main, then nb_ch[] in order)
     * in noise σ, and which were measured (bit r: the row's template had
     * settled): the unit's footprint over the electrodes, discharge by
     * discharge */
    float hist_z[CLS_UNIT_HIST][1 + CLS_NB_ROWS];
    uint8_t hist_rows[CLS_UNIT_HIST];
    /* the latest CLS_UNIT_TEST discharges' windows on the neighbour rows
     * (CLS_UNIT_TEST x CLS_NB_ROWS x ulen; kept discharge i at slot i %
     * CLS_UNIT_TEST), aligned as nb_tmpl, in steps of hist_nb_step µV (1/64
     * of the noise σ, far below it), and which rows each kept discharge
     * has there (bit r: row r; none once its slot is reused): the halves
     * of a split take their own rows from them */
    int16_t *hist_nb;
    float hist_nb_step[CLS_UNIT_TEST];
    uint8_t hist_nb_rows[CLS_UNIT_HIST];
    fasc_index last_start; /* the latest discharge's template-aligned window */
    /* the latest counted discharges' peaks from the nearest beat within
     * ecg_window_s (ring, CLS_NO_LAG: none); all counted discharges, and
     * of them those at the locked lag; the lock (units.c, note_beat_lag) */
    int32_t beat_lags[CLS_UNIT_TIMES];
    int n_lags, lags_head, n_lag_total, n_at_lock;
    int32_t lock_lag;
    bool beat_locked;
    int n_hist;           /* discharges kept (oldest first) */
    int n_new;            /* of them, gathered since the last test */
} cls_unit;

typedef struct cls_pending {
    fasc_classified ev;
    fasc_index snip_start; /* input index of the snippet's first sample */
    float noise_sd;
    bool has_band;         /* the main channel's band signal was copied */
    bool read_again;       /* its unit's previous discharge, read again */
    bool beat_locked;      /* at its unit's lag from the heartbeat, the unit locked */
    float ch_p2p[FASC_DETECTOR_MAX_EVENT_CHANNELS]; /* peak-to-peak per ev.channels[] */
    int n_nb_rows;                /* neighbour rows kept */
    int nb_row_ch[CLS_NB_ROWS];   /* their channels */
    float nb_row_sd[CLS_NB_ROWS]; /* their noise σ */
    float nb_row_p2p[CLS_NB_ROWS]; /* their peak-to-peak from onset to offset */
} cls_pending;

struct fasc_classifier {
    cls_design d;
    void *allocation;
    cls_channel *ch;
    cls_block *blocks;      /* ring_blocks x channels */
    uint8_t *overall;       /* ring_blocks overall flags */
    /* time */
    fasc_index t;           /* samples processed */
    int64_t block;          /* index of the block being filled */
    int64_t final_block;    /* blocks < final_block are final */
    uint32_t lead_count;    /* counts of leads so far (cls_channel.lead_count) */
    bool onset_window;      /* the last block's all-leads window held the rate */
    bool flushed;
    /* heartbeat detector */
    float *beat_ring;       /* beat_ring_n x channels band history */
    float *mean_ring;       /* ecg_smooth_n values of the mean's square */
    float *mean_run;        /* sub_n: channel sums of the current run */
    fasc_index ring_t;      /* samples written to beat_ring */
    double mean_floor;      /* rest level of the smoothed energy (0: unknown) */
    int mean_head;
    double mean_sum;
    double lp_z1, lp_z2;    /* state of the QRS low-pass */
    cls_hist h_mean;        /* block means of the smoothed energy */
    double mean_block_sum;
    float peak_val;
    fasc_index peak_at, above_since;
    bool in_peak;
    fasc_index beat_pending; /* QRS peak waiting for its window (-1: none) */
    float beat_pending_val;
    double spk;             /* typical beat energy */
    fasc_index spk_since;   /* the last beat, or the last lowering of spk */
    fasc_index beats[CLS_BEATS]; /* confirmed beats, latest first */
    float beat_gain[CLS_BEATS];  /* their least-squares scale to the templates */
    int beat_snap[CLS_BEATS];    /* their template snapshot (-1: none) */
    float *ecg_snap;             /* CLS_SNAPS x channels x (2 ecg_win_n + 1):
                                    the templates right after each of the
                                    last beats, which ECG removal uses */
    int snap_next;
    bool removing;               /* remove_heartbeats has been called */
    float *restored;             /* snip_len: a snippet with its beat added back */
    float *align_x;              /* 2 ecg_win_n + 1 + 2 (ecg_win_n / 2): one
                                    channel's history around a beat */
    float *align_acc;            /* 2 (ecg_win_n / 2) + 1 per-lag sums */
    double *align_total;         /* the same over all channels */
    int n_beats;
    fasc_index cand[CLS_BEATS];  /* candidate beats, latest first */
    int n_cand;
    double rr;              /* beat interval estimate, samples (0: none) */
    float *ecg_tmpl;        /* channels x (2 ecg_win_n + 1) */
    int ecg_tmpl_n;
    float *ecg_left;        /* channels x (2 ecg_win_n + 1): what the
                               detector's common median leaves of the beat
                               templates on each channel */
    int ecg_left_n;         /* the ecg_tmpl_n they were made from (-1: none) */
    float *ecg_cross;       /* 3 channels: one sample across the channels,
                               its leave-one-out medians, scratch */
    float *unit_snip;       /* CLS_SNIP_ROWS x snip_len: a candidate's rows
                               with its beat's residue taken out */
    uint64_t heartbeats;
    /* candidates and output */
    cls_pending *pend;
    float *pend_snip;       /* queue_cap x CLS_SNIP_ROWS snip_len: the detector's
                               main-channel snippet, the band signal over the
                               same span, then the neighbour rows */
    int pend_head, pend_len;
    fasc_index last_peak;   /* of the latest discharge handed out (-1: none) */
    fasc_classified *out;
    float *out_snip;
    int out_head, out_len;
    uint64_t dropped;
    /* epochs being built (overall voluntary / artefact, per-channel artefact) */
    int64_t ep_vol_start, ep_art_start;
    uint8_t ep_art_kind;    /* CLS_* artefact bits seen in the open epoch */
    int64_t *ep_ch_start;   /* channels */
    uint8_t *ep_ch_kind;    /* channels: CLS_POP or other artefact */
    /* units */
    cls_unit *units;
    float *unit_data;
    int16_t *unit_rows;     /* the units' hist_nb */
    float *scratch;         /* three unit windows of ulen + 2 ulag_n (+ 1) */
    int n_units;
    fasc_channel_totals tot;
    /* totals, unit counts and heartbeats count, and events are handed out,
     * from this working index on (fasc_classifier_count_from) */
    fasc_index count_from;
    /* the raw input jumps before this working index (fasc_classifier_join),
     * -1 when none: the low-frequency track starts again there */
    fasc_index raw_join;
    /* the latest join, kept (-1: none): a candidate whose snippet reaches
     * back across it is a splice of two recordings */
    fasc_index join_at;
};

/* classifier.c */
int fasc_cls_design(const fasc_classifier_config *cfg, cls_design *d);
bool fasc_cls_neighbours(const fasc_classifier *cls, int a, int b);
int64_t fasc_cls_block_of(const fasc_classifier *cls, fasc_index t);
cls_block *fasc_cls_block(fasc_classifier *cls, int64_t b, int channel);
uint8_t *fasc_cls_overall(fasc_classifier *cls, int64_t b);

/* hist.c */
void fasc_cls_hist_reset(cls_hist *h);
void fasc_cls_hist_add(cls_hist *h, double value);
double fasc_cls_hist_quantile(const cls_hist *h, double q);

/* segment.c */
/* Adds a run of raw samples r[0..len), the first at position p0 of its
 * sub-block, to the partial sums (r[j] into part[(p0 + j) % CLS_LANES])
 * and gives max |r| in *top; returns nonzero, and leaves part as it was,
 * when the run holds an exact zero, a non-finite sample or one beyond
 * FASC_FILTERBANK_INPUT_LIMIT. The vectorised
 * form and its plain reference give the same bits. */
int fasc_cls_scan_raw(const float *r, int p0, int len, float *part, float *top);
int fasc_cls_scan_raw_ref(const float *r, int p0, int len, float *part, float *top);
/* The partial sums' total, folded in a fixed order (l with l + 4, then
 * pairs). */
double fasc_cls_fold(const float *part);
/* The current sub-block's partial sums into the channels' block sums of
 * squares and sub-block raw sums (at every sub-block end, and at the end
 * of input before the partial last block ends). */
void fasc_cls_fold_sub_block(fasc_classifier *cls);
void fasc_cls_segment_run(fasc_classifier *cls, const float *const *band,
                          const float *const *raw, size_t from, int len);
void fasc_cls_block_end(fasc_classifier *cls);
void fasc_cls_finalize_block(fasc_classifier *cls, int64_t b);
void fasc_cls_sub_block_end(fasc_classifier *cls);
uint8_t fasc_cls_state(fasc_classifier *cls, int64_t b, int channel);
void fasc_cls_epochs_close(fasc_classifier *cls);
void fasc_cls_segment_flush(fasc_classifier *cls);

/* heartbeat.c */
void fasc_cls_beat_store(fasc_classifier *cls, const float *const *band, size_t from, int len);
void fasc_cls_beat_sample(fasc_classifier *cls, int j);
void fasc_cls_beat_block_end(fasc_classifier *cls);
/* The beat templates less the detector's common median of them, per
 * channel (2 ecg_win_n + 1 samples each, centred on the beat), and in *beat
 * the beat whose window the snippet starting at snip_start meets; NULL when
 * none or no templates yet. */
const float *fasc_cls_beat_left(fasc_classifier *cls, fasc_index snip_start, fasc_index *beat);
fasc_index fasc_cls_beat_near(const fasc_classifier *cls, fasc_index t, fasc_index window);
/* Channel k's band signal over [from, from + len) into out, while the
 * heartbeat history holds it. */
bool fasc_cls_band_copy(const fasc_classifier *cls, int k, fasc_index from, int len, float *out);
bool fasc_cls_is_ecg_shape(const fasc_classifier *cls, const fasc_classified *ev,
                           const float *snip, fasc_index snip_start, fasc_index beat,
                           double noise_sd);

bool fasc_cls_restore_beat(const fasc_classifier *cls, const fasc_classified *ev,
                           const float *snip, fasc_index snip_start, fasc_index beat,
                           float *out);

/* units.c */
/* Assigns p's candidate (a fasciculation) to the best-matching unit, or to
 * a new one when none matches and `may_create`; `snip` holds p's rows.
 * Returns the unit whose train received it, or NULL (ev->unit 0). */
cls_unit *fasc_cls_assign_unit(fasc_classifier *cls, cls_pending *p, const float *snip,
                               bool may_create);
/* Whether u's last discharges form a regular train at voluntary firing
 * rates. */
bool fasc_cls_unit_tonic(const fasc_classifier *cls, const cls_unit *u);
/* Fills d->rows_match and d->row_cap from d->unit_match (units.c). */
void fasc_cls_rows_levels(cls_design *d);
/* Takes back the discharge fasc_cls_assign_unit counted for ev (which u
 * received), keeping it in u's train. */
void fasc_cls_unit_unclaim(fasc_classifier *cls, cls_unit *u, fasc_classified *ev);

/* decide.c */
void fasc_cls_decide_until(fasc_classifier *cls, int64_t final_block);
int fasc_cls_emit(fasc_classifier *cls, const fasc_classified *ev, const float *snip);
/* While the candidate with this peak is decided, the sample its peak may
 * move up to (not included): the next candidate's peak, or the end of the
 * candidate's own block. */
fasc_index fasc_cls_retime_limit(fasc_classifier *cls, fasc_index peak);
void fasc_cls_queue_beat(fasc_classifier *cls, const fasc_classified *ev);

#endif
