/* The scorer's event table: nine columns, n/a for missing values, and the
 * event-table reader still reads it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fasc/eval.h"
#include "fasc/io.h"

static void scored_rows_and_read_back(void **state)
{
    (void)state;
    char path[] = "/tmp/fasc_tsv_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+");
    assert_non_null(f);
    assert_int_equal(fasc_events_tsv_write_header_scored(f), FASC_OK);
    fasc_event_row row = {1.5, 0.012, 1.505, "ch3", FASC_CLASS_FASCICULATION, 4, 123.456};
    fasc_event_extra extra = {3, 0.8766};
    assert_int_equal(fasc_events_tsv_write_row_scored(f, &row, &extra), FASC_OK);
    fasc_event_row epoch = {2.0, 4.0, 4.0, NULL, FASC_CLASS_VOLUNTARY, 0, 0.0};
    fasc_event_extra none = {0, -1.0};
    assert_int_equal(fasc_events_tsv_write_row_scored(f, &epoch, &none), FASC_OK);
    assert_int_equal(fasc_events_tsv_write_row_scored(f, &row, NULL), FASC_ERR_INVALID_ARGUMENT);
    rewind(f);
    char text[512];
    const size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_string_equal(text,
        "onset\tduration\tpeak\tchannel\tclass\tunit\tpeak_to_peak_uv\tphases\tconfidence\n"
        "1.500000\t0.012000\t1.505000\tch3\tfasciculation\t4\t123.46\t3\t0.877\n"
        "2.000000\t4.000000\t4.000000\tn/a\tvoluntary\tn/a\tn/a\tn/a\tn/a\n");
    fasc_event_table t;
    char err[256];
    assert_int_equal(fasc_event_table_read(path, &t, err, sizeof err), FASC_OK);
    assert_int_equal(t.count, 2);
    assert_int_equal(t.rows[0].unit, 4);
    fasc_event_table_free(&t);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scored_rows_and_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
