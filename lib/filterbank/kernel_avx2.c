/* AVX2 + FMA kernels, 8 lanes, chosen at run time on x86-64 CPUs that have
 * them; the rest of the library stays baseline x86-64. */
#include "fasc/filterbank.h"
#include "fb_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#include "fb_sanitize.h"

#define FB_V __m256
#define FB_LANES 8
#define FB_LOAD(p) _mm256_load_ps(p)
#define FB_STORE(p, v) _mm256_store_ps((p), (v))
#define FB_ZERO() _mm256_setzero_ps()
#define FB_MADD(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define FB_NMADD(a, b, c) _mm256_fnmadd_ps((a), (b), (c))
#define FB_MUL(a, b) _mm256_mul_ps((a), (b))
#define FB_ADD(a, b) _mm256_add_ps((a), (b))
#define FB_NAME(x) x##_avx2
#define FB_TARGET __attribute__((target("avx2,fma")))

#include "kernel_template.h"

/* In-register 8 x 8 transpose: rows become columns. */
FB_TARGET static void transpose8(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        u[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        u[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        u[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        u[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
        r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
}

FB_TARGET static void gather_avx2(const float *const *src, size_t n,
                                  float *dst, uint64_t *const *nonfinite)
{
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 limit = _mm256_set1_ps(FASC_FILTERBANK_INPUT_LIMIT);
    const __m256 tiny = _mm256_set1_ps(FB_TINY_INPUT);
    size_t t = 0;
    for (; t + 8 <= n; t += 8) {
        __m256 r[8];
        for (int l = 0; l < 8; l++)
            r[l] = _mm256_loadu_ps(src[l] + t);
        transpose8(r);
        for (int j = 0; j < 8; j++) {
            __m256 a = _mm256_and_ps(r[j], abs_mask);
            __m256 keep = _mm256_andnot_ps(_mm256_cmp_ps(a, tiny, _CMP_LT_OQ), r[j]);
            _mm256_store_ps(dst + (t + (size_t)j) * 8, keep);
            /* Rare: NaN, Inf or out of range; redo that row exactly. */
            if (_mm256_movemask_ps(_mm256_cmp_ps(a, limit, _CMP_NLE_UQ)))
                for (int l = 0; l < 8; l++)
                    dst[(t + (size_t)j) * 8 + (size_t)l] =
                        fb_sanitize(src[l][t + (size_t)j], nonfinite[l]);
        }
    }
    for (; t < n; t++)
        for (int l = 0; l < 8; l++)
            dst[t * 8 + (size_t)l] = fb_sanitize(src[l][t], nonfinite[l]);
}

FB_TARGET static void scatter_avx2(const float *y, size_t m, float *const *dst)
{
    size_t t = 0;
    for (; t + 8 <= m; t += 8) {
        __m256 r[8];
        for (int j = 0; j < 8; j++)
            r[j] = _mm256_load_ps(y + (t + (size_t)j) * 8);
        transpose8(r);
        for (int l = 0; l < 8; l++)
            _mm256_storeu_ps(dst[l] + t, r[l]);
    }
    for (; t < m; t++)
        for (int l = 0; l < 8; l++)
            dst[l][t] = y[t * 8 + (size_t)l];
}

int fb_kernels_avx2(fb_kernels *k)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return -1;
    k->lanes = FB_LANES;
    k->cascade = cascade_avx2;
    k->decimate = decimate_avx2;
    k->gather = gather_avx2;
    k->scatter = scatter_avx2;
    return 0;
}

#else

int fb_kernels_avx2(fb_kernels *k)
{
    (void)k;
    return -1;
}

#endif
