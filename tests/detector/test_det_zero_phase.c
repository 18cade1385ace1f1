/* The zero-phase reading of several channels side by side
 * (fasc_det_zero_phase_lanes) equals, bit for bit, the one-channel
 * reference (fasc_det_zero_phase) for every lane count, on a detector that
 * holds the filter bank's pre-filter and some seconds of history. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/detector/det_internal.h"
#include "dtu.h"
#include "fasc/filterbank.h"

enum { C = 7, FS = 2048 };

static void lanes_equal_reference(void **state)
{
    (void)state;
    fasc_filterbank_config fc;
    fasc_filterbank_config_default(&fc);
    fc.channels = C;
    fc.mains = FASC_MAINS_50HZ;
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_filterbank_create(&fc, &fb), FASC_OK);
    fasc_detector_config cfg = dtu_config(C);
    size_t ns = 0;
    assert_int_equal(fasc_filterbank_prefilter(fb, cfg.prefilter, FASC_DETECTOR_MAX_PREFILTER, &ns),
                     FASC_OK);
    cfg.prefilter_sections = (int)ns;
    assert_true(ns >= 3);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    const size_t n = (size_t)FS * 3;
    float *x = dtu_noise(C, n, 17u, 20.0f);
    const float *in[C];
    for (int c = 0; c < C; c++)
        in[c] = x + (size_t)c * n;
    assert_int_equal(fasc_detector_process(det, in, n), FASC_OK);
    const size_t len = (size_t)det->d.zp_len;
    double *ref = malloc(sizeof(double) * len), *lanes = malloc(sizeof(double) * len * DET_ZP_LANES);
    assert_non_null(ref);
    assert_non_null(lanes);
    int compared = 0;
    for (fasc_index onset = det->now - 600; onset < det->now - 20; onset += 37) {
        const fasc_index offset = onset + (onset % 90);
        for (int m = 1; m <= DET_ZP_LANES; m++) {
            int cs[DET_ZP_LANES];
            for (int j = 0; j < m; j++)
                cs[j] = (int)((onset + 3 * j) % C);
            fasc_index lo_lanes = -1;
            const int nl = fasc_det_zero_phase_lanes(det, cs, m, onset, offset, &lo_lanes, lanes);
            for (int j = 0; j < m; j++) {
                fasc_index lo = -2;
                const int nr = fasc_det_zero_phase(det, cs[j], onset, offset, &lo, ref);
                assert_int_equal(nr, nl);
                assert_int_equal(lo, lo_lanes);
                for (int i = 0; i < nr; i++)
                    if (memcmp(&ref[i], &lanes[(size_t)i * DET_ZP_LANES + (size_t)j], sizeof(double)))
                        fail_msg("channel %d, lane %d of %d, sample %d: %.17g != %.17g", cs[j], j, m, i,
                                 ref[i], lanes[(size_t)i * DET_ZP_LANES + (size_t)j]);
                compared++;
            }
        }
    }
    print_message("%d zero-phase readings compared\n", compared);
    assert_true(compared > 100);
    free(ref);
    free(lanes);
    free(x);
    fasc_detector_destroy(&det);
    fasc_filterbank_destroy(&fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lanes_equal_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
