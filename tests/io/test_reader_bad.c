/* fasc_reader on broken input: every case is a negative status and a
 * message naming the file, never a crash or a leak (ASan checks). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sndfile.h>

#include "fasc/io.h"
#include "reader_util.h"

static char dir[64];
static char edf_src[512]; /* a plain EDF+C file from shared/data */

static int setup(void **state)
{
    (void)state;
    const char *shared = getenv("FASC_SHARED_DATA");
    if (!shared)
        return -1;
    snprintf(edf_src, sizeof edf_src, "%s/edf/mne_duplicate_channel_labels.edf", shared);
    return fr_make_dir(dir, sizeof dir, "reader_bad");
}

static int teardown(void **state)
{
    (void)state;
    fr_remove_dir(dir);
    return 0;
}

/* Opens path and expects `status` with an error naming path and saying `why`. */
static void refused(const char *path, int status, const char *why)
{
    char err[512];
    fasc_reader *r = (fasc_reader *)&err; /* must come back NULL */
    const int rc = fasc_reader_open(path, NULL, &r, err, sizeof err);
    print_message("%-28s %d  %s\n", strrchr(path, '/') + 1, rc, err);
    assert_int_equal(rc, status);
    assert_null(r);
    assert_non_null(strstr(err, path));
    if (!strstr(err, why))
        fail_msg("'%s' does not say '%s'", err, why);
}

static void in_dir(char *path, size_t len, const char *name)
{
    snprintf(path, len, "%s/%s", dir, name);
}

static void write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fclose(f);
    return n;
}

