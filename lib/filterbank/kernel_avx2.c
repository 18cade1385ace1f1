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
#define FB_LOAD_COEF(p) _mm256_load_ps(p)
#define FB_STORE(p, v) _mm256_store_ps((p), (v))
#define FB_ZERO() _mm256_setzero_ps()
#define FB_MADD(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define FB_NMADD(a, b, c) _mm256_fnmadd_ps((a), (b), (c))
#define FB_MUL(a, b) _mm256_mul_ps((a), (b))
#define FB_ADD(a, b) _mm256_add_ps((a), (b))
#define FB_NAME(x) x##_avx2
#define FB_TARGET __attribute__((target("avx2,fma")))

#include "kernel_template.h"

/* In-register 8 x 8 transpose: rows become columns. Written out without
 * loops or arrays so that every compiler keeps it in registers. */
#define FB_TRANSPOSE8(r0, r1, r2, r3, r4, r5, r6, r7)                         \
    do {                                                                       \
        __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1); \
        __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3); \
        __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5); \
        __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7); \
        __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE); \
        __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE); \
        __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE); \
        __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE); \
        r0 = _mm256_permute2f128_ps(u0, u4, 0x20);                             \
        r1 = _mm256_permute2f128_ps(u1, u5, 0x20);                             \
        r2 = _mm256_permute2f128_ps(u2, u6, 0x20);                             \
        r3 = _mm256_permute2f128_ps(u3, u7, 0x20);                             \
        r4 = _mm256_permute2f128_ps(u0, u4, 0x31);                             \
        r5 = _mm256_permute2f128_ps(u1, u5, 0x31);                             \
        r6 = _mm256_permute2f128_ps(u2, u6, 0x31);                             \
        r7 = _mm256_permute2f128_ps(u3, u7, 0x31);                             \
    } while (0)

/* Eight channels into lanes [0, 8) of rows `stride` floats apart. */
FB_TARGET static void gather8(const float *const *src, size_t n, float *dst,
                              size_t stride, uint64_t *const *nonfinite)
{
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 limit = _mm256_set1_ps(FASC_FILTERBANK_INPUT_LIMIT);
    const __m256 tiny = _mm256_set1_ps(FB_TINY_INPUT);
    size_t t = 0;
    for (; t + 8 <= n; t += 8) {
        __m256 r[8];
        __m256 r0 = _mm256_loadu_ps(src[0] + t), r1 = _mm256_loadu_ps(src[1] + t);
        __m256 r2 = _mm256_loadu_ps(src[2] + t), r3 = _mm256_loadu_ps(src[3] + t);
        __m256 r4 = _mm256_loadu_ps(src[4] + t), r5 = _mm256_loadu_ps(src[5] + t);
        __m256 r6 = _mm256_loadu_ps(src[6] + t), r7 = _mm256_loadu_ps(src[7] + t);
        FB_TRANSPOSE8(r0, r1, r2, r3, r4, r5, r6, r7);
        r[0] = r0, r[1] = r1, r[2] = r2, r[3] = r3;
        r[4] = r4, r[5] = r5, r[6] = r6, r[7] = r7;
        _Pragma("GCC unroll 8")
        for (int j = 0; j < 8; j++) {
            __m256 a = _mm256_and_ps(r[j], abs_mask);
            __m256 keep = _mm256_andnot_ps(_mm256_cmp_ps(a, tiny, _CMP_LT_OQ), r[j]);
            _mm256_store_ps(dst + (t + (size_t)j) * stride, keep);
            /* Rare: NaN, Inf or out of range; redo that row exactly. */
            if (_mm256_movemask_ps(_mm256_cmp_ps(a, limit, _CMP_NLE_UQ)))
                for (int l = 0; l < 8; l++)
                    dst[(t + (size_t)j) * stride + (size_t)l] =
                        fb_sanitize(src[l][t + (size_t)j], nonfinite[l]);
        }
    }
    for (; t < n; t++)
        for (int l = 0; l < 8; l++)
            dst[t * stride + (size_t)l] = fb_sanitize(src[l][t], nonfinite[l]);
}

FB_TARGET static void gather_avx2(const float *const *src, size_t n,
                                  float *dst, uint64_t *const *nonfinite)
{
    gather8(src, n, dst, 8, nonfinite);
}

FB_TARGET static void gather_avx2x2(const float *const *src, size_t n,
                                    float *dst, uint64_t *const *nonfinite)
{
    gather8(src, n, dst, 16, nonfinite);
    gather8(src + 8, n, dst + 8, 16, nonfinite + 8);
}

