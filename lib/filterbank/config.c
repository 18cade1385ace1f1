/* Configuration defaults and their translation into a validated design. */
#include <math.h>
#include <string.h>

#include "fb_design.h"
#include "fb_internal.h"
#include "../common/config_util.h"

/* Low-pass cutoffs are kept below this fraction of the working rate: the
 * bilinear warping compresses everything above it towards Nyquist, and
 * with decimation the anti-alias filter is only flat to 0.4. */
static const double fb_lowpass_limit = 0.45;
static const double fb_lowpass_limit_decimated = 0.4;

void fasc_filterbank_config_default(fasc_filterbank_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof *cfg);
    cfg->sample_rate = 2048.0;
    cfg->channels = 1;
    cfg->working_rate_max = 8000.0;
    cfg->highpass_hz = 20.0;
    cfg->highpass_order = 2;
    cfg->lowpass_hz = 450.0;
    cfg->lowpass_order = 4;
    cfg->mains = FASC_MAINS_AUTO;
    cfg->mains_harmonics = 3;
    cfg->notch_q = 30.0;
    cfg->mains_decision_s = 1.0;
    cfg->band_count = 4;
    cfg->band_order = 2;
}

static int design_rates(const fasc_filterbank_config *cfg, fb_design *d, const char **why)
{
    FASC_REQUIRE(fasc_in_range(cfg->sample_rate, FASC_MIN_SAMPLE_RATE, FASC_MAX_SAMPLE_RATE),
                 "filterbank.sample_rate: must be 500 to 48000 Hz");
    FASC_REQUIRE(cfg->channels >= 1 && cfg->channels <= FASC_MAX_CHANNELS,
                 "filterbank.channels: must be 1 to 256");
    FASC_REQUIRE(fasc_in_range(cfg->working_rate_max, 2000.0, FASC_MAX_SAMPLE_RATE),
                 "filterbank.working_rate_max: must be 2000 to 48000 Hz");
    d->channels = cfg->channels;
    d->input_rate = cfg->sample_rate;
    /* The relative slack keeps 48000 / 8000 from becoming 7. */
    d->decimation = (int)ceil(cfg->sample_rate / cfg->working_rate_max - 1e-9);
    if (d->decimation < 1)
        d->decimation = 1;
    d->rate = cfg->sample_rate / d->decimation;
    d->fir_taps = d->decimation > 1 ? fasc_fb_decimator_taps(d->decimation, NULL) : 0;
    FASC_REQUIRE(d->fir_taps <= FB_MAX_FIR_TAPS,
                 "filterbank.working_rate_max: the decimator this needs is too long");
    return FASC_OK;
}

static int add_butterworth(fb_design *d, fasc_filter_type type, int order,
                           double f1, double f2, int *count)
{
    size_t n = 0;
    int status = fasc_filter_butterworth(type, order, f1, f2, d->rate,
                                         d->sos + d->sections,
                                         (size_t)(FB_MAX_SECTIONS - d->sections),
                                         &n);
    d->sections += (int)n;
    *count = (int)n;
    return status;
}

static int design_prefilter(const fasc_filterbank_config *cfg, fb_design *d, const char **why)
{
    FASC_REQUIRE(cfg->highpass_order >= 0 && cfg->highpass_order <= FASC_FILTER_MAX_ORDER,
                 "filterbank.highpass_order: must be 0 (off) to 16");
    FASC_REQUIRE(cfg->lowpass_order >= 0 && cfg->lowpass_order <= FASC_FILTER_MAX_ORDER,
                 "filterbank.lowpass_order: must be 0 (off) to 16");
    double limit = (d->decimation > 1 ? fb_lowpass_limit_decimated
                                      : fb_lowpass_limit) * d->rate;
    d->lowpass_hz = 0.0;
    if (cfg->lowpass_order > 0) {
        FASC_REQUIRE(cfg->lowpass_hz > 0.0, "filterbank.lowpass_hz: must be above 0 Hz");
        d->lowpass_hz = fmin(cfg->lowpass_hz, limit);
    }
    d->highpass_hz = cfg->highpass_order > 0 ? cfg->highpass_hz : 0.0;
    FASC_REQUIRE(cfg->highpass_order == 0 ||
                     (d->highpass_hz > 0.0 &&
                      d->highpass_hz < (d->lowpass_hz > 0.0 ? d->lowpass_hz : limit)),
                 "filterbank.highpass_hz: must be above 0 and below the low-pass cutoff");
    int status = FASC_OK;
    if (cfg->highpass_order > 0)
        status = add_butterworth(d, FASC_FILTER_HIGHPASS, cfg->highpass_order,
                                 d->highpass_hz, 0.0, &d->hp_sections);
    if (status == FASC_OK && cfg->lowpass_order > 0)
        status = add_butterworth(d, FASC_FILTER_LOWPASS, cfg->lowpass_order,
                                 d->lowpass_hz, 0.0, &d->lp_sections);
    FASC_REQUIRE(status == FASC_OK, "filterbank: the pre-filter cannot be designed");
    return FASC_OK;
}