/* A float WAV written with libsndfile itself (fasc_writer stops at 256). */
static void write_float_wav(const char *path, int channels, int rate, int frames, float value)
{
    SF_INFO info = {.samplerate = rate, .channels = channels,
                    .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    assert_non_null(f);
    float *x = malloc(sizeof(float) * (size_t)channels * (size_t)frames);
    for (int i = 0; i < channels * frames; i++)
        x[i] = value;
    assert_int_equal(sf_writef_float(f, x, frames), frames);
    free(x);
    assert_int_equal(sf_close(f), 0);
}

static void missing_and_empty(void **state)
{
    (void)state;
    char path[128];
    in_dir(path, sizeof path, "missing.wav");
    refused(path, FASC_ERR_IO, "No such file");
    in_dir(path, sizeof path, "empty.wav");
    write_bytes(path, "", 0);
    refused(path, FASC_ERR_FORMAT, "empty file");
    refused(dir, FASC_ERR_IO, "cannot read");
}

static void unknown_content(void **state)
{
    (void)state;
    char path[128];
    unsigned char noise[3000];
    uint32_t s = 12345;
    for (size_t i = 0; i < sizeof noise; i++) {
        s = s * 1664525u + 1013904223u;
        noise[i] = (unsigned char)(s >> 24);
    }
    in_dir(path, sizeof path, "noise.xyz");
    write_bytes(path, noise, sizeof noise);
    refused(path, FASC_ERR_FORMAT, "not a recording");
    /* An EDF extension does not make a file EDF. */
    in_dir(path, sizeof path, "noise.edf");
    write_bytes(path, noise, sizeof noise);
    refused(path, FASC_ERR_FORMAT, "not a recording");
}

static void wav_header_shapes(void **state)
{
    (void)state;
    char path[128];
    /* RIFF/WAVE with a 0-channel fmt chunk. */
    static const unsigned char zero_channels[] = {
        'R', 'I', 'F', 'F', 100, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ', 16, 0, 0, 0,
        3, 0, 0, 0, 0xe8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 'd', 'a', 't', 'a', 64, 0, 0, 0};
    unsigned char bytes[sizeof zero_channels + 64] = {0};
    memcpy(bytes, zero_channels, sizeof zero_channels);
    in_dir(path, sizeof path, "zero_channels.wav");
    write_bytes(path, bytes, sizeof bytes);
    refused(path, FASC_ERR_FORMAT, "hannel");
    in_dir(path, sizeof path, "300_channels.wav");
    write_float_wav(path, 300, 2000, 10, 1.0f);
    refused(path, FASC_ERR_UNSUPPORTED, "300 channels");
    in_dir(path, sizeof path, "slow.wav");
    write_float_wav(path, 2, 360, 100, 1.0f);
    refused(path, FASC_ERR_UNSUPPORTED, "sample rate 360 Hz");
    in_dir(path, sizeof path, "no_frames.wav");
    write_float_wav(path, 2, 2000, 0, 1.0f);
    refused(path, FASC_ERR_FORMAT, "no samples");
}

static void integer_without_scale(void **state)
{
    (void)state;
    char path[128], err[256];
    in_dir(path, sizeof path, "counts.wav");
    SF_INFO info = {.samplerate = 1000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    assert_non_null(f);
    const short counts[4] = {-3, 0, 7, 32767};
    assert_int_equal(sf_write_short(f, counts, 4), 4);
    sf_close(f);
    refused(path, FASC_ERR_INVALID_ARGUMENT, "integer samples without a scale: give --uv-per-unit");
    fasc_reader_options o;
    fasc_reader_options_default(&o);
    o.uv_per_unit = 0.25;
    fasc_reader *r = NULL;
    assert_int_equal(fasc_reader_open(path, &o, &r, err, sizeof err), FASC_OK);
    assert_string_equal(fasc_reader_format(r), "WAV PCM 16");
    assert_non_null(strstr(fasc_reader_note(r, 0), "0.25"));
    float v[4], *x[1] = {v};
    size_t got;
    assert_int_equal(fasc_reader_read(r, x, 4, &got), FASC_OK);
    assert_int_equal(got, 4);
    for (int i = 0; i < 4; i++)
        assert_true(v[i] == counts[i] * 0.25f);
    fasc_reader_close(&r);
}

static void float_scale_and_nonfinite(void **state)
{
    (void)state;
    char path[128], err[256];
    in_dir(path, sizeof path, "nan.wav");
    SF_INFO info = {.samplerate = 1000, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    SNDFILE *f = sf_open(path, SFM_WRITE, &info);
    assert_non_null(f);
    const float v[8] = {1.5f, NAN, INFINITY, 2.0f, -INFINITY, 3.0f, 4.0f, NAN};
    assert_int_equal(sf_writef_float(f, v, 4), 4);
    sf_close(f);
    fasc_reader_options o;
    fasc_reader_options_default(&o);
    o.uv_per_unit = 1000.0; /* a float file in mV */
    fasc_reader *r = NULL;
    assert_int_equal(fasc_reader_open(path, &o, &r, err, sizeof err), FASC_OK);
    float a[4], b[4], *x[2] = {a, b};
    size_t got;
    assert_int_equal(fasc_reader_read(r, x, 4, &got), FASC_OK);
    assert_int_equal(got, 4);
    assert_true(a[0] == 1500.0f && isinf(a[1]) && isinf(a[2]) && a[3] == 4000.0f);
    assert_true(isnan(b[0]) && b[1] == 2000.0f && b[2] == 3000.0f && isnan(b[3]));
    assert_int_equal(fasc_reader_nonfinite(r, 0), 2);
    assert_int_equal(fasc_reader_nonfinite(r, 1), 2);
    assert_non_null(strstr(fasc_reader_note(r, 0), "multiplied by 1000"));
    assert_int_equal(fasc_reader_read(r, x, 4, &got), FASC_OK);
    assert_int_equal(got, 0);
    fasc_reader_close(&r);
}

/* Cut in the middle of the samples: the part before the cut is read, then
 * FASC_ERR_FORMAT, and it stays. */
static void truncated_recording(const char *ext, fasc_sample_format fmt)
{
    char whole[128], cut[128], err[512];
    snprintf(whole, sizeof whole, "%s/whole.%s", dir, ext);
    snprintf(cut, sizeof cut, "%s/cut.%s", dir, ext);
    enum { N = 20000 };
    float *x = malloc(N * sizeof(float));
    for (int i = 0; i < N; i++)
        x[i] = (float)(i % 100);
    fasc_writer *w = NULL;
    assert_int_equal(fasc_writer_open(whole, 2000, 1, fmt, 0.0, &w, err, sizeof err), FASC_OK);
    assert_int_equal(fasc_writer_write(w, (const float *const *)&x, N), FASC_OK);
    assert_int_equal(fasc_writer_close(&w, err, sizeof err), FASC_OK);
    free(x);
    assert_int_equal(fr_copy_file(whole, cut, file_size(whole) / 2, -1, NULL), 0);
    fasc_reader *r = NULL;
    if (fmt == FASC_SAMPLE_FLOAT32 && strcmp(ext, "caf") == 0) {
        /* libsndfile's CAF parser refuses a short data chunk outright. */
        refused(cut, FASC_ERR_FORMAT, "malformed");
        return;
    }
    assert_int_equal(fasc_reader_open(cut, NULL, &r, err, sizeof err), FASC_OK);
    float **data;
    int64_t frames;
    const int rc = fr_read_all(r, 999, &data, &frames);
    print_message("cut.%-24s %d  %lld frames, then: %s\n", ext, rc, (long long)frames,
                  fasc_reader_error(r));
    assert_int_equal(rc, FASC_ERR_FORMAT);
    assert_true(frames > 0 && frames < N);
    for (int64_t i = 0; i < frames; i++)
        assert_true(fabsf(data[0][i] - (float)(i % 100)) <= 0.5f);
    assert_non_null(strstr(fasc_reader_error(r), cut));
    assert_non_null(strstr(fasc_reader_error(r), "truncated"));
    size_t got = 1;
    assert_int_equal(fasc_reader_read(r, data, 10, &got), FASC_ERR_FORMAT);
    assert_int_equal(got, 0);
    fr_free(data, 1);
    fasc_reader_close(&r);
}

static void truncated_sndfile(void **state)
{
    (void)state;
    truncated_recording("wav", FASC_SAMPLE_FLOAT32);
    truncated_recording("wav", FASC_SAMPLE_PCM16);
    truncated_recording("rf64", FASC_SAMPLE_FLOAT32);
    truncated_recording("w64", FASC_SAMPLE_FLOAT32);
    truncated_recording("aiff", FASC_SAMPLE_PCM24);
    truncated_recording("caf", FASC_SAMPLE_FLOAT32);
    truncated_recording("flac", FASC_SAMPLE_PCM16);
}

/* A copy of the EDF source cut to `length` bytes (0: whole) and with
 * `patch` written at `at`, and what the refusal must say. */
typedef struct broken_copy {
    const char *name;
    long length;
    long at;
    const char *patch;
    const char *why;
} broken_copy;

static void broken_edf(void **state)
{
    (void)state;
    const long size = file_size(edf_src); /* 10 records of 1508 bytes */
    const broken_copy cases[] = {
        {"cut_record.edf", size - 1000, -1, NULL, "truncated: the header promises 10 data records"},
        {"cut_header.edf", 700, -1, NULL, "truncated inside the header (700 of 1280 bytes)"},
        {"cut_fixed.edf", 100, -1, NULL, "truncated inside the header (100 bytes"},
        {"records.edf", 0, 236, "1O      ", "number of data records '1O'"},
        {"unknown_records.edf", 0, 236, "-1      ", "unknown (-1)"},
        {"zero_records.edf", 0, 236, "0       ", "no data records"},
        {"zero_signals.edf", 0, 252, "0   ", "no signals (0 channels"},
        {"signals.edf", 0, 252, "x   ", "number of signals 'x'"},
        {"duration.edf", 0, 244, "one     ", "record duration 'one'"},
        {"trailing.edf", 0, 236, "9       ", "1508 bytes after the last of 9 data records"},
        {"fast.edf", 0, 244, "0.000001", "sample rate 2.5e+08 Hz"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128];
        in_dir(path, sizeof path, cases[i].name);
        const long length = cases[i].length ? cases[i].length : size;
        assert_int_equal(fr_copy_file(edf_src, path, length, cases[i].at, cases[i].patch), 0);
        refused(path, FASC_ERR_FORMAT, cases[i].why);
    }
}

static void same_edf_twice(void **state)
{
    (void)state;
    char err[512];
    fasc_reader_options o;
    fasc_reader_options_default(&o);
    o.allow_any_rate = true;
    fasc_reader *a = NULL, *b = NULL;
    assert_int_equal(fasc_reader_open(edf_src, &o, &a, err, sizeof err), FASC_OK);
    assert_int_equal(fasc_reader_open(edf_src, &o, &b, err, sizeof err), FASC_ERR_STATE);
    assert_non_null(strstr(err, "already open"));
    fasc_reader_close(&a);
    assert_int_equal(fasc_reader_open(edf_src, &o, &b, err, sizeof err), FASC_OK);
    fasc_reader_close(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_and_empty),
        cmocka_unit_test(unknown_content),
        cmocka_unit_test(wav_header_shapes),
        cmocka_unit_test(integer_without_scale),
        cmocka_unit_test(float_scale_and_nonfinite),
        cmocka_unit_test(truncated_sndfile),
        cmocka_unit_test(broken_edf),
        cmocka_unit_test(same_edf_twice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
