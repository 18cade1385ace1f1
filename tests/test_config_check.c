/* The *_config_check functions: each refusal names the field that is out
 * of range, by its path in the stage's (or the composed) config, and the
 * check agrees with what *_memory_size and *_init accept. */
#include "fasc/fasc.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* why begins with "<path>:" */
static void assert_names(const char *why, const char *path)
{
    assert_non_null(why);
    const size_t n = strlen(path);
    if (strncmp(why, path, n) != 0 || why[n] != ':')
        fail_msg("expected a reason naming '%s', got '%s'", path, why);
}

static fasc_config composed(int channels)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = channels;
    return cfg;
}

static void defaults_pass(void **state)
{
    (void)state;
    const char *why = NULL;
    fasc_config cfg = composed(8);
    assert_int_equal(fasc_config_check(&cfg, &why), FASC_OK);
    assert_string_equal(why, "ok");
    assert_int_equal(fasc_config_check(&cfg, NULL), FASC_OK);
    fasc_filterbank_config fb;
    fasc_filterbank_config_default(&fb);
    assert_int_equal(fasc_filterbank_config_check(&fb, &why), FASC_OK);
    fasc_detector_config det;
    fasc_detector_config_default(&det);
    assert_int_equal(fasc_detector_config_check(&det, &why), FASC_OK);
    /* the composed defaults' common median needs 3 channels; the
     * composed object fills the count in */
    det.common_median = true;
    assert_int_equal(fasc_detector_config_check(&det, &why), FASC_ERR_INVALID_ARGUMENT);
    assert_names(why, "detector.common_median");
    fasc_classifier_config cls;
    fasc_classifier_config_default(&cls);
    assert_int_equal(fasc_classifier_config_check(&cls, &why), FASC_OK);
    assert_string_equal(why, "ok");
    /* fields the composed object fills in itself are not the caller's */
    cfg.classifier.candidate_delay_s = 5.0;
    cfg.detector.sample_rate = 1.0;
    cfg.filterbank.channels = 0;
    assert_int_equal(fasc_config_check(&cfg, &why), FASC_OK);
    assert_true(fasc_memory_size(&cfg) > 0);
    assert_int_equal(fasc_config_check(NULL, &why), FASC_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(why, "NULL"));
    assert_int_equal(fasc_filterbank_config_check(NULL, &why), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_detector_config_check(NULL, &why), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_classifier_config_check(NULL, &why), FASC_ERR_INVALID_ARGUMENT);
}

/* One field set out of range, and the path the reason must name. */
typedef struct bad_field {
    const char *path;
    void (*spoil)(fasc_config *);
} bad_field;

static void spoil_rate(fasc_config *c) { c->sample_rate = 100.0; }
static void spoil_rate_nan(fasc_config *c) { c->sample_rate = NAN; }
static void spoil_channels(fasc_config *c) { c->channels = 257; }
static void spoil_grid(fasc_config *c)
{
    c->geometry = FASC_GEOMETRY_GRID;
    c->grid_rows = 3;
    c->grid_cols = 3;
}
static void spoil_mains(fasc_config *c) { c->mains = (fasc_mains)55; }
static void spoil_working(fasc_config *c) { c->filterbank.working_rate_max = 1000.0; }
static void spoil_hp_order(fasc_config *c) { c->filterbank.highpass_order = 17; }
static void spoil_highpass(fasc_config *c) { c->filterbank.highpass_hz = 600.0; }
static void spoil_lowpass(fasc_config *c) { c->filterbank.lowpass_hz = -5.0; }
static void spoil_harmonics(fasc_config *c) { c->filterbank.mains_harmonics = 9; }
static void spoil_notch_q(fasc_config *c) { c->filterbank.notch_q = 0.5; }
static void spoil_decision(fasc_config *c) { c->filterbank.mains_decision_s = 0.1; }
static void spoil_bands(fasc_config *c) { c->filterbank.band_count = 17; }
static void spoil_band_order(fasc_config *c)
{
    c->filterbank.band_count = 2;
    c->filterbank.band_order = 9;
}
static void spoil_band_edges(fasc_config *c)
{
    c->filterbank.band_count = 1;
    c->filterbank.band_low_hz[0] = 300.0;
    c->filterbank.band_high_hz[0] = 200.0;
}
static void spoil_threshold(fasc_config *c) { c->detector.threshold = 21.0; }
static void spoil_release(fasc_config *c) { c->detector.release = c->detector.threshold; }
static void spoil_dead(fasc_config *c) { c->detector.dead_time_s = 0.010; }
static void spoil_max_event(fasc_config *c) { c->detector.max_event_s = 0.01; }
static void spoil_ceiling(fasc_config *c) { c->detector.ceiling_sd = 0.0; }
static void spoil_queue(fasc_config *c) { c->detector.queue_capacity = 0; }
static void spoil_shadow(fasc_config *c) { c->detector.shadow_s = 0.2; }
static void spoil_timing(fasc_config *c) { c->detector.timing_highpass_hz = 600.0; }
static void spoil_cmr_band(fasc_config *c) { c->detector.common_median_band = NAN; }
static void spoil_block(fasc_config *c) { c->classifier.block_s = 2.0; }
static void spoil_ratio(fasc_config *c) { c->classifier.voluntary_ratio = 1.0; }
static void spoil_match(fasc_config *c) { c->classifier.unit_match = 0.5; }
static void spoil_min_dis(fasc_config *c) { c->classifier.unit_min_discharges = 0; }
static void spoil_unit_pre(fasc_config *c) { c->classifier.unit_pre_s = 0.1; }
static void spoil_cls_queue(fasc_config *c) { c->classifier.queue_capacity = 8; }