static int design_notches(const fasc_filterbank_config *cfg, fb_design *d, const char **why)
{
    d->mains = cfg->mains;
    d->decision_index = -1;
    if (cfg->mains == FASC_MAINS_OFF)
        return FASC_OK;
    FASC_REQUIRE(cfg->mains == FASC_MAINS_AUTO || cfg->mains == FASC_MAINS_50HZ ||
                     cfg->mains == FASC_MAINS_60HZ,
                 "filterbank.mains: must be off, auto, 50 or 60 Hz");
    FASC_REQUIRE(cfg->mains_harmonics >= 1 && cfg->mains_harmonics <= FB_MAX_NOTCHES,
                 "filterbank.mains_harmonics: must be 1 to 8");
    FASC_REQUIRE(fasc_in_range(cfg->notch_q, 1.0, 1000.0), "filterbank.notch_q: must be 1 to 1000");
    FASC_REQUIRE(fasc_in_range(cfg->mains_decision_s, 0.25, 10.0),
                 "filterbank.mains_decision_s: must be 0.25 to 10 s");
    static const double line_hz[2] = {50.0, 60.0};
    for (int i = 0; i < 2; i++) {
        size_t n = 0;
        int status = fasc_filter_mains_notches(line_hz[i], cfg->mains_harmonics,
                                               cfg->notch_q, d->rate,
                                               d->notch_sos[i], FB_MAX_NOTCHES,
                                               &n);
        FASC_REQUIRE(status == FASC_OK, "filterbank: the mains notches cannot be designed");
        d->notches[i] = (int)n;
    }
    int chosen = cfg->mains == FASC_MAINS_60HZ;
    if (cfg->mains == FASC_MAINS_AUTO) {
        d->notch_slots = d->notches[0] > d->notches[1] ? d->notches[0] : d->notches[1];
        for (int k = 0; k < d->notch_slots; k++)
            d->sos[d->sections + k] = (fasc_biquad){1.0, 0.0, 0.0, 0.0, 0.0};
        fasc_index n = (fasc_index)ceil(cfg->mains_decision_s * d->rate);
        d->decision_index = (n + FB_CHUNK - 1) / FB_CHUNK * FB_CHUNK;
        /* Skip the first quarter: the high-pass transient of an electrode
         * offset is a 1/f spectrum that would favour 50 over 60 Hz. */
        d->goertzel_start = d->decision_index / 4;
    } else {
        d->notch_slots = d->notches[chosen];
        memcpy(d->sos + d->sections, d->notch_sos[chosen],
               (size_t)d->notch_slots * sizeof(fasc_biquad));
    }
    d->sections += d->notch_slots;
    return FASC_OK;
}

static int explicit_band_edges(const fasc_filterbank_config *cfg)
{
    for (int b = 0; b < cfg->band_count; b++)
        if (cfg->band_low_hz[b] != 0.0 || cfg->band_high_hz[b] != 0.0)
            return 1;
    return 0;
}

static int design_bands(const fasc_filterbank_config *cfg, fb_design *d, const char **why)
{
    FASC_REQUIRE(cfg->band_count >= 0 && cfg->band_count <= FASC_FILTERBANK_MAX_BANDS,
                 "filterbank.band_count: must be 0 to 16");
    FASC_REQUIRE(cfg->band_count == 0 ||
                     (cfg->band_order >= 1 && cfg->band_order <= FB_MAX_BAND_ORDER),
                 "filterbank.band_order: must be 1 to 8");
    d->bands = cfg->band_count;
    d->streams = 1 + d->bands;
    if (d->bands == 0)
        return FASC_OK;
    if (explicit_band_edges(cfg)) {
        memcpy(d->band_low, cfg->band_low_hz, sizeof d->band_low);
        memcpy(d->band_high, cfg->band_high_hz, sizeof d->band_high);
    } else {
        double lo = d->highpass_hz > 0.0 ? d->highpass_hz : cfg->highpass_hz;
        double hi = d->lowpass_hz > 0.0 ? d->lowpass_hz : fb_lowpass_limit * d->rate;
        FASC_REQUIRE(lo > 0.0 && lo < hi,
                     "filterbank.band_count: log-spaced bands need a high-pass below the low-pass");
        double ratio = pow(hi / lo, 1.0 / d->bands);
        for (int b = 0; b < d->bands; b++) {
            d->band_low[b] = lo * pow(ratio, b);
            d->band_high[b] = b + 1 == d->bands ? hi : lo * pow(ratio, b + 1);
        }
    }
    for (int b = 0; b < d->bands; b++) {
        int status = add_butterworth(d, FASC_FILTER_BANDPASS, cfg->band_order,
                                     d->band_low[b], d->band_high[b],
                                     &d->band_sections);
        FASC_REQUIRE(status == FASC_OK, "filterbank.band_low_hz, band_high_hz: need "
                                        "0 < low < high < half the working rate");
    }
    return FASC_OK;
}

int fasc_fb_design_from_config(const fasc_filterbank_config *cfg, fb_design *d, const char **why)
{
    FASC_REQUIRE(cfg, "filterbank config is NULL");
    memset(d, 0, sizeof *d);
    int status = design_rates(cfg, d, why);
    if (status == FASC_OK)
        status = design_prefilter(cfg, d, why);
    if (status == FASC_OK)
        status = design_notches(cfg, d, why);
    if (status == FASC_OK)
        status = design_bands(cfg, d, why);
    return status == FASC_OK ? fasc_config_accept(why) : FASC_ERR_INVALID_ARGUMENT;
}

int fasc_filterbank_config_check(const fasc_filterbank_config *cfg, const char **why)
{
    fb_design d;
    return fasc_fb_design_from_config(cfg, &d, why);
}
