/* Internal state of the synthetic sEMG generator. */
#ifndef FASC_SYNTH_INTERNAL_H
#define FASC_SYNTH_INTERNAL_H

#include "fasc/synth.h"
#include "rng.h"

#define SHAPE_MAX_PHASES 8
#define VOLUNTARY_UNITS 24
#define PINK_SECTIONS 5
#define WANDER_COMPONENTS 2
#define WANDER_STEP 64 /* samples between exact wander values (interpolated) */

/* A motor-unit action potential on its main channel: a sum of Gaussian
 * phases of alternating sign, times relative to the discharge. */
typedef struct muap_shape {
    int phases;
    double center[SHAPE_MAX_PHASES]; /* s */
    double sigma[SHAPE_MAX_PHASES];  /* s */
    double amp[SHAPE_MAX_PHASES];    /* µV */
    double half_support;             /* s, main channel */
} muap_shape;

/* Where a unit is seen: the channels above a visibility floor, each with a
 * gain (1 on the main channel), a time shift and a widening factor. */
typedef struct unit_field {
    int count;
    int main_channel;
    int *channel;
    double *gain;
    double *shift;  /* s */
    double *widen;
    double reach;   /* s: half support on the widest channel incl. shift */
} unit_field;

typedef struct fp_unit {
    muap_shape shape;
    unit_field field;
    double amplitude_uv;   /* p2p on the main channel */
    double sampled_p2p_uv; /* the same as sampled at the output rate */
    double primary_rate;   /* primary discharges per second */
    double dead_time;      /* s, minimum interval between primary discharges */
    double next_primary;   /* s */
    double pending_repeat; /* s, < 0 if none */
    synth_rng rng;
} fp_unit;

typedef enum item_kind { ITEM_MUAP, ITEM_ECG, ITEM_MOVEMENT, ITEM_POP } item_kind;

/* One waveform being rendered into the output. */
typedef struct render_item {
    item_kind kind;
    fasc_index first, end;  /* samples [first, end) */
    double t0;              /* s: discharge / R-peak / start time */
    const muap_shape *shape;
    const unit_field *field;
    double amp_scale;
    double width_scale;
    double phase_scale[SHAPE_MAX_PHASES];
    double duration;        /* movement: s; pop: decay constant s */
    int variant;            /* movement: 0 bump, 1 biphasic */
    int channel;            /* pop channel */
} render_item;

typedef struct ecg_source {
    bool on;
    double heart_rate_bpm;
    double r_amp_uv;
    double next_r;          /* s */
    double *gain;           /* per channel */
    synth_rng rng;
} ecg_source;

typedef struct voluntary_source {
    bool on;
    bool in_epoch;
    double next_epoch;      /* s */
    double epoch_start, epoch_end, plateau_level, ramp;
    fp_unit unit[VOLUNTARY_UNITS];
    double threshold[VOLUNTARY_UNITS];
    double next_fire[VOLUNTARY_UNITS];
    synth_rng rng;
} voluntary_source;

typedef struct artefact_source {
    bool on;
    double next_time;       /* s */
    double mean_gap, min_gap;
    double *gain;           /* movement: per-channel gains */
    synth_rng rng;
} artefact_source;

typedef struct noise_state {
    double white_sd;        /* µV */
    double pink_mix;        /* weight of the 1/f-shaped copy */
    double pink_b[PINK_SECTIONS], pink_a[PINK_SECTIONS]; /* zero and pole */
    double *pink_x, *pink_y; /* per channel × section */
    synth_rng *rng;          /* per channel */
} noise_state;

typedef struct periodic_state {
    double mains_hz;
    double mains_amp_uv;
    double mains_drift_phase;
    double *mains_gain;     /* per channel */
    bool wander;
    double *wander_amp;     /* channel × component */
    double *wander_freq;
    double *wander_phase;
    double *mains_buf;      /* scratch, one block chunk */
} periodic_state;

struct fasc_synth {
    fasc_synth_config cfg;
    double fs;
    fasc_index pos;
    size_t chunk;           /* samples rendered per scheduling step */
    double median_fp_uv;
    double noise_rms_uv;
    double repeat_probability;

    int unit_count;
    fp_unit *units;
    int *unit_channel, *vol_channel;   /* field memory: unit x channel */
    double *unit_values, *vol_values;  /* gain, shift, widen: unit x 3 x channel */
    ecg_source ecg;
    voluntary_source vol;
    artefact_source movement;
    artefact_source pops;
    noise_state noise;
    periodic_state periodic;

    render_item *items;
    int item_count, item_capacity;
    float *scratch;         /* noise-free main-channel render for truth */
    size_t scratch_len;

};

/* Electrode geometry: position of channel c in inter-electrode distances. */
void fasc_sy_channel_position(const fasc_synth_config *cfg, int c, double *x, double *y);

/* muap.c */
void fasc_sy_muap_random_shape(muap_shape *shape, synth_rng *rng, double amplitude_uv,
                       int phases, double duration_s);
int fasc_sy_muap_random_phase_count(synth_rng *rng);
void fasc_sy_muap_place_unit(fp_unit *unit, const fasc_synth_config *cfg, synth_rng *rng,
                             double depth_lo, double depth_hi,
                     int *chan_buf, double *gain_buf, double *shift_buf, double *widen_buf);
double fasc_sy_muap_value(const render_item *item, int field_index, double t);
double fasc_sy_muap_sampled_p2p(const muap_shape *shape, double fs);

/* noise.c */
double fasc_sy_noise_band_power(const noise_state *noise, double fs);
void fasc_sy_noise_design(noise_state *noise, double fs);
void fasc_sy_noise_reset(noise_state *noise, int channels, uint64_t seed);
void fasc_sy_noise_add(noise_state *noise, float *out, size_t n, int channel);
void fasc_sy_periodic_init(periodic_state *p, const fasc_synth_config *cfg, synth_rng *rng);
void fasc_sy_periodic_add(periodic_state *p, float *const *out, size_t n, fasc_index pos,
                  double fs, int channels);

/* sources.c: event scheduling and rendering */
double fasc_sy_sources_next_start(const fasc_synth *s);
int fasc_sy_sources_emit_next(fasc_synth *s, fasc_synth_event_fn on_event, void *user);
void fasc_sy_items_render(fasc_synth *s, float *const *out, size_t n);

#endif
