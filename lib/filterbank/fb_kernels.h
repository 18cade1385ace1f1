/* The inner loops of the filter bank, one set per instruction set.
 *
 * Channels are SIMD lanes: a group of `lanes` channels is stored
 * lane-interleaved ([sample][lane]) in scratch buffers, so one vector
 * operation advances the same filter of every channel in the group. The
 * scalar reference (lanes = 1) is the plain C definition every optimised
 * set is tested against. */
#ifndef FASC_FB_KERNELS_H
#define FASC_FB_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Everything a kernel reads; coefficients are pre-broadcast per lane. */
typedef struct fb_plan {
    int lanes;
    int pre_sections;   /* sections producing stream 0 */
    int bands;          /* sub-bands, each fed by stream 0 */
    int band_sections;  /* sections per sub-band */
    const float *coef;  /* [section][5][lanes]: b0 b1 b2 a1 a2 */
    int decimation;     /* D */
    int fir_taps;       /* N, odd */
    const float *fir;   /* [N][lanes], symmetric taps */
} fb_plan;

/* Runs the cascade over m lane-interleaved samples x; stream s of the
 * result goes to y + s * stream_stride. State: [section][2][lanes]. */
typedef void (*fb_cascade_fn)(const fb_plan *plan, float *state,
                              const float *x, float *y, size_t stream_stride,
                              size_t m);

/* Pushes n lane-interleaved samples through the anti-alias FIR (history
 * [2N][lanes], write position *pos) and writes one output for every input
 * whose absolute index is a multiple of D; `phase` is the absolute index
 * of x[0] modulo D. Returns the number of outputs. */
typedef size_t (*fb_decimate_fn)(const fb_plan *plan, float *history,
                                 size_t *pos, int phase, const float *x,
                                 size_t n, float *y);

/* Optional transposing copies for a full group of planar channels:
 * src[l] / dst[l] point at channel l's samples. NULL: portable loops. */
typedef void (*fb_gather_fn)(const float *const *src, size_t n, float *dst,
                             uint64_t *const *nonfinite);
typedef void (*fb_scatter_fn)(const float *y, size_t m, float *const *dst);

typedef struct fb_kernels {
    int lanes;
    fb_cascade_fn cascade;
    fb_decimate_fn decimate;
    fb_gather_fn gather;
    fb_scatter_fn scatter;
} fb_kernels;

/* Instruction sets; FB_ISA_BEST picks the fastest the CPU runs. */
typedef enum fb_isa {
    FB_ISA_BEST = -1,
    FB_ISA_SCALAR = 0,
    FB_ISA_GENERIC = 1,
    FB_ISA_AVX2 = 2,   /* 8 lanes */
    FB_ISA_AVX2X2 = 3  /* 16 lanes, two registers per step */
} fb_isa;

/* Fills `k` for `isa` and a channel count (FB_ISA_BEST takes 16 lanes only
 * when there are more than 8 channels); returns 0, or -1 if this build or
 * CPU cannot. */
int fasc_fb_kernels_get(fb_isa isa, int channels, fb_kernels *k);

void fasc_fb_cascade_scalar(const fb_plan *plan, float *state, const float *x,
                       float *y, size_t stream_stride, size_t m);
size_t fasc_fb_decimate_scalar(const fb_plan *plan, float *history, size_t *pos,
                          int phase, const float *x, size_t n, float *y);
void fasc_fb_kernels_generic(fb_kernels *k);
int fasc_fb_kernels_avx2(fb_kernels *k, int pairs);

#endif
