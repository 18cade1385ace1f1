/* The generator is deterministic: same config, same samples and events,
 * whatever the block sizes, and again after a reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "synth_fixture.h"

static fasc_synth_config busy_config(void)
{
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.channels = 4;
    cfg.seed = 42;
    cfg.fasc_per_min = 120;
    cfg.mains_hz = 60;
    cfg.ecg = cfg.voluntary = cfg.movement = cfg.pops = cfg.wander = true;
    return cfg;
}

static void assert_same(const recording *a, const recording *b)
{
    assert_int_equal(a->frames, b->frames);
    for (int c = 0; c < a->channels; c++)
        assert_memory_equal(a->x[c], b->x[c], a->frames * sizeof(float));
    assert_int_equal(a->event_count, b->event_count);
    for (size_t i = 0; i < a->event_count; i++)
        assert_memory_equal(&a->events[i], &b->events[i], sizeof a->events[i]);
}

static void block_size_does_not_change_output(void **state)
{
    (void)state;
    const fasc_synth_config cfg = busy_config();
    recording whole, ones, odd;
    assert_int_equal(recording_make(&whole, &cfg, 30.0, 1u << 20), 0);
    assert_int_equal(recording_make(&odd, &cfg, 30.0, 777), 0);
    assert_int_equal(recording_make(&ones, &cfg, 2.0, 1), 0);
    assert_true(whole.event_count > 30);
    assert_same(&whole, &odd);
    for (int c = 0; c < cfg.channels; c++)
        assert_memory_equal(whole.x[c], ones.x[c], ones.frames * sizeof(float));
    recording_free(&whole);
    recording_free(&odd);
    recording_free(&ones);
}

static void reset_replays_the_same_recording(void **state)
{
    (void)state;
    const fasc_synth_config cfg = busy_config();
    fasc_synth *s;
    assert_int_equal(fasc_synth_create(&cfg, &s), FASC_OK);
    enum { N = 20000 };
    float *first[4], *second[4];
    for (int c = 0; c < 4; c++) {
        first[c] = malloc(N * sizeof(float));
        second[c] = malloc(N * sizeof(float));
    }
    assert_int_equal(fasc_synth_generate(s, first, N, NULL, NULL), FASC_OK);
    assert_int_equal(fasc_synth_position(s), N);
    assert_int_equal(fasc_synth_reset(s), FASC_OK);
    assert_int_equal(fasc_synth_position(s), 0);
    assert_int_equal(fasc_synth_generate(s, second, N, NULL, NULL), FASC_OK);
    for (int c = 0; c < 4; c++) {
        assert_memory_equal(first[c], second[c], N * sizeof(float));
        free(first[c]);
        free(second[c]);
    }
    fasc_synth_destroy(&s);
    assert_null(s);
}

static void seed_changes_the_recording(void **state)
{
    (void)state;
    fasc_synth_config a = busy_config(), b = busy_config();
    b.seed = 43;
    recording ra, rb;
    assert_int_equal(recording_make(&ra, &a, 1.0, 4096), 0);
    assert_int_equal(recording_make(&rb, &b, 1.0, 4096), 0);
    assert_memory_not_equal(ra.x[0], rb.x[0], ra.frames * sizeof(float));
    recording_free(&ra);
    recording_free(&rb);
}

/* Switching one interference on must not move the fasciculations: each
 * source draws from its own random stream. */
static void sources_are_independent(void **state)
{
    (void)state;
    fasc_synth_config a;
    fasc_synth_config_default(&a);
    a.fasc_per_min = 60;
    fasc_synth_config b = a;
    b.ecg = b.pops = true;
    recording ra, rb;
    assert_int_equal(recording_make(&ra, &a, 60.0, 4096), 0);
    assert_int_equal(recording_make(&rb, &b, 60.0, 4096), 0);
    size_t j = 0;
    for (size_t i = 0; i < ra.event_count; i++) {
        while (j < rb.event_count && rb.events[j].cls != FASC_CLASS_FASCICULATION)
            j++;
        assert_true(j < rb.event_count);
        assert_int_equal(ra.events[i].peak_index, rb.events[j].peak_index);
        assert_int_equal(ra.events[i].unit, rb.events[j].unit);
        j++;
    }
    recording_free(&ra);
    recording_free(&rb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_size_does_not_change_output),
        cmocka_unit_test(reset_replays_the_same_recording),
        cmocka_unit_test(seed_changes_the_recording),
        cmocka_unit_test(sources_are_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
