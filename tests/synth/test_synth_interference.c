/* Each interference switch changes the signal as it should. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "synth_fixture.h"

static fasc_synth_config quiet_config(void)
{
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.channels = 4;
    cfg.units = 2;
    cfg.fasc_per_min = 10.0;
    cfg.snr_db = 20.0;
    cfg.seed = 5;
    return cfg;
}

/* Power of x at frequency f (single-bin DFT over the whole record). */
static double tone_power(const float *x, size_t n, double f, double fs)
{
    double re = 0.0, im = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double ph = 2.0 * 3.14159265358979323846 * f * (double)i / fs;
        re += x[i] * cos(ph);
        im -= x[i] * sin(ph);
    }
    return (re * re + im * im) / ((double)n * n);
}

static void mains_line_at_its_frequency(void **state)
{
    (void)state;
    const double mains[2] = {50.0, 60.0};
    for (int m = 0; m < 2; m++) {
        fasc_synth_config cfg = quiet_config();
        cfg.mains_hz = mains[m];
        recording r;
        assert_int_equal(recording_make(&r, &cfg, 10.0, 4096), 0);
        const double other = mains[1 - m];
        const double line = tone_power(r.x[0], r.frames, mains[m], 2048.0);
        const double third = tone_power(r.x[0], r.frames, 3.0 * mains[m], 2048.0);
        const double off = tone_power(r.x[0], r.frames, other, 2048.0);
        const double beside = tone_power(r.x[0], r.frames, mains[m] + 3.3, 2048.0);
        if (!(line > 100.0 * off && line > 100.0 * beside && third > 10.0 * beside))
            fail_msg("mains %.0f: line %.3g, other %.3g, beside %.3g, 3rd %.3g", mains[m], line, off,
                     beside, third);
        recording_free(&r);
    }
}

static void ecg_beats_periodic_and_visible(void **state)
{
    (void)state;
    fasc_synth_config cfg = quiet_config();
    cfg.ecg = true;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, 60.0, 4096), 0);
    assert_true(r.heart_rate_bpm >= 50.0 && r.heart_rate_bpm <= 100.0);
    double prev = -1.0, sum = 0.0, sum2 = 0.0, avg_r = 0.0, avg_base = 0.0;
    int n = 0, beats = 0;
    for (size_t i = 0; i < r.event_count; i++) {
        const fasc_synth_event *e = &r.events[i];
        if (e->cls != FASC_CLASS_ECG)
            continue;
        beats++;
        /* Coherent average on every channel: the R wave stands out. */
        for (int c = 0; c < cfg.channels; c++) {
            avg_r += r.x[c][e->peak_index];
            const long b = (long)e->peak_index - (long)(0.1 * 2048);
            avg_base += b >= 0 ? r.x[c][b] : 0.0;
        }
        if (prev >= 0.0) {
            const double d = e->peak_s - prev;
            sum += d;
            sum2 += d * d;
            n++;
        }
        prev = e->peak_s;
    }
    const double mean = sum / n, cv = sqrt(sum2 / n - mean * mean) / mean;
    if (fabs(mean - 60.0 / r.heart_rate_bpm) > 0.05 * mean || cv > 0.1 || cv < 0.005)
        fail_msg("RR mean %.3f s (HR %.1f bpm), CV %.3f", mean, r.heart_rate_bpm, cv);
    avg_r /= beats * cfg.channels;
    avg_base /= beats * cfg.channels;
    assert_true(avg_r - avg_base > 50.0);
    recording_free(&r);
}

static double rms(const float *x, size_t a, size_t b)
{
    double ss = 0.0;
    for (size_t i = a; i < b; i++)
        ss += (double)x[i] * x[i];
    return sqrt(ss / (double)(b - a));
}

