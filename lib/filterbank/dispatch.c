/* Choice of the kernel set: the fastest the CPU runs, or a forced one for
 * the tests that compare optimised kernels with the scalar reference. */
#include "fb_kernels.h"

int fb_kernels_get(fb_isa isa, int channels, fb_kernels *k)
{
    switch (isa) {
    case FB_ISA_BEST:
        /* One channel would use one lane of eight: the scalar kernel does
         * the same arithmetic without the padding and is faster. */
        if (channels == 1)
            return fb_kernels_get(FB_ISA_SCALAR, channels, k);
        if (fb_kernels_avx2(k, channels > 8) == 0)
            return 0;
        fb_kernels_generic(k);
        return 0;
    case FB_ISA_SCALAR:
        *k = (fb_kernels){0};
        k->lanes = 1;
        k->cascade = fb_cascade_scalar;
        k->decimate = fb_decimate_scalar;
        return 0;
    case FB_ISA_GENERIC:
        fb_kernels_generic(k);
        return 0;
    case FB_ISA_AVX2:
        return fb_kernels_avx2(k, 0);
    case FB_ISA_AVX2X2:
        return fb_kernels_avx2(k, 1);
    }
    return -1;
}
