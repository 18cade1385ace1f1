/* The classifier's row levels (lib/classifier/units.c,
 * fasc_cls_rows_levels) against chi-square quantiles from scipy
 * (tests/classifier/gen_rows_levels.py). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/classifier/cls_internal.h"

/* gen_rows_levels.py 2: tail 3.547e-03 */
static const double ref_rows_match_2[5] = {2.0000, 1.6685, 1.5317, 1.4532, 1.4009}; /* n = 1..5 */
static const double ref_row_cap_2 = 2.5093;
/* gen_rows_levels.py 3: tail 2.774e-06 */
static const double ref_rows_match_3[5] = {3.0000, 2.2796, 1.9968, 1.8387, 1.7353}; /* n = 1..5 */
static const double ref_row_cap_3 = 3.6466;

/* Wilson & Hilferty's approximation stays within 1 % of the quantiles at
 * these tails and degrees of freedom (22 to 110). */
static void assert_near(double got, double want, const char *what, int n)
{
    if (!(fabs(got - want) <= 0.01 * want))
        fail_msg("%s[%d]: %.4f, scipy %.4f", what, n, got, want);
}

static void check_levels(double match, const double *rows_match, double row_cap)
{
    cls_design d;
    memset(&d, 0, sizeof d);
    d.unit_match = match;
    fasc_cls_rows_levels(&d);
    /* one row is tested at unit_match itself */
    assert_true(d.rows_match[1] == match);
    for (int n = 1; n <= 1 + CLS_NB_ROWS; n++) {
        assert_near(d.rows_match[n], rows_match[n - 1], "rows_match", n);
        if (n > 1 && !(d.rows_match[n] < d.rows_match[n - 1]))
            fail_msg("rows_match[%d] %.4f not below rows_match[%d] %.4f", n, d.rows_match[n],
                     n - 1, d.rows_match[n - 1]);
    }
    assert_near(d.row_cap, row_cap, "row_cap", 1);
    assert_true(d.row_cap > match);
}

static void levels_match_chi_square(void **state)
{
    (void)state;
    check_levels(2.0, ref_rows_match_2, ref_row_cap_2);
    check_levels(3.0, ref_rows_match_3, ref_row_cap_3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(levels_match_chi_square),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
