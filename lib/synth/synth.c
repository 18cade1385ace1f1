/* fasc_synth: configuration, allocation, setup and the block loop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detmath.h"
#include "synth_internal.h"

#define CHUNK_MAX 1024
/* Items are scheduled a chunk ahead; 50 ms chunks bound how many discharges
 * of one unit can be pending at once (see item_capacity). */
#define CHUNK_SECONDS 0.05
/* Typical FP peak-to-peak on surface electrodes is ~100-300 µV
 * (Bashford et al., Clin Neurophysiol 131:265, 2020); units spread over a
 * factor of ~3 around it. */
#define MEDIAN_FP_UV 150.0
#define REPEAT_PROBABILITY 0.10

void fasc_synth_config_default(fasc_synth_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = 2048.0;
    cfg->channels = 8;
    cfg->seed = 1;
    cfg->units = 6;
    cfg->fasc_per_min = 20.0;
    cfg->snr_db = 12.0;
    cfg->noise = true;
}

int fasc_synth_config_check(const fasc_synth_config *cfg, const char **msg)
{
    const char *why = NULL;
    if (!cfg)
        why = "config is NULL";
    else if (!(cfg->sample_rate >= FASC_MIN_SAMPLE_RATE && cfg->sample_rate <= FASC_MAX_SAMPLE_RATE))
        why = "sample rate must be 500-48000 Hz";
    else if (cfg->channels < 1 || cfg->channels > FASC_MAX_CHANNELS)
        why = "channels must be 1-256";
    else if (cfg->grid_rows < 0 || cfg->grid_cols < 0 ||
             ((cfg->grid_rows > 0 || cfg->grid_cols > 0) &&
              (long)cfg->grid_rows * cfg->grid_cols != cfg->channels))
        why = "grid rows x columns must equal the channel count";
    else if (cfg->units < 0 || cfg->units > FASC_SYNTH_MAX_UNITS)
        why = "units must be 0-64";
    else if (!(cfg->fasc_per_min >= 0.0 && cfg->fasc_per_min <= 600.0))
        why = "fasciculation rate must be 0-600 per minute";
    else if (!(cfg->snr_db >= -20.0 && cfg->snr_db <= 80.0))
        why = "SNR must be -20 to 80 dB";
    else if (!(cfg->mains_hz == 0.0 || cfg->mains_hz == 50.0 || cfg->mains_hz == 60.0))
        why = "mains must be 0, 50 or 60 Hz";
    if (msg)
        *msg = why ? why : "ok";
    return why ? FASC_ERR_INVALID_ARGUMENT : FASC_OK;
}

static void *alloc_array(size_t count, size_t size, int *failed)
{
    void *p = calloc(count ? count : 1, size);
    if (!p)
        *failed = 1;
    return p;
}

static void free_all(fasc_synth *s)
{
    free(s->units);
    free(s->unit_channel);
    free(s->unit_values);
    free(s->vol_channel);
    free(s->vol_values);
    free(s->ecg.gain);
    free(s->movement.gain);
    free(s->noise.pink_x);
    free(s->noise.pink_y);
    free(s->noise.rng);
    free(s->periodic.mains_gain);
    free(s->periodic.wander_amp);
    free(s->periodic.wander_freq);
    free(s->periodic.wander_phase);
    free(s->periodic.mains_buf);
    free(s->items);
    free(s->scratch);
    free(s);
}

/* Field buffers of unit k: channel index, gain, shift, widen. */
static void field_buffers(int *channel_mem, double *value_mem, int k, int channels,
                          int **chan, double **gain, double **shift, double **widen)
{
    const size_t base = (size_t)k * (size_t)channels;
    *chan = channel_mem + base;
    *gain = value_mem + 3 * base;
    *shift = *gain + channels;
    *widen = *shift + channels;
}

