/* The smoothing kernel compiled for AVX2, chosen at run time on x86-64 CPUs
 * that have it; the rest of the library stays baseline. Results equal the
 * portable kernel's bit for bit (integer sums, no fused operations). */
#include <string.h>

#include "det_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#define DET_NAME(x) x##_avx2
#define DET_TARGET __attribute__((target("avx2")))

#include "kernel_template.h"

#include <float.h>

typedef float det_v8 __attribute__((vector_size(32)));
typedef int32_t det_m8 __attribute__((vector_size(32)));
#define MED_NAME fasc_det_loo_medians8_avx2
#define MED_TARGET DET_TARGET
#define MED_LANES 8
#define MED_V det_v8
#define MED_M det_m8
#include "median_template.h"

det_loo_fn fasc_det_loo_best(int *lanes)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) {
        *lanes = 8;
        return fasc_det_loo_medians8_avx2;
    }
    *lanes = 4;
    return fasc_det_loo_medians4;
}

det_smooth_fn fasc_det_smooth_best(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return fasc_det_smooth_avx2;
    return fasc_det_smooth_generic;
}

det_acf_fn fasc_det_acf_best(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return fasc_det_acf_lags_avx2;
    return fasc_det_acf_lags_generic;
}

#else

void fasc_det_smooth_avx2(fasc_detector *det, int g0, int g1, fasc_index t0,
                          int len, uint8_t *hot)
{
    fasc_det_smooth_generic(det, g0, g1, t0, len, hot);
}

det_smooth_fn fasc_det_smooth_best(void)
{
    return fasc_det_smooth_generic;
}

void fasc_det_acf_lags_avx2(const float *x, int lags, float *r)
{
    fasc_det_acf_lags_generic(x, lags, r);
}

det_acf_fn fasc_det_acf_best(void)
{
    return fasc_det_acf_lags_generic;
}

det_loo_fn fasc_det_loo_best(int *lanes)
{
    *lanes = 4;
    return fasc_det_loo_medians4;
}

#endif
