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
#include <immintrin.h>
#define MED_MIN(a, b) ((det_v8)_mm256_min_ps((__m256)(a), (__m256)(b)))
#define MED_MAX(a, b) ((det_v8)_mm256_max_ps((__m256)(a), (__m256)(b)))
#include "median_template.h"
#undef MED_MIN
#undef MED_MAX

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

#include <immintrin.h>

/* Eight rows of eight streams per 8 x 8 transpose (unpack pairs, then
 * quadruples, then swap 128-bit halves); rows that wrap around the ring,
 * and the last len % 8, one by one. */
DET_TARGET void fasc_det_rows8_avx2(const float *const *src, size_t pos, float *rows, size_t hm,
                                    size_t t0, int len)
{
    int j = 0;
    while (j + 8 <= len) {
        const size_t r0 = (t0 + (size_t)j) & hm;
        if (r0 + 8 > hm + 1) { /* the block wraps: this row alone */
            fasc_det_rows8_generic(src, pos + (size_t)j, rows, hm, t0 + (size_t)j, 1);
            j++;
            continue;
        }
        __m256 v[8], a[8], b[8];
        for (int l = 0; l < 8; l++)
            v[l] = _mm256_loadu_ps(src[l] + pos + (size_t)j);
        for (int l = 0; l < 8; l += 2) {
            a[l] = _mm256_unpacklo_ps(v[l], v[l + 1]);
            a[l + 1] = _mm256_unpackhi_ps(v[l], v[l + 1]);
        }
        for (int l = 0; l < 8; l += 4) {
            b[l] = _mm256_shuffle_ps(a[l], a[l + 2], _MM_SHUFFLE(1, 0, 1, 0));
            b[l + 1] = _mm256_shuffle_ps(a[l], a[l + 2], _MM_SHUFFLE(3, 2, 3, 2));
            b[l + 2] = _mm256_shuffle_ps(a[l + 1], a[l + 3], _MM_SHUFFLE(1, 0, 1, 0));
            b[l + 3] = _mm256_shuffle_ps(a[l + 1], a[l + 3], _MM_SHUFFLE(3, 2, 3, 2));
        }
        float *dst = rows + r0 * DET_LANES;
        for (int r = 0; r < 4; r++) {
            _mm256_storeu_ps(dst + (size_t)r * 8, _mm256_permute2f128_ps(b[r], b[r + 4], 0x20));
            _mm256_storeu_ps(dst + (size_t)(r + 4) * 8,
                             _mm256_permute2f128_ps(b[r], b[r + 4], 0x31));
        }
        j += 8;
    }
    if (j < len)
        fasc_det_rows8_generic(src, pos + (size_t)j, rows, hm, t0 + (size_t)j, len - j);
}

det_rows_fn fasc_det_rows8_best(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return fasc_det_rows8_avx2;
    return fasc_det_rows8_generic;
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

void fasc_det_rows8_avx2(const float *const *src, size_t pos, float *rows, size_t hm,
                         size_t t0, int len)
{
    fasc_det_rows8_generic(src, pos, rows, hm, t0, len);
}

det_rows_fn fasc_det_rows8_best(void)
{
    return fasc_det_rows8_generic;
}

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
