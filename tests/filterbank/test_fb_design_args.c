/* The design functions reject NULL and out-of-range arguments. */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

static void butterworth_rejects_bad_arguments(void **state)
{
    (void)state;
    fasc_biquad sos[16];
    const int bad = FASC_ERR_INVALID_ARGUMENT;
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_LOWPASS, 2, 100, 0, 1000, NULL, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_LOWPASS, 0, 100, 0, 1000, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_LOWPASS, 17, 100, 0, 1000, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth((fasc_filter_type)7, 2, 100, 0, 1000, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_LOWPASS, 2, 500, 0, 1000, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_HIGHPASS, 2, 0, 0, 1000, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_HIGHPASS, 2, NAN, 0, 1000, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_LOWPASS, 2, 100, 0, 0, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_BANDPASS, 2, 200, 100, 1000, sos, 16, NULL), bad);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_BANDSTOP, 2, 100, 600, 1000, sos, 16, NULL), bad);
}

static void butterworth_checks_capacity(void **state)
{
    (void)state;
    fasc_biquad sos[16];
    size_t n = 0;
    assert_int_equal(fasc_filter_butterworth_sections(FASC_FILTER_LOWPASS, 5), 3);
    assert_int_equal(fasc_filter_butterworth_sections(FASC_FILTER_BANDPASS, 5), 5);
    assert_int_equal(fasc_filter_butterworth_sections(FASC_FILTER_BANDPASS, 0),
                     FASC_ERR_INVALID_ARGUMENT);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_LOWPASS, 5, 100, 0, 1000, sos, 2, &n),
                     FASC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fasc_filter_butterworth(FASC_FILTER_LOWPASS, 5, 100, 0, 1000, sos, 3, &n),
                     FASC_OK);
    assert_int_equal(n, 3);
}

static void notch_and_response_reject_bad_arguments(void **state)
{
    (void)state;
    fasc_biquad q, sos[4];
    const int bad = FASC_ERR_INVALID_ARGUMENT;
    assert_int_equal(fasc_filter_notch(50, 30, 2048, NULL), bad);
    assert_int_equal(fasc_filter_notch(50, 0, 2048, &q), bad);
    assert_int_equal(fasc_filter_notch(1024, 30, 2048, &q), bad);
    assert_int_equal(fasc_filter_mains_notches(50, 0, 30, 2048, sos, 4, NULL), bad);
    assert_int_equal(fasc_filter_mains_notches(50, 8, 30, 2048, sos, 4, NULL),
                     FASC_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fasc_filter_notch(50, 30, 2048, &q), FASC_OK);
    assert_int_equal(fasc_filter_response(&q, 1, 1100, 2048, NULL, NULL), bad);
    assert_int_equal(fasc_filter_response(NULL, 1, 100, 2048, NULL, NULL), bad);
    assert_true(fasc_filter_magnitude(&q, 1, -1.0, 2048) < 0.0);
    assert_true(fasc_filter_magnitude(NULL, 0, 10.0, 2048) == 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(butterworth_rejects_bad_arguments),
        cmocka_unit_test(butterworth_checks_capacity),
        cmocka_unit_test(notch_and_response_reject_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
