/* fasc_reader on files written by fasc_writer: every container gives back
 * the samples (float exactly, integers within half a step), the rate,
 * frame count and labels; any block size gives the same samples. */
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

enum { CH = 3, N = 6001 };

static char dir[64];

static int setup(void **state)
{
    (void)state;
    return fr_make_dir(dir, sizeof dir, "reader_rt");
}

static int teardown(void **state)
{
    (void)state;
    fr_remove_dir(dir);
    return 0;
}

static float sample(int c, int i)
{
    return (float)(700.0 * sin(0.013 * i * (c + 1)) + 0.29 * c - 3.1);
}

static void write_recording(const char *path, fasc_sample_format fmt, double scale)
{
    float *x[CH];
    for (int c = 0; c < CH; c++) {
        x[c] = malloc(N * sizeof(float));
        for (int i = 0; i < N; i++)
            x[c][i] = sample(c, i);
    }
    char err[256];
    fasc_writer *w = NULL;
    assert_int_equal(fasc_writer_open(path, 2048, CH, fmt, scale, &w, err, sizeof err), FASC_OK);
    assert_int_equal(fasc_writer_write(w, (const float *const *)x, N), FASC_OK);
    assert_int_equal(fasc_writer_close(&w, err, sizeof err), FASC_OK);
    for (int c = 0; c < CH; c++)
        free(x[c]);
}

static void check_one(const char *ext, fasc_sample_format fmt, double scale, const char *format)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/rec_%d.%s", dir, (int)fmt, ext);
    write_recording(path, fmt, scale);
    fasc_reader *r = NULL;
    assert_int_equal(fasc_reader_open(path, NULL, &r, err, sizeof err), FASC_OK);
    assert_string_equal(fasc_reader_format(r), format);
    assert_int_equal(fasc_reader_channels(r), CH);
    assert_true(fasc_reader_sample_rate(r) == 2048.0);
    assert_int_equal(fasc_reader_frames(r), N);
    assert_string_equal(fasc_reader_label(r, 0), "ch1");
    assert_string_equal(fasc_reader_label(r, CH - 1), "ch3");
    assert_null(fasc_reader_label(r, CH));
    float **x;
    int64_t frames;
    assert_int_equal(fr_read_all(r, 1000, &x, &frames), FASC_OK);
    assert_int_equal(frames, N);
    /* Half a step, plus float rounding of the product. */
    const double tolerance = fmt == FASC_SAMPLE_FLOAT32 ? 0.0 : scale * 0.5 + 1e-4;
    for (int c = 0; c < CH; c++)
        for (int i = 0; i < N; i++)
            if (!(fabs(x[c][i] - sample(c, i)) <= tolerance))
                fail_msg("%s ch%d frame %d: read %.6f, wrote %.6f", path, c + 1, i, x[c][i],
                         sample(c, i));
    fr_free(x, CH);
    fasc_reader_close(&r);
    assert_null(r);
}

static void every_container(void **state)
{
    (void)state;
    check_one("wav", FASC_SAMPLE_FLOAT32, 0, "WAV float");
    check_one("wav", FASC_SAMPLE_PCM16, 0.5, "WAV PCM 16");
    check_one("wav", FASC_SAMPLE_PCM24, 0.01, "WAV PCM 24");
    check_one("w64", FASC_SAMPLE_FLOAT32, 0, "W64 float");
    check_one("rf64", FASC_SAMPLE_FLOAT32, 0, "RF64 float");
    check_one("rf64", FASC_SAMPLE_PCM24, 0.02, "RF64 PCM 24");
    check_one("flac", FASC_SAMPLE_PCM16, 0.25, "FLAC PCM 16");
    check_one("flac", FASC_SAMPLE_PCM24, 0.01, "FLAC PCM 24");
    check_one("aiff", FASC_SAMPLE_FLOAT32, 0, "AIFF float");
    check_one("aiff", FASC_SAMPLE_PCM16, 0.5, "AIFF PCM 16");
    check_one("caf", FASC_SAMPLE_FLOAT32, 0, "CAF float");
    check_one("caf", FASC_SAMPLE_PCM24, 0.01, "CAF PCM 24");
}

static void read_with_steps(const char *path, float **expect)
{
    char err[256];
    fasc_reader *r = NULL;
    assert_int_equal(fasc_reader_open(path, NULL, &r, err, sizeof err), FASC_OK);
    float *part[CH];
    float *buf[CH];
    for (int c = 0; c < CH; c++)
        buf[c] = malloc(N * sizeof(float));
    size_t done = 0, step = 1, got;
    for (;;) {
        for (int c = 0; c < CH; c++)
            part[c] = buf[c] + done;
        assert_int_equal(fasc_reader_read(r, part, step, &got), FASC_OK);
        if (got == 0)
            break;
        done += got;
        step = (step * 7 + 3) % 5000 + 1;
        if (done + step > N)
            step = N - done + 5; /* asking past the end is allowed */
    }
    assert_int_equal(done, N);
    for (int c = 0; c < CH; c++) {
        assert_memory_equal(buf[c], expect[c], N * sizeof(float));
        free(buf[c]);
    }
    fasc_reader_close(&r);
}

static void uneven_blocks(void **state)
{
    (void)state;
    static const char *const exts[] = {"wav", "flac"};
    for (int k = 0; k < 2; k++) {
        char path[128], err[256];
        snprintf(path, sizeof path, "%s/blocks.%s", dir, exts[k]);
        write_recording(path, k ? FASC_SAMPLE_PCM24 : FASC_SAMPLE_FLOAT32, 0.01);
        fasc_reader *r = NULL;
        assert_int_equal(fasc_reader_open(path, NULL, &r, err, sizeof err), FASC_OK);
        float **whole;
        int64_t frames;
        assert_int_equal(fr_read_all(r, N, &whole, &frames), FASC_OK);
        fasc_reader_close(&r);
        read_with_steps(path, whole);
        fr_free(whole, CH);
    }
}

static void zero_frames_and_arguments(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/args.wav", dir);
    write_recording(path, FASC_SAMPLE_FLOAT32, 0);
    fasc_reader *r = NULL;
    assert_int_equal(fasc_reader_open(path, NULL, NULL, err, sizeof err), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_reader_open(NULL, NULL, &r, err, sizeof err), FASC_ERR_INVALID_ARGUMENT);
    fasc_reader_options o;
    fasc_reader_options_default(&o);
    o.uv_per_unit = -1.0;
    assert_int_equal(fasc_reader_open(path, &o, &r, err, sizeof err), FASC_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(err, path));
    assert_int_equal(fasc_reader_open(path, NULL, &r, NULL, 0), FASC_OK);
    size_t got = 99;
    assert_int_equal(fasc_reader_read(r, NULL, 0, &got), FASC_OK);
    assert_int_equal(got, 0);
    assert_int_equal(fasc_reader_read(r, NULL, 10, &got), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_reader_read(r, NULL, 0, NULL), FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_reader_nonfinite(r, -1), 0);
    assert_null(fasc_reader_note(r, 0));
    assert_string_equal(fasc_reader_error(r), "");
    fasc_reader_close(&r);
    fasc_reader_close(&r);
    fasc_reader_close(NULL);
    assert_int_equal(fasc_reader_channels(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_container),
        cmocka_unit_test(uneven_blocks),
        cmocka_unit_test(zero_frames_and_arguments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