static void voluntary_epochs_are_dense(void **state)
{
    (void)state;
    fasc_synth_config cfg = quiet_config();
    cfg.voluntary = true;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, 120.0, 4096), 0);
    int epochs = 0;
    for (int c = 0; c < cfg.channels; c++)
        snr_band_filter(r.x[c], r.frames, 2048.0);
    double in_ss = 0.0, out_ss = 0.0;
    size_t in_n = 0, out_n = 0;
    unsigned char *inside = calloc(r.frames, 1);
    for (size_t i = 0; i < r.event_count; i++) {
        const fasc_synth_event *e = &r.events[i];
        if (e->cls != FASC_CLASS_VOLUNTARY)
            continue;
        epochs++;
        assert_true(e->duration_s >= 2.0 && e->duration_s <= 8.0);
        for (size_t k = (size_t)(e->onset_s * 2048); k < (size_t)((e->onset_s + e->duration_s) * 2048) && k < r.frames; k++)
            inside[k] = 1;
    }
    assert_true(epochs >= 1);
    for (int c = 0; c < cfg.channels; c++)
        for (size_t k = 2048; k < r.frames; k++) {
            if (inside[k]) { in_ss += (double)r.x[c][k] * r.x[c][k]; in_n++; }
            else { out_ss += (double)r.x[c][k] * r.x[c][k]; out_n++; }
        }
    free(inside);
    const double ratio = sqrt(in_ss / in_n) / sqrt(out_ss / out_n);
    if (ratio < 3.0)
        fail_msg("voluntary epochs only %.2f x the RMS of rest", ratio);
    recording_free(&r);
}

static void movement_is_large_and_slow(void **state)
{
    (void)state;
    fasc_synth_config cfg = quiet_config();
    cfg.movement = true;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, 180.0, 4096), 0);
    int seen = 0;
    for (size_t i = 0; i < r.event_count; i++) {
        const fasc_synth_event *e = &r.events[i];
        if (e->cls != FASC_CLASS_MOVEMENT)
            continue;
        seen++;
        assert_true(e->duration_s > 0.05 && e->duration_s <= 1.0);
        assert_true(e->peak_to_peak_uv >= 250.0);
        /* The deflection is on every channel, far above the background. */
        const size_t a = (size_t)(e->onset_s * 2048), b = a + (size_t)(e->duration_s * 2048) + 1;
        for (int c = 0; c < cfg.channels; c++)
            assert_true(rms(r.x[c], a, b < r.frames ? b : r.frames) > 3.0 * r.noise_rms_uv);
    }
    assert_true(seen >= 2);
    recording_free(&r);
}

static void pops_step_on_one_channel(void **state)
{
    (void)state;
    fasc_synth_config cfg = quiet_config();
    cfg.pops = true;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, 240.0, 4096), 0);
    int seen = 0;
    for (size_t i = 0; i < r.event_count; i++) {
        const fasc_synth_event *e = &r.events[i];
        if (e->cls != FASC_CLASS_ELECTRODE_POP || e->peak_index < 1)
            continue;
        seen++;
        const size_t k = (size_t)e->peak_index;
        for (int c = 0; c < cfg.channels; c++) {
            const double step = fabs((double)r.x[c][k] - r.x[c][k - 1]);
            if (c == e->channel)
                assert_true(step > 400.0);
            else
                assert_true(step < 10.0 * r.noise_rms_uv);
        }
    }
    assert_true(seen >= 2);
    recording_free(&r);
}

static double low_band_power(float *x, size_t n)
{
    /* Mean over 2 s windows, squared: what is left below ~0.5 Hz. */
    const size_t w = 4096;
    double ss = 0.0;
    size_t count = 0;
    for (size_t a = 0; a + w <= n; a += w) {
        double m = 0.0;
        for (size_t i = a; i < a + w; i++)
            m += x[i];
        m /= (double)w;
        ss += m * m;
        count++;
    }
    return ss / (double)count;
}

static void wander_adds_slow_drift(void **state)
{
    (void)state;
    fasc_synth_config a = quiet_config(), b = quiet_config();
    b.wander = true;
    recording ra, rb;
    assert_int_equal(recording_make(&ra, &a, 60.0, 4096), 0);
    assert_int_equal(recording_make(&rb, &b, 60.0, 4096), 0);
    const double pa = low_band_power(ra.x[0], ra.frames), pb = low_band_power(rb.x[0], rb.frames);
    if (!(pb > 4.0 * pa && pb > 100.0))
        fail_msg("slow power %.3g without wander, %.3g with", pa, pb);
    recording_free(&ra);
    recording_free(&rb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mains_line_at_its_frequency),
        cmocka_unit_test(ecg_beats_periodic_and_visible),
        cmocka_unit_test(voluntary_epochs_are_dense),
        cmocka_unit_test(movement_is_large_and_slow),
        cmocka_unit_test(pops_step_on_one_channel),
        cmocka_unit_test(wander_adds_slow_drift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
