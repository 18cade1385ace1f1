/* The chunk-end pass over the IIR states, four floats at a time with GCC /
 * Clang vector extensions (compilers do not vectorise the scalar form at
 * -O2, and it runs over every state every 64 samples). */
#include <float.h>
#include <string.h>

#include "fb_internal.h"

typedef float fb_f4 __attribute__((vector_size(16)));
typedef int32_t fb_i4 __attribute__((vector_size(16)));

int fasc_fb_flush_tiny(float *state, size_t n)
{
    const fb_i4 abs_mask = {0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff};
    const fb_f4 level = {FB_FLUSH_LEVEL, FB_FLUSH_LEVEL, FB_FLUSH_LEVEL, FB_FLUSH_LEVEL};
    const fb_f4 huge = {FLT_MAX, FLT_MAX, FLT_MAX, FLT_MAX};
    fb_i4 broken = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        fb_i4 bits;
        memcpy(&bits, state + i, sizeof bits);
        fb_f4 a = (fb_f4)(bits & abs_mask);
        bits &= ~(a < level);
        broken |= ~(a <= huge); /* NaN compares false */
        memcpy(state + i, &bits, sizeof bits);
    }
    int any = (broken[0] | broken[1] | broken[2] | broken[3]) != 0;
    for (; i < n; i++) {
        float a = state[i] < 0.0f ? -state[i] : state[i];
        if (a < FB_FLUSH_LEVEL)
            state[i] = 0.0f;
        any |= !(a <= FLT_MAX);
    }
    return any;
}
