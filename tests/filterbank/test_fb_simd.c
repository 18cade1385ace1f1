/* Every optimised kernel set this build and CPU have agrees with the
 * scalar reference on random input: the largest difference on any stream
 * and channel is at most 5e-4 of that stream's peak (-66 dB).
 *
 * Why not tighter: the kernels differ only in rounding (fused
 * multiply-adds, the summation order of the anti-alias FIR), but a float
 * transposed-direct-form section with poles near z = 1 (20 Hz high-pass at
 * a 7350-8000 Hz working rate) amplifies a rounding difference of 6e-8 by
 * about 1 / (1 - r)^2; measured differences are 1e-5 of the peak at
 * 2048 Hz and 2.6e-4 at 44.1-48 kHz input. Both paths are equally close to
 * the double-precision design (see test_fb_bank_ref). */
#include "fasc/filterbank.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../lib/filterbank/fb_internal.h"
#include "fbt_util.h"

static const double tolerance = 5e-4;

static void compare_isa(fb_isa isa, double rate, int channels, size_t n)
{
    fb_kernels k;
    if (fasc_fb_kernels_get(isa, channels, &k) != 0)
        return; /* not available on this CPU or build */
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.sample_rate = rate;
    cfg.channels = channels;
    cfg.mains = FASC_MAINS_50HZ;
    fasc_filterbank *ref = NULL, *opt = NULL;
    assert_int_equal(fasc_fb_create_isa(&cfg, FB_ISA_SCALAR, &ref), FASC_OK);
    assert_int_equal(fasc_fb_create_isa(&cfg, isa, &opt), FASC_OK);
    float *x = fbt_noise_input(channels, n, 11u, 100.0f);
    fbt_output a = fbt_run(ref, x, n, 0, 0), b = fbt_run(opt, x, n, 5u, 200);
    assert_int_equal(a.count, b.count);
    double worst = 0.0;
    for (int s = 0; s < a.streams; s++)
        for (int c = 0; c < channels; c++) {
            double peak = 0.0, diff = 0.0;
            for (size_t t = 0; t < a.count; t++) {
                peak = fmax(peak, fabs(fbt_at(&a, s, c, t)));
                diff = fmax(diff, fabs(fbt_at(&a, s, c, t) - fbt_at(&b, s, c, t)));
            }
            worst = fmax(worst, diff / peak);
        }
    if (!(worst <= tolerance))
        fail_msg("isa %d at %g Hz: relative difference %g", (int)isa, rate, worst);
    fbt_output_free(&a);
    fbt_output_free(&b);
    free(x);
    fasc_filterbank_destroy(&ref);
    fasc_filterbank_destroy(&opt);
}

static void generic_matches_reference(void **state)
{
    (void)state;
    compare_isa(FB_ISA_GENERIC, 2048.0, 11, 3000);
    compare_isa(FB_ISA_GENERIC, 44100.0, 5, 9000);
}

static void avx2_matches_reference(void **state)
{
    (void)state;
    compare_isa(FB_ISA_AVX2, 2048.0, 19, 3000);
    compare_isa(FB_ISA_AVX2, 48000.0, 9, 9000);
}

static void avx2_pairs_match_reference(void **state)
{
    (void)state;
    compare_isa(FB_ISA_AVX2X2, 2048.0, 37, 3000);
    compare_isa(FB_ISA_AVX2X2, 48000.0, 17, 9000);
}

static void best_matches_reference(void **state)
{
    (void)state;
    compare_isa(FB_ISA_BEST, 2048.0, 1, 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generic_matches_reference),
        cmocka_unit_test(avx2_matches_reference),
        cmocka_unit_test(avx2_pairs_match_reference),
        cmocka_unit_test(best_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
