/* AVX2 + FMA kernels, 8 lanes, chosen at run time on x86-64 CPUs that have
 * them; the rest of the library stays baseline x86-64. */
#include "fb_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

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

int fb_kernels_avx2(fb_kernels *k)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return -1;
    k->lanes = FB_LANES;
    k->cascade = cascade_avx2;
    k->decimate = decimate_avx2;
    return 0;
}

#else

int fb_kernels_avx2(fb_kernels *k)
{
    (void)k;
    return -1;
}

#endif