static void setup_fp_units(fasc_synth *s)
{
    const fasc_synth_config *cfg = &s->cfg;
    synth_rng rng;
    fasc_sy_rng_seed(&rng, cfg->seed, 1);
    double weight_sum = 0.0;
    double weight[FASC_SYNTH_MAX_UNITS];
    for (int i = 0; i < s->unit_count; i++) {
        fp_unit *u = &s->units[i];
        u->amplitude_uv = MEDIAN_FP_UV * fasc_sy_det_exp(0.6931471805599453 * fasc_sy_rng_range(&rng, -0.5, 0.5));
        const int phases = fasc_sy_muap_random_phase_count(&rng);
        const double duration = phases <= 3 ? fasc_sy_rng_range(&rng, 0.006, 0.014)
                                            : fasc_sy_rng_range(&rng, 0.010, 0.020);
        fasc_sy_muap_random_shape(&u->shape, &rng, u->amplitude_uv, phases, duration);
        int *chan;
        double *gain, *shift, *widen;
        field_buffers(s->unit_channel, s->unit_values, i, cfg->channels, &chan, &gain, &shift, &widen);
        /* FP units: 0.4-1.2 IED deep, seen on one to about four channels */
        fasc_sy_muap_place_unit(u, cfg, &rng, 0.4, 1.2, chan, gain, shift, widen);
        u->sampled_p2p_uv = fasc_sy_muap_sampled_p2p(&u->shape, s->fs);
        /* Units fasciculate at very different rates (Bashford 2020). */
        weight[i] = fasc_sy_det_exp(0.6 * fasc_sy_rng_gauss(&rng));
        weight_sum += weight[i];
    }
    const double total_rate = cfg->fasc_per_min / 60.0;
    for (int i = 0; i < s->unit_count; i++) {
        fp_unit *u = &s->units[i];
        u->primary_rate = total_rate * weight[i] / weight_sum / (1.0 + s->repeat_probability);
        fasc_sy_rng_seed(&u->rng, cfg->seed, 100u + (uint64_t)i);
        u->pending_repeat = -1.0;
        if (u->primary_rate > 0.0) {
            const double mean = 1.0 / u->primary_rate;
            u->dead_time = mean * 0.5 < 0.1 ? mean * 0.5 : 0.1;
            u->next_primary = fasc_sy_rng_exponential(&u->rng, mean);
        } else {
            u->next_primary = HUGE_VAL;
        }
    }
}

