/* Smoke accuracy on fasc-synth at rest, 26 dB, 8 channels on a line:
 * default filter bank -> default detector, matched by the project's rule
 * (peaks within 5 ms, same or neighbouring channel, one-to-one).
 *
 * Both sensitivity and precision must reach 0.9 (1.000 and 0.947 measured
 * on these 2 minutes with the wavelet candidates and confirmation,
 * zero-phase peak timing, unit templates and after-effect rejection; the
 * energy stage alone gave precision 0.73). The targets at 20 and
 * 14 dB are printed by bench_detector_accuracy (`--seeds 4-7` for
 * recordings not used in development); they are not all met yet. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "det_pipeline.h"

static void smoke_26db(void **state)
{
    (void)state;
    const double seconds = 120.0;
    pipe_config pc = {8, seconds, 26.0, NAN, 1, 0.0};
    pipe_result r;
    assert_int_equal(pipe_run(&pc, &r), 0);
    assert_true(r.truth.n > 20);
    pipe_score s = pipe_evaluate(&r, seconds, 2048.0);
    printf("26 dB: %zu true, %zu detected, sensitivity %.3f, precision %.3f\n",
           r.truth.n, r.det.n, s.sensitivity, s.precision);
    if (s.sensitivity < 0.9 || s.precision < 0.9)
        fail_msg("sensitivity %.3f precision %.3f", s.sensitivity, s.precision);
    pipe_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(smoke_26db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
