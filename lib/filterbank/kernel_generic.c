/* Portable vector kernels: GCC/Clang vector extensions, 4 lanes (SSE2 on
 * x86-64, NEON on AArch64, scalarised elsewhere). */
#include <string.h>

#include "fasc/filterbank.h"
#include "fb_kernels.h"

typedef float fb_v4 __attribute__((vector_size(16)));

static inline fb_v4 fb_v4_load(const float *p)
{
    fb_v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void fb_v4_store(float *p, fb_v4 v)
{
    memcpy(p, &v, sizeof v);
}

#define FB_V fb_v4
#define FB_LANES 4
#define FB_LOAD(p) fb_v4_load(p)
#define FB_LOAD_COEF(p) fb_v4_load(p)
#define FB_STORE(p, v) fb_v4_store((p), (v))
#define FB_ZERO() ((fb_v4){0.0f, 0.0f, 0.0f, 0.0f})
#define FB_MADD(a, b, c) ((a) * (b) + (c))
#define FB_NMADD(a, b, c) ((c) - (a) * (b))
#define FB_MUL(a, b) ((a) * (b))
#define FB_ADD(a, b) ((a) + (b))
#define FB_NAME(x) x##_generic
#define FB_TARGET

#include "kernel_template.h"

void fasc_fb_kernels_generic(fb_kernels *k)
{
    *k = (fb_kernels){0};
    k->lanes = FB_LANES;
    k->cascade = cascade_generic;
    k->decimate = decimate_generic;
}
