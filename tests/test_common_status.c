/* fasc_strerror and fasc_version: every code has its own message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "fasc/common.h"

static void every_status_has_a_distinct_message(void **state)
{
    (void)state;
    const int codes[] = {FASC_OK, FASC_ERR_INVALID_ARGUMENT, FASC_ERR_NO_MEMORY,
                         FASC_ERR_BUFFER_TOO_SMALL, FASC_ERR_UNSUPPORTED,
                         FASC_ERR_IO, FASC_ERR_FORMAT, FASC_ERR_STATE};
    const size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *msg = fasc_strerror(codes[i]);
        assert_non_null(msg);
        assert_string_not_equal(msg, "unknown error");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(msg, fasc_strerror(codes[j]));
    }
    assert_string_equal(fasc_strerror(12345), "unknown error");
}

static void version_matches_header(void **state)
{
    (void)state;
    assert_string_equal(fasc_version(), FASC_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_a_distinct_message),
        cmocka_unit_test(version_matches_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
