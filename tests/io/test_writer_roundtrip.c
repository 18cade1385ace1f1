/* fasc_writer: every container reads back with the same µV values (exact
 * for float, within half a step for integers), the scale is stored, and
 * nothing but the finished file is left behind. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sndfile.h>

#include "fasc/io.h"

enum { CH = 3, N = 5000 };

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/fasc_writer_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void make_signal(float *x[CH])
{
    for (int c = 0; c < CH; c++)
        for (int i = 0; i < N; i++)
            x[c][i] = (float)(300.0 * sin(0.01 * i * (c + 1)) + 0.37 * c);
}

static void roundtrip(const char *ext, fasc_sample_format fmt, double tolerance)
{
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/rec%d.%s", dir, (int)fmt, ext);
    float *x[CH];
    for (int c = 0; c < CH; c++)
        x[c] = malloc(N * sizeof(float));
    make_signal(x);
    fasc_writer *w = NULL;
    assert_int_equal(fasc_writer_open(path, 2048, CH, fmt, 0.0, &w, err, sizeof err), FASC_OK);
    /* Written in uneven pieces. */
    size_t done = 0, step = 1;
    while (done < N) {
        const size_t n = N - done < step ? N - done : step;
        const float *part[CH];
        for (int c = 0; c < CH; c++)
            part[c] = x[c] + done;
        assert_int_equal(fasc_writer_write(w, part, n), FASC_OK);
        done += n;
        step = step * 3 + 1;
    }
    const double scale = fasc_writer_uv_per_unit(w);
    assert_int_equal(access(path, F_OK), -1); /* not visible before close */
    assert_int_equal(fasc_writer_close(&w, err, sizeof err), FASC_OK);
    assert_null(w);

    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    assert_non_null(f);
    assert_int_equal(info.channels, CH);
    assert_int_equal(info.samplerate, 2048);
    assert_int_equal(info.frames, N);
    double unit = 1.0;
    if (scale > 0.0) {
        const char *tag = sf_get_string(f, SF_STR_COMMENT);
        assert_non_null(tag);
        assert_non_null(strstr(tag, FASC_IO_SCALE_TAG));
        unit = atof(strstr(tag, "=") + 1);
        assert_true(fabs(unit - scale) < 1e-12);
        sf_command(f, SFC_SET_NORM_FLOAT, NULL, SF_FALSE);
    }
    float *inter = malloc(sizeof(float) * N * CH);
    /* Integer data read as float without normalisation gives the integers. */
    sf_command(f, SFC_SET_NORM_FLOAT, NULL, SF_FALSE);
    assert_int_equal(sf_readf_float(f, inter, N), N);
    sf_close(f);
    for (int i = 0; i < N; i++)
        for (int c = 0; c < CH; c++) {
            const double back = inter[i * CH + c] * unit;
            if (fabs(back - x[c][i]) > tolerance)
                fail_msg("%s: sample %d ch %d: wrote %.6f, read %.6f", ext, i, c, x[c][i], back);
        }
    free(inter);
    for (int c = 0; c < CH; c++)
        free(x[c]);
    char part[160];
    snprintf(part, sizeof part, "%s.part", path);
    assert_int_equal(access(part, F_OK), -1);
}

static void float_containers_exact(void **state)
{
    (void)state;
    roundtrip("wav", FASC_SAMPLE_FLOAT32, 0.0);
    roundtrip("w64", FASC_SAMPLE_DEFAULT, 0.0);
    roundtrip("rf64", FASC_SAMPLE_FLOAT32, 0.0);
    roundtrip("caf", FASC_SAMPLE_FLOAT32, 0.0);
}

static void integer_containers_within_half_step(void **state)
{
    (void)state;
    roundtrip("flac", FASC_SAMPLE_DEFAULT, 0.5 * FASC_IO_DEFAULT_UV_PER_UNIT_PCM24 + 1e-4);
    roundtrip("wav", FASC_SAMPLE_PCM16, 0.5 * FASC_IO_DEFAULT_UV_PER_UNIT_PCM16 + 1e-4);
    roundtrip("aiff", FASC_SAMPLE_PCM24, 0.5 * FASC_IO_DEFAULT_UV_PER_UNIT_PCM24 + 1e-4);
}

