/* Waveform features (fasc_features_waveform) on hand-built shapes whose
 * answers are known: phases, turns, duration, area, rise time, centroid. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fasc/classifier.h"

#define FS 2048.0
#define N 205 /* 100 ms */
#define MID 102
static const double sd = 1.0; /* noise band 2 µV */
static const double pi = 3.14159265358979323846;

/* One period of sin over `len` samples centred on MID, `lobes` half-waves,
 * amplitude a (phases alternate in sign: lobes = phases). */
static void lobes(float *x, int lobes_n, int len, double a)
{
    memset(x, 0, sizeof(float) * N);
    const int start = MID - len / 2;
    for (int i = 0; i < len; i++)
        x[start + i] = (float)(a * sin(pi * lobes_n * (i + 0.5) / len));
}

static size_t argmax_abs(const float *x)
{
    size_t best = 0;
    for (size_t i = 1; i < N; i++)
        if (fabsf(x[i]) > fabsf(x[best]))
            best = i;
    return best;
}

static void phases_count_lobes(void **state)
{
    (void)state;
    float x[N];
    for (int k = 1; k <= 6; k++) {
        lobes(x, k, 10 * k, 100.0); /* ~5 ms per phase */
        fasc_features f;
        assert_int_equal(fasc_features_waveform(x, N, argmax_abs(x), FS, sd, &f), FASC_OK);
        assert_int_equal(f.phases, k);
        /* a turn is a peak, a change of direction (Willison): one per lobe */
        assert_int_equal(f.turns, k);
    }
}

static void duration_area_p2p(void **state)
{
    (void)state;
    float x[N];
    /* a rectangle of 41 samples at 50 µV: duration 41 samples, area
     * 50 µV x 41 / FS s, p2p 50 (the baseline is 0) */
    memset(x, 0, sizeof x);
    for (int i = 0; i < 41; i++)
        x[80 + i] = 50.0f;
    fasc_features f;
    assert_int_equal(fasc_features_waveform(x, N, 100, FS, sd, &f), FASC_OK);
    assert_float_equal(f.duration_ms, 41 * 1000.0 / FS, 1e-3);
    assert_float_equal(f.area_uv_ms, 50.0 * 41 * 1000.0 / FS, 1e-2);
    assert_float_equal(f.peak_to_peak_uv, 50.0, 1e-4);
    assert_int_equal(f.phases, 1);
    assert_int_equal(f.turns, 1); /* the plateau's end, where it falls */
}

static void quiet_gap_ends_the_potential(void **state)
{
    (void)state;
    float x[N];
    memset(x, 0, sizeof x);
    /* two pulses 20 ms apart: the second lies beyond the 2 ms quiet rule */
    for (int i = 0; i < 10; i++) {
        x[60 + i] = 40.0f;
        x[101 + i] = -40.0f;
    }
    fasc_features f;
    assert_int_equal(fasc_features_waveform(x, N, 60, FS, sd, &f), FASC_OK);
    assert_float_equal(f.duration_ms, 10 * 1000.0 / FS, 1e-3);
    assert_int_equal(f.phases, 1);
}

static void rise_time_from_opposite_peak(void **state)
{
    (void)state;
    float x[N];
    lobes(x, 2, 40, 100.0); /* + lobe then - lobe, peaks 20 samples apart */
    const size_t neg = MID - 20 + 30, pos = MID - 20 + 10;
    fasc_features f;
    assert_int_equal(fasc_features_waveform(x, N, neg, FS, sd, &f), FASC_OK);
    assert_float_equal(f.rise_time_ms, (double)(neg - pos) * 1000.0 / FS, 1000.0 / FS + 1e-6);
    /* from the first peak there is nothing of opposite sign before it */
    assert_int_equal(fasc_features_waveform(x, N, pos, FS, sd, &f), FASC_OK);
    assert_true(f.rise_time_ms <= 10 * 1000.0 / FS);
}

static void centroid_of_tone_bursts(void **state)
{
    (void)state;
    static const double freqs[] = {60.0, 120.0, 250.0};
    float x[N];
    for (size_t k = 0; k < 3; k++) {
        memset(x, 0, sizeof x);
        for (int i = 20; i < 180; i++) /* 78 ms of a steady tone */
            x[i] = (float)(100.0 * sin(2.0 * pi * freqs[k] * i / FS));
        fasc_features f;
        assert_int_equal(fasc_features_waveform(x, N, 100, FS, sd, &f), FASC_OK);
        /* the Hann window's main lobe is symmetric; leakage is small */
        assert_float_equal(f.spectral_centroid_hz, freqs[k], 0.12 * freqs[k]);
    }
}

static void noise_below_band_is_one_phase(void **state)
{
    (void)state;
    float x[N];
    /* a ripple under the 2 σ band around a single big peak adds no phase */
    for (int i = 0; i < N; i++)
        x[i] = (float)(1.5 * sin(2.0 * pi * 300.0 * i / FS));
    for (int i = -5; i <= 5; i++)
        x[MID + i] += (float)(60.0 * cos(pi * i / 10.0));
    fasc_features f;
    assert_int_equal(fasc_features_waveform(x, N, MID, FS, sd, &f), FASC_OK);
    assert_int_equal(f.phases, 1);
}

static void bad_arguments(void **state)
{
    (void)state;
    float x[N] = {0};
    fasc_features f;
    assert_int_equal(fasc_features_waveform(NULL, N, 0, FS, sd, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_features_waveform(x, N, 0, FS, sd, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_features_waveform(x, 0, 0, FS, sd, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_features_waveform(x, N, N, FS, sd, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_features_waveform(x, N, 0, 0.0, sd, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_features_waveform(x, N, 0, FS, 0.0, &f), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_features_waveform(x, N, 0, FS, NAN, &f), FASC_ERR_INVALID_ARGUMENT);
    /* all-zero input is valid: one sample, one phase, nothing else */
    assert_int_equal(fasc_features_waveform(x, N, 5, FS, sd, &f), FASC_OK);
    assert_float_equal(f.peak_to_peak_uv, 0.0, 0.0);
    assert_int_equal(f.phases, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phases_count_lobes),
        cmocka_unit_test(duration_area_p2p),
        cmocka_unit_test(quiet_gap_ends_the_potential),
        cmocka_unit_test(rise_time_from_opposite_peak),
        cmocka_unit_test(centroid_of_tone_bursts),
        cmocka_unit_test(noise_below_band_is_one_phase),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
