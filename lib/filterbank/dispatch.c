/* Choice of the kernel set: the fastest the CPU runs, or a forced one for
 * the tests that compare optimised kernels with the scalar reference. */
#include "fb_kernels.h"

int fasc_fb_kernels_get(fb_isa isa, int channels, fb_kernels *k)
{
    switch (isa) {
    case FB_ISA_BEST:
        /* Sixteen lanes only pay when they are filled; with few channels
         * the 8-lane set wins (even for one channel, as its unrolled passes
         * overlap the sections' recursions). */
        if (fasc_fb_kernels_avx2(k, channels > 8) == 0)
            return 0;
        fasc_fb_kernels_generic(k);
        return 0;
    case FB_ISA_SCALAR:
        *k = (fb_kernels){0};
        k->lanes = 1;
        k->cascade = fasc_fb_cascade_scalar;
        k->decimate = fasc_fb_decimate_scalar;
        return 0;
    case FB_ISA_GENERIC:
        fasc_fb_kernels_generic(k);
        return 0;
    case FB_ISA_AVX2:
        return fasc_fb_kernels_avx2(k, 0);
    case FB_ISA_AVX2X2:
        return fasc_fb_kernels_avx2(k, 1);
    }
    return -1;
}