/* Median FP amplitude over discharges: units weighted by their rates. */
static double weighted_median_amplitude(const fasc_synth *s)
{
    double total = 0.0;
    for (int i = 0; i < s->unit_count; i++)
        total += s->units[i].primary_rate;
    if (!(total > 0.0))
        return MEDIAN_FP_UV;
    int order[FASC_SYNTH_MAX_UNITS];
    for (int i = 0; i < s->unit_count; i++)
        order[i] = i;
    for (int i = 1; i < s->unit_count; i++)
        for (int j = i; j > 0 && s->units[order[j]].sampled_p2p_uv < s->units[order[j - 1]].sampled_p2p_uv; j--) {
            const int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    double acc = 0.0;
    for (int i = 0; i < s->unit_count; i++) {
        acc += s->units[order[i]].primary_rate;
        if (acc >= 0.5 * total)
            return s->units[order[i]].sampled_p2p_uv;
    }
    return s->units[order[s->unit_count - 1]].sampled_p2p_uv;
}

static void setup_ecg(fasc_synth *s)
{
    ecg_source *e = &s->ecg;
    e->on = s->cfg.ecg;
    fasc_sy_rng_seed(&e->rng, s->cfg.seed, 2);
    /* Resting heart rate 50-100 bpm; R waves of 100-400 µV reach limb and
     * trunk sEMG electrodes, larger near the heart. */
    e->heart_rate_bpm = fasc_sy_rng_range(&e->rng, 50.0, 100.0);
    e->r_amp_uv = fasc_sy_rng_range(&e->rng, 100.0, 400.0);
    const double slope = fasc_sy_rng_range(&e->rng, -0.4, 0.4);
    const int n = s->cfg.channels;
    for (int c = 0; c < n; c++)
        e->gain[c] = 0.75 + slope * (n > 1 ? (double)c / (n - 1) - 0.5 : 0.0);
    e->next_r = fasc_sy_rng_range(&e->rng, 0.4, 0.4 + 60.0 / e->heart_rate_bpm);
}

static void setup_voluntary(fasc_synth *s)
{
    voluntary_source *v = &s->vol;
    v->on = s->cfg.voluntary;
    v->in_epoch = false;
    fasc_sy_rng_seed(&v->rng, s->cfg.seed, 3);
    for (int j = 0; j < VOLUNTARY_UNITS; j++) {
        fp_unit *u = &v->unit[j];
        const double rank = (double)j / (VOLUNTARY_UNITS - 1);
        /* Size principle: later-recruited units are larger (Henneman, Science
         * 126:1345, 1957). */
        v->threshold[j] = 0.02 + 0.6 * rank * rank;
        u->amplitude_uv = MEDIAN_FP_UV * (0.5 + 2.0 * rank) * fasc_sy_rng_range(&v->rng, 0.8, 1.25);
        fasc_sy_muap_random_shape(&u->shape, &v->rng, u->amplitude_uv,
                          fasc_sy_rng_uniform(&v->rng) < 0.8 ? 3 : 2, fasc_sy_rng_range(&v->rng, 0.006, 0.012));
        int *chan;
        double *gain, *shift, *widen;
        field_buffers(s->vol_channel, s->vol_values, j, s->cfg.channels, &chan, &gain, &shift, &widen);
        /* A contraction recruits units throughout the muscle, deeper ones
         * too: together they cover every electrode over it. */
        fasc_sy_muap_place_unit(u, &s->cfg, &v->rng, 0.6, 2.0, chan, gain, shift, widen);
        v->next_fire[j] = HUGE_VAL;
    }
    v->next_epoch = 2.0 + fasc_sy_rng_exponential(&v->rng, 20.0);
}

static void setup_artefact(artefact_source *a, bool on, uint64_t seed, uint64_t stream,
                           double mean_gap, double min_gap)
{
    a->on = on;
    a->mean_gap = mean_gap;
    a->min_gap = min_gap;
    fasc_sy_rng_seed(&a->rng, seed, stream);
    a->next_time = 1.0 + fasc_sy_rng_exponential(&a->rng, mean_gap);
}

static void setup(fasc_synth *s)
{
    const fasc_synth_config *cfg = &s->cfg;
    s->pos = 0;
    s->item_count = 0;
    setup_fp_units(s);
    s->median_fp_uv = weighted_median_amplitude(s);
    s->noise_rms_uv = s->median_fp_uv / fasc_sy_det_exp(cfg->snr_db / 20.0 * 2.302585092994046);
    fasc_sy_noise_design(&s->noise, s->fs);
    s->noise.white_sd = s->noise_rms_uv / sqrt(fasc_sy_noise_band_power(&s->noise, s->fs));
    fasc_sy_noise_reset(&s->noise, cfg->channels, cfg->seed);
    setup_ecg(s);
    setup_voluntary(s);
    /* Movement every ~40 s and a pop every ~30 s on average: frequent enough
     * to test rejection in a few minutes of recording. */
    setup_artefact(&s->movement, cfg->movement, cfg->seed, 4, 40.0, 2.0);
    setup_artefact(&s->pops, cfg->pops, cfg->seed, 5, 30.0, 1.0);
    synth_rng prng;
    fasc_sy_rng_seed(&prng, cfg->seed, 6);
    fasc_sy_periodic_init(&s->periodic, cfg, &prng);
}

int fasc_synth_create(const fasc_synth_config *cfg, fasc_synth **out)
{
    if (!out)
        return FASC_ERR_INVALID_ARGUMENT;
    *out = NULL;
    int rc = fasc_synth_config_check(cfg, NULL);
    if (rc != FASC_OK)
        return rc;
    fasc_synth *s = calloc(1, sizeof *s);
    if (!s)
        return FASC_ERR_NO_MEMORY;
    s->cfg = *cfg;
    s->fs = cfg->sample_rate;
    s->unit_count = cfg->units;
    s->repeat_probability = REPEAT_PROBABILITY;
    const size_t ch = (size_t)cfg->channels;
    int failed = 0;
    s->units = alloc_array((size_t)s->unit_count, sizeof *s->units, &failed);
    s->unit_channel = alloc_array((size_t)s->unit_count * ch, sizeof(int), &failed);
    s->unit_values = alloc_array((size_t)s->unit_count * ch * 3, sizeof(double), &failed);
    s->vol_channel = alloc_array(VOLUNTARY_UNITS * ch, sizeof(int), &failed);
    s->vol_values = alloc_array(VOLUNTARY_UNITS * ch * 3, sizeof(double), &failed);
    s->ecg.gain = alloc_array(ch, sizeof(double), &failed);
    s->movement.gain = alloc_array(ch, sizeof(double), &failed);
    s->noise.pink_x = alloc_array(ch * PINK_SECTIONS, sizeof(double), &failed);
    s->noise.pink_y = alloc_array(ch * PINK_SECTIONS, sizeof(double), &failed);
    s->noise.rng = alloc_array(ch, sizeof(synth_rng), &failed);
    s->periodic.mains_gain = alloc_array(ch, sizeof(double), &failed);
    s->periodic.wander_amp = alloc_array(ch * WANDER_COMPONENTS, sizeof(double), &failed);
    s->periodic.wander_freq = alloc_array(ch * WANDER_COMPONENTS, sizeof(double), &failed);
    s->periodic.wander_phase = alloc_array(ch * WANDER_COMPONENTS, sizeof(double), &failed);
    s->chunk = (size_t)(CHUNK_SECONDS * s->fs);
    if (s->chunk > CHUNK_MAX)
        s->chunk = CHUNK_MAX;
    s->periodic.mains_buf = alloc_array(s->chunk, sizeof(double), &failed);
    /* Pending items span one chunk plus a waveform (< 0.12 s): at most a few
     * discharges per unit (dead time >= 55 ms, repeats >= 10 ms after a
     * primary; voluntary ISI >= 16 ms); ECG, movement and pops a few each. */
    s->item_capacity = 8 * (s->unit_count + VOLUNTARY_UNITS) + 32;
    s->items = alloc_array((size_t)s->item_capacity, sizeof *s->items, &failed);
    s->scratch_len = (size_t)ceil(3.0 * s->fs) + 16;
    s->scratch = alloc_array(s->scratch_len, sizeof(float), &failed);
    if (failed) {
        free_all(s);
        return FASC_ERR_NO_MEMORY;
    }
    setup(s);
    *out = s;
    return FASC_OK;
}

int fasc_synth_reset(fasc_synth *synth)
{
    if (!synth)
        return FASC_ERR_INVALID_ARGUMENT;
    setup(synth);
    return FASC_OK;
}

void fasc_synth_destroy(fasc_synth **synth)
{
    if (!synth || !*synth)
        return;
    free_all(*synth);
    *synth = NULL;
}

int fasc_synth_generate(fasc_synth *s, float *const *out, size_t frames,
                        fasc_synth_event_fn on_event, void *user)
{
    if (!s || (frames > 0 && !out))
        return FASC_ERR_INVALID_ARGUMENT;
    for (int c = 0; c < s->cfg.channels && frames > 0; c++)
        if (!out[c])
            return FASC_ERR_INVALID_ARGUMENT;
    float *chunk[FASC_MAX_CHANNELS];
    size_t done = 0;
    while (done < frames) {
        const size_t n = frames - done < s->chunk ? frames - done : s->chunk;
        const double chunk_end = (double)(s->pos + (fasc_index)n) / s->fs;
        while (fasc_sy_sources_next_start(s) < chunk_end) {
            const int rc = fasc_sy_sources_emit_next(s, on_event, user);
            if (rc != FASC_OK)
                return rc;
        }
        for (int c = 0; c < s->cfg.channels; c++) {
            chunk[c] = out[c] + done;
            memset(chunk[c], 0, n * sizeof(float));
        }
        fasc_sy_items_render(s, chunk, n);
        fasc_sy_periodic_add(&s->periodic, chunk, n, s->pos, s->fs, s->cfg.channels);
        if (s->cfg.noise)
            for (int c = 0; c < s->cfg.channels; c++)
                fasc_sy_noise_add(&s->noise, chunk[c], n, c);
        s->pos += (fasc_index)n;
        done += n;
    }
    return FASC_OK;
}

double fasc_synth_noise_rms_uv(const fasc_synth *s)
{
    return s ? s->noise_rms_uv : 0.0;
}

double fasc_synth_median_fp_uv(const fasc_synth *s)
{
    return s ? s->median_fp_uv : 0.0;
}

double fasc_synth_unit_rate_per_min(const fasc_synth *s, int unit)
{
    if (!s || unit < 1 || unit > s->unit_count)
        return 0.0;
    return 60.0 * s->units[unit - 1].primary_rate * (1.0 + s->repeat_probability);
}

double fasc_synth_heart_rate_bpm(const fasc_synth *s)
{
    return s && s->ecg.on ? s->ecg.heart_rate_bpm : 0.0;
}

fasc_index fasc_synth_position(const fasc_synth *s)
{
    return s ? s->pos : 0;
}
