/* The real third-party recordings in shared/data/real (float WAV in mV or
 * raw counts, see its README) open and read to the end with the rate,
 * channel and frame counts the README states. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fasc/io.h"
#include "reader_util.h"

typedef struct recording {
    const char *file;
    int channels;
    double rate;
    long long frames;
    double peak_min, peak_max; /* in the file's own unit (mV or counts) */
} recording;

/* From the README: emgdb in mV (needle EMG, RMS 0.06-0.13 mV), MIT records
 * in mV at 360 Hz, BioSPPy counts around an offset of 2054, PSYC9080
 * counts clipped at +-4000. */
static const recording recordings[] = {
    {"physionet_emgdb/emg_healthy.wav", 1, 4000, 50860, 0.2, 20},
    {"physionet_emgdb/emg_myopathy.wav", 1, 4000, 110337, 0.2, 20},
    {"physionet_nstdb/ma.wav", 2, 360, 650000, 0.1, 20},
    {"physionet_mitdb/100.wav", 2, 360, 650000, 0.1, 20},
    {"biosppy/emg.wav", 1, 1000, 100000, 2000, 2200},
    {"psyc9080/FDI-1.wav", 1, 1000, 10000, 3000, 4100},
};

static void read_recording(const recording *rec)
{
    char path[1024], err[512], refusal[512] = "ok";
    snprintf(path, sizeof path, "%s/real/%s", getenv("FASC_SHARED_DATA"), rec->file);
    fasc_reader_options o;
    fasc_reader_options_default(&o);
    fasc_reader *r = NULL;
    const int plain = fasc_reader_open(path, &o, &r, err, sizeof err);
    fasc_reader_close(&r);
    if (rec->rate < FASC_MIN_SAMPLE_RATE) {
        assert_int_equal(plain, FASC_ERR_UNSUPPORTED);
        assert_non_null(strstr(err, "360 Hz"));
        snprintf(refusal, sizeof refusal, "%s", strchr(err, ' ') + 1);
    } else {
        assert_int_equal(plain, FASC_OK);
    }
    o.allow_any_rate = true;
    if (fasc_reader_open(path, &o, &r, err, sizeof err) != FASC_OK)
        fail_msg("%s", err);
    assert_string_equal(fasc_reader_format(r), "WAV float");
    assert_int_equal(fasc_reader_channels(r), rec->channels);
    assert_true(fasc_reader_sample_rate(r) == rec->rate);
    assert_int_equal(fasc_reader_frames(r), rec->frames);
    int64_t frames;
    double peak;
    assert_int_equal(fr_drain(r, 4096, &frames, &peak), FASC_OK);
    assert_int_equal(frames, rec->frames);
    print_message("%-36s %d ch %6g Hz %7lld frames  peak %8.3f  %s\n", rec->file, rec->channels,
                  rec->rate, (long long)frames, peak, refusal);
    if (!(peak >= rec->peak_min && peak <= rec->peak_max))
        fail_msg("%s: peak %g outside %g..%g", rec->file, peak, rec->peak_min, rec->peak_max);
    for (int c = 0; c < rec->channels; c++)
        assert_int_equal(fasc_reader_nonfinite(r, c), 0);
    fasc_reader_close(&r);
}

static void every_recording(void **state)
{
    (void)state;
    assert_non_null(getenv("FASC_SHARED_DATA"));
    for (size_t i = 0; i < sizeof recordings / sizeof recordings[0]; i++)
        read_recording(&recordings[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_recording),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
