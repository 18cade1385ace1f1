/* Annotation-only EDF+ files: every event survives a round trip through
 * EDFlib, whatever the count; failures leave nothing behind. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <edflib.h>

#include "fasc/io.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/fasc_edfann_XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/events.edf", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

/* Reads every annotation back; returns their count. */
static long read_back(struct edf_annotation_struct **out)
{
    struct edf_hdr_struct *hdr = calloc(1, sizeof *hdr);
    assert_non_null(hdr);
    assert_int_equal(edfopen_file_readonly(path, hdr, EDFLIB_READ_ALL_ANNOTATIONS), 0);
    assert_int_equal(hdr->filetype, EDFLIB_FILETYPE_EDFPLUS);
    assert_int_equal(hdr->edfsignals, 0);
    const long n = (long)hdr->annotations_in_file;
    *out = calloc((size_t)n + 1, sizeof **out);
    assert_non_null(*out);
    for (long i = 0; i < n; i++)
        assert_int_equal(edf_get_annotation(hdr->handle, (int)i, &(*out)[i]), 0);
    edfclose_file(hdr->handle);
    free(hdr);
    return n;
}

static void every_event_survives(void **state)
{
    (void)state;
    enum { N = 3000 }; /* far more than one annotation signal per record holds */
    fasc_edf_annotation *a = calloc(N, sizeof *a);
    char (*text)[40] = calloc(N, sizeof *text);
    assert_true(a && text);
    for (int i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "fasciculation ch%d u%d", 1 + i % 64, 1 + i % 50);
        a[i] = (fasc_edf_annotation){0.0123 + i * 0.1997, i % 7 ? 0.012 : -1.0, text[i]};
    }
    char err[256];
    assert_int_equal(fasc_edf_annotations_write(path, a, N, 600.0, err, sizeof err), FASC_OK);
    struct edf_annotation_struct *got;
    assert_int_equal(read_back(&got), N);
    for (int i = 0; i < N; i++) {
        const double onset = (double)got[i].onset / EDFLIB_TIME_DIMENSION;
        assert_true(fabs(onset - a[i].onset_s) <= 0.0001);
        assert_string_equal(got[i].annotation, text[i]);
        if (a[i].duration_s < 0)
            assert_string_equal(got[i].duration, "");
        else
            assert_true(fabs(atof(got[i].duration) - 0.012) < 1e-9);
    }
    free(got);
    free(a);
    free(text);
    char part[160];
    snprintf(part, sizeof part, "%s.part", path);
    assert_int_equal(access(part, F_OK), -1);
}

/* Whatever the record duration recording_s / n comes to, EDFlib reads the
 * file back (it rejected 1.48148 s and 1.519 s records before). */
static void every_record_duration_readable(void **state)
{
    (void)state;
    static fasc_edf_annotation a[200];
    for (int i = 0; i < 200; i++)
        a[i] = (fasc_edf_annotation){i * 0.61, 0.01, "fasciculation ch1"};
    const double lengths[] = {1.2, 120.0, 7.3, 3600.0};
    char err[256];
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++)
        for (int n = 1; n <= 200; n += k == 1 ? 1 : 7) {
            assert_int_equal(fasc_edf_annotations_write(path, a, (size_t)n, lengths[k], err, sizeof err),
                             FASC_OK);
            struct edf_annotation_struct *got;
            if (read_back(&got) != n)
                fail_msg("%d annotations over %g s did not survive", n, lengths[k]);
            free(got);
        }
}

static void no_events_still_a_valid_file(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(fasc_edf_annotations_write(path, NULL, 0, 60.0, err, sizeof err), FASC_OK);
    struct edf_annotation_struct *got;
    assert_int_equal(read_back(&got), 1);
    assert_string_equal(got[0].annotation, "no events");
    free(got);
}

static void long_text_cut_at_a_character(void **state)
{
    (void)state;
    /* 38 ASCII bytes then a 3-byte character: 41 bytes, cut before it. */
    const char *text = "electrode_pop on a very long label abc\xe4\xbb\xb0";
    fasc_edf_annotation a = {1.0, 0.5, text};
    char err[256];
    assert_int_equal(fasc_edf_annotations_write(path, &a, 1, 10.0, err, sizeof err), FASC_OK);
    struct edf_annotation_struct *got;
    assert_int_equal(read_back(&got), 1);
    assert_string_equal(got[0].annotation, "electrode_pop on a very long label abc");
    free(got);
}

static void failures_leave_nothing(void **state)
{
    (void)state;
    char err[256], bad[160];
    fasc_edf_annotation a = {1.0, 0.5, "x"};
    snprintf(bad, sizeof bad, "%s/missing/events.edf", dir);
    assert_int_equal(fasc_edf_annotations_write(bad, &a, 1, 10.0, err, sizeof err), FASC_ERR_IO);
    assert_non_null(strstr(err, bad));
    a.onset_s = NAN;
    assert_int_equal(fasc_edf_annotations_write(path, &a, 1, 10.0, err, sizeof err),
                     FASC_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(err, "annotation 1"));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(fasc_edf_annotations_write(NULL, &a, 1, 10.0, err, sizeof err),
                     FASC_ERR_INVALID_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_event_survives, setup, teardown),
        cmocka_unit_test_setup_teardown(every_record_duration_readable, setup, teardown),
        cmocka_unit_test_setup_teardown(no_events_still_a_valid_file, setup, teardown),
        cmocka_unit_test_setup_teardown(long_text_cut_at_a_character, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_leave_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