static void clipping_is_counted(void **state)
{
    (void)state;
    char path[128], err[256];
    snprintf(path, sizeof path, "%s/clip.wav", dir);
    fasc_writer *w = NULL;
    assert_int_equal(fasc_writer_open(path, 1000, 1, FASC_SAMPLE_PCM16, 1.0, &w, err, sizeof err), FASC_OK);
    const float v[4] = {40000.0f, -40000.0f, 5.0f, NAN};
    const float *p[1] = {v};
    assert_int_equal(fasc_writer_write(w, p, 4), FASC_OK);
    assert_int_equal(fasc_writer_clipped(w), 3);
    assert_int_equal(fasc_writer_close(&w, err, sizeof err), FASC_OK);
}

static void refusals_name_the_file(void **state)
{
    (void)state;
    char path[128], err[256];
    fasc_writer *w = NULL;
    snprintf(path, sizeof path, "%s/many.flac", dir);
    assert_int_equal(fasc_writer_open(path, 2048, 9, FASC_SAMPLE_DEFAULT, 0, &w, err, sizeof err),
                     FASC_ERR_UNSUPPORTED);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "8 channels"));
    assert_int_equal(fasc_writer_open(path, 2048, 2, FASC_SAMPLE_FLOAT32, 0, &w, err, sizeof err),
                     FASC_ERR_UNSUPPORTED);
    snprintf(path, sizeof path, "%s/x.mp3", dir);
    assert_int_equal(fasc_writer_open(path, 2048, 2, FASC_SAMPLE_DEFAULT, 0, &w, err, sizeof err),
                     FASC_ERR_UNSUPPORTED);
    assert_non_null(strstr(err, "extension"));
    snprintf(path, sizeof path, "%s/none/x.wav", dir);
    assert_int_equal(fasc_writer_open(path, 2048, 2, FASC_SAMPLE_DEFAULT, 0, &w, err, sizeof err),
                     FASC_ERR_IO);
    assert_non_null(strstr(err, path));
    snprintf(path, sizeof path, "%s/x.wav", dir);
    assert_int_equal(fasc_writer_open(path, 100, 2, FASC_SAMPLE_DEFAULT, 0, &w, err, sizeof err),
                     FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_writer_open(path, 2048, 0, FASC_SAMPLE_DEFAULT, 0, &w, err, sizeof err),
                     FASC_ERR_INVALID_ARGUMENT);
    assert_null(w);
}

static void abort_leaves_nothing(void **state)
{
    (void)state;
    char path[128], err[256], part[160];
    snprintf(path, sizeof path, "%s/aborted.wav", dir);
    snprintf(part, sizeof part, "%s.part", path);
    fasc_writer *w = NULL;
    assert_int_equal(fasc_writer_open(path, 2048, 1, FASC_SAMPLE_DEFAULT, 0, &w, err, sizeof err), FASC_OK);
    assert_int_equal(access(part, F_OK), 0);
    fasc_writer_abort(&w);
    assert_null(w);
    assert_int_equal(access(part, F_OK), -1);
    assert_int_equal(access(path, F_OK), -1);
    fasc_writer_abort(NULL);
}

static void event_rows_format(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/events.tsv", dir);
    FILE *f = fopen(path, "w+");
    assert_non_null(f);
    assert_int_equal(fasc_events_tsv_write_header(f), FASC_OK);
    const fasc_event_row a = {1.5, 0.01, 1.505, "ch2", FASC_CLASS_FASCICULATION, 3, 123.456};
    const fasc_event_row b = {2.0, 4.0, 4.0, NULL, FASC_CLASS_VOLUNTARY, 0, 0.0};
    assert_int_equal(fasc_events_tsv_write_row(f, &a), FASC_OK);
    assert_int_equal(fasc_events_tsv_write_row(f, &b), FASC_OK);
    const fasc_event_row bad = {0, 0, 0, NULL, (fasc_class)99, 0, 0};
    assert_int_equal(fasc_events_tsv_write_row(f, &bad), FASC_ERR_INVALID_ARGUMENT);
    rewind(f);
    char text[512] = {0};
    assert_true(fread(text, 1, sizeof text - 1, f) > 0);
    fclose(f);
    assert_string_equal(text, FASC_EVENTS_TSV_HEADER "\n"
                        "1.500000\t0.010000\t1.505000\tch2\tfasciculation\t3\t123.46\n"
                        "2.000000\t4.000000\t4.000000\tn/a\tvoluntary\tn/a\tn/a\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(float_containers_exact),
        cmocka_unit_test(integer_containers_within_half_step),
        cmocka_unit_test(clipping_is_counted),
        cmocka_unit_test(refusals_name_the_file),
        cmocka_unit_test(abort_leaves_nothing),
        cmocka_unit_test(event_rows_format),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
