/* Mains detection on fasc-synth recordings: the FFTW spectrum and the
 * filter bank's automatic notch both find the line fasc-synth put there
 * (50 Hz, 60 Hz or none), with every other interference on. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fasc/spectrum.h"
#include "synth_fixture.h"

static recording noisy_recording(double mains_hz, double fs, int channels, double seconds)
{
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.sample_rate = fs;
    cfg.channels = channels;
    cfg.mains_hz = mains_hz;
    cfg.ecg = cfg.voluntary = cfg.movement = cfg.pops = cfg.wander = true;
    cfg.seed = 21;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, seconds, 4096), 0);
    return r;
}

static void spectrum_finds_the_line(double mains_hz, double fs)
{
    recording r = noisy_recording(mains_hz, fs, 4, 8.0);
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = fs;
    cfg.channels = 4;
    fasc_spectrum_mains m;
    assert_int_equal(fasc_spectrum_mains_detect_buffer(&cfg, (const float *const *)r.x, r.frames, &m),
                     FASC_OK);
    if (m.frequency != mains_hz)
        fail_msg("fs %.0f: put %.0f Hz, spectrum found %.0f Hz", fs, mains_hz, m.frequency);
    if (mains_hz > 0.0)
        assert_true(m.line_power > 0.0);
    recording_free(&r);
}

static void spectrum_mains_50_60_none(void **state)
{
    (void)state;
    const double rates[3] = {2048.0, 1000.0, 44100.0};
    for (int i = 0; i < 3; i++) {
        spectrum_finds_the_line(50.0, rates[i]);
        spectrum_finds_the_line(60.0, rates[i]);
        spectrum_finds_the_line(0.0, rates[i]);
    }
}

static void filterbank_auto_notch_picks_the_line(void **state)
{
    (void)state;
    const double mains[2] = {50.0, 60.0};
    for (int m = 0; m < 2; m++) {
        recording r = noisy_recording(mains[m], 2048.0, 4, 3.0);
        fasc_filterbank_config cfg;
        fasc_filterbank_config_default(&cfg);
        cfg.channels = 4;
        cfg.mains = FASC_MAINS_AUTO;
        fasc_filterbank *fb;
        assert_int_equal(fasc_filterbank_create(&cfg, &fb), FASC_OK);
        const int streams = fasc_filterbank_streams(fb);
        float **out = malloc(sizeof(float *) * (size_t)(streams * 4));
        for (int k = 0; k < streams * 4; k++)
            out[k] = malloc(r.frames * sizeof(float));
        assert_int_equal(fasc_filterbank_process(fb, (const float *const *)r.x, r.frames, out,
                                                 r.frames, NULL), FASC_OK);
        assert_int_equal((int)fasc_filterbank_mains(fb), (int)mains[m]);
        for (int k = 0; k < streams * 4; k++)
            free(out[k]);
        free(out);
        fasc_filterbank_destroy(&fb);
        recording_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spectrum_mains_50_60_none),
        cmocka_unit_test(filterbank_auto_notch_picks_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