static const bad_field bad_fields[] = {
    {"sample_rate", spoil_rate},
    {"sample_rate", spoil_rate_nan},
    {"channels", spoil_channels},
    {"grid_rows, grid_cols", spoil_grid},
    {"mains", spoil_mains},
    {"filterbank.working_rate_max", spoil_working},
    {"filterbank.highpass_order", spoil_hp_order},
    {"filterbank.highpass_hz", spoil_highpass},
    {"filterbank.lowpass_hz", spoil_lowpass},
    {"filterbank.mains_harmonics", spoil_harmonics},
    {"filterbank.notch_q", spoil_notch_q},
    {"filterbank.mains_decision_s", spoil_decision},
    {"filterbank.band_count", spoil_bands},
    {"filterbank.band_order", spoil_band_order},
    {"filterbank.band_low_hz, band_high_hz", spoil_band_edges},
    {"detector.threshold", spoil_threshold},
    {"detector.release", spoil_release},
    {"detector.dead_time_s", spoil_dead},
    {"detector.max_event_s", spoil_max_event},
    {"detector.ceiling_sd", spoil_ceiling},
    {"detector.queue_capacity", spoil_queue},
    {"detector.shadow_s", spoil_shadow},
    {"detector.timing_highpass_hz", spoil_timing},
    {"detector.common_median_band", spoil_cmr_band},
    {"classifier.block_s", spoil_block},
    {"classifier.voluntary_ratio", spoil_ratio},
    {"classifier.unit_match", spoil_match},
    {"classifier.unit_min_discharges", spoil_min_dis},
    {"classifier.unit_pre_s", spoil_unit_pre},
    {"classifier.queue_capacity", spoil_cls_queue},
};

static void each_refusal_names_its_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++) {
        fasc_config cfg = composed(8);
        bad_fields[i].spoil(&cfg);
        const char *why = NULL;
        assert_int_equal(fasc_config_check(&cfg, &why), FASC_ERR_INVALID_ARGUMENT);
        assert_names(why, bad_fields[i].path);
        assert_int_equal(fasc_memory_size(&cfg), 0);
        fasc *f = NULL;
        assert_int_equal(fasc_create(&cfg, &f), FASC_ERR_INVALID_ARGUMENT);
        assert_null(f);
        /* the stage's own check names the same field (the stage fields
         * the composed object fills in are named at the top) */
        const char *dot = strchr(bad_fields[i].path, '.');
        if (!dot)
            continue;
        const size_t stage = (size_t)(dot - bad_fields[i].path);
        int rc = FASC_OK;
        if (strncmp(bad_fields[i].path, "filterbank", stage) == 0)
            rc = fasc_filterbank_config_check(&cfg.filterbank, &why);
        else if (strncmp(bad_fields[i].path, "detector", stage) == 0)
            rc = fasc_detector_config_check(&cfg.detector, &why);
        else
            rc = fasc_classifier_config_check(&cfg.classifier, &why);
        assert_int_equal(rc, FASC_ERR_INVALID_ARGUMENT);
        assert_names(why, bad_fields[i].path);
    }
}

/* xorshift32 (Marsaglia, J. Stat. Softw. 8(14), 2003) */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Random configurations, each a few fields from the table above set out
 * of range or some numeric fields scaled: the check accepts exactly what
 * fasc_memory_size and fasc_init accept, and a refusal always gives a
 * reason naming a field. */
static void check_agrees_with_init(void **state)
{
    (void)state;
    uint32_t seed = 2463534242u;
    const size_t n_bad = sizeof bad_fields / sizeof bad_fields[0];
    int accepted = 0, refused = 0;
    static unsigned char memory[1 << 22];
    for (int trial = 0; trial < 400; trial++) {
        fasc_config cfg = composed(1 + (int)(next_random(&seed) % 16));
        const double scale = 0.25 + (double)(next_random(&seed) % 16) * 0.25;
        switch (next_random(&seed) % 6) {
        case 0: cfg.detector.threshold *= scale; break;
        case 1: cfg.detector.release *= scale; break;
        case 2: cfg.filterbank.highpass_hz *= scale * scale; break;
        case 3: cfg.classifier.unit_match *= scale; break;
        case 4: cfg.detector.max_event_s *= scale; break;
        default: cfg.sample_rate *= scale * scale; break;
        }
        if (next_random(&seed) % 3 == 0)
            bad_fields[next_random(&seed) % n_bad].spoil(&cfg);
        const char *why = NULL;
        const int rc = fasc_config_check(&cfg, &why);
        const size_t size = fasc_memory_size(&cfg);
        assert_non_null(why);
        if (rc == FASC_OK) {
            accepted++;
            assert_string_equal(why, "ok");
            assert_true(size > 0);
            if (size <= sizeof memory) {
                fasc *f = NULL;
                assert_int_equal(fasc_init(memory, size, &cfg, &f), FASC_OK);
            }
        } else {
            refused++;
            assert_int_equal(rc, FASC_ERR_INVALID_ARGUMENT);
            assert_int_equal(size, 0);
            assert_non_null(strstr(why, ": "));
        }
    }
    /* both sides of the boundary were visited */
    assert_true(accepted > 50);
    assert_true(refused > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_pass),
        cmocka_unit_test(each_refusal_names_its_field),
        cmocka_unit_test(check_agrees_with_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