/* Lanes [0, 8) of rows `stride` floats apart out to eight channels. */
FB_TARGET static void scatter8(const float *y, size_t m, size_t stride,
                               float *const *dst)
{
    size_t t = 0;
    for (; t + 8 <= m; t += 8) {
        const float *p = y + t * stride;
        __m256 r0 = _mm256_load_ps(p), r1 = _mm256_load_ps(p + stride);
        __m256 r2 = _mm256_load_ps(p + 2 * stride), r3 = _mm256_load_ps(p + 3 * stride);
        __m256 r4 = _mm256_load_ps(p + 4 * stride), r5 = _mm256_load_ps(p + 5 * stride);
        __m256 r6 = _mm256_load_ps(p + 6 * stride), r7 = _mm256_load_ps(p + 7 * stride);
        FB_TRANSPOSE8(r0, r1, r2, r3, r4, r5, r6, r7);
        _mm256_storeu_ps(dst[0] + t, r0);
        _mm256_storeu_ps(dst[1] + t, r1);
        _mm256_storeu_ps(dst[2] + t, r2);
        _mm256_storeu_ps(dst[3] + t, r3);
        _mm256_storeu_ps(dst[4] + t, r4);
        _mm256_storeu_ps(dst[5] + t, r5);
        _mm256_storeu_ps(dst[6] + t, r6);
        _mm256_storeu_ps(dst[7] + t, r7);
    }
    for (; t < m; t++)
        for (int l = 0; l < 8; l++)
            dst[l][t] = y[t * stride + (size_t)l];
}

FB_TARGET static void scatter_avx2(const float *y, size_t m, float *const *dst)
{
    scatter8(y, m, 8, dst);
}

FB_TARGET static void scatter_avx2x2(const float *y, size_t m, float *const *dst)
{
    scatter8(y, m, 16, dst);
    scatter8(y + 8, m, 16, dst + 8);
}

/* Sixteen lanes as two registers: two independent recursions per
 * instruction stream double the work the core can overlap, which is what
 * limits a cascade of dependent sections (each step waits on the last). */
typedef struct fb_v16 {
    __m256 lo, hi;
} fb_v16;

#undef FB_V
#undef FB_LANES
#undef FB_LOAD
#undef FB_LOAD_COEF
#undef FB_STORE
#undef FB_ZERO
#undef FB_MADD
#undef FB_NMADD
#undef FB_MUL
#undef FB_ADD
#undef FB_NAME

FB_TARGET static inline fb_v16 v16_load(const float *p)
{
    return (fb_v16){_mm256_load_ps(p), _mm256_load_ps(p + 8)};
}

/* Coefficients are equal in every lane: one load serves both halves. */
FB_TARGET static inline fb_v16 v16_load_coef(const float *p)
{
    __m256 v = _mm256_load_ps(p);
    return (fb_v16){v, v};
}

FB_TARGET static inline void v16_store(float *p, fb_v16 v)
{
    _mm256_store_ps(p, v.lo);
    _mm256_store_ps(p + 8, v.hi);
}

FB_TARGET static inline fb_v16 v16_madd(fb_v16 a, fb_v16 b, fb_v16 c)
{
    return (fb_v16){_mm256_fmadd_ps(a.lo, b.lo, c.lo),
                    _mm256_fmadd_ps(a.hi, b.hi, c.hi)};
}

FB_TARGET static inline fb_v16 v16_nmadd(fb_v16 a, fb_v16 b, fb_v16 c)
{
    return (fb_v16){_mm256_fnmadd_ps(a.lo, b.lo, c.lo),
                    _mm256_fnmadd_ps(a.hi, b.hi, c.hi)};
}

FB_TARGET static inline fb_v16 v16_mul(fb_v16 a, fb_v16 b)
{
    return (fb_v16){_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)};
}

FB_TARGET static inline fb_v16 v16_add(fb_v16 a, fb_v16 b)
{
    return (fb_v16){_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)};
}

#define FB_V fb_v16
#define FB_LANES 16
#define FB_LOAD(p) v16_load(p)
#define FB_LOAD_COEF(p) v16_load_coef(p)
#define FB_STORE(p, v) v16_store((p), (v))
#define FB_ZERO() ((fb_v16){_mm256_setzero_ps(), _mm256_setzero_ps()})
#define FB_MADD(a, b, c) v16_madd((a), (b), (c))
#define FB_NMADD(a, b, c) v16_nmadd((a), (b), (c))
#define FB_MUL(a, b) v16_mul((a), (b))
#define FB_ADD(a, b) v16_add((a), (b))
#define FB_NAME(x) x##_avx2x2

#include "kernel_template.h"

int fasc_fb_kernels_avx2(fb_kernels *k, int pairs)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return -1;
    if (pairs)
        *k = (fb_kernels){16, cascade_avx2x2, decimate_avx2x2, gather_avx2x2,
                          scatter_avx2x2};
    else
        *k = (fb_kernels){8, cascade_avx2, decimate_avx2, gather_avx2,
                          scatter_avx2};
    return 0;
}

#else

int fasc_fb_kernels_avx2(fb_kernels *k, int pairs)
{
    (void)k;
    (void)pairs;
    return -1;
}

#endif
