/* Vector kernels, written once for any vector width.
 *
 * Included by one file per instruction set after it defines:
 *   FB_V             vector type of FB_LANES floats
 *   FB_LANES         lanes per vector (= channels per group)
 *   FB_LOAD(p) FB_STORE(p, v) FB_ZERO()  aligned load, store, zero
 *   FB_LOAD_COEF(p)  load of pre-broadcast coefficients (may read fewer
 *                    lanes and duplicate them)
 *   FB_MADD(a, b, c) a * b + c           FB_NMADD(a, b, c) c - a * b
 *   FB_MUL(a, b)     FB_ADD(a, b)
 *   FB_NAME(x)       the suffixed function name
 *   FB_TARGET        function attributes for the instruction set
 * FB_UNROLL (samples per pass, default 4) may be defined too.
 * The arithmetic is that of fasc_fb_cascade_scalar / fasc_fb_decimate_scalar applied
 * lane by lane; only rounding may differ (fused multiply-add). */

/* `steps` consecutive samples of one section, in place in x. The section's
 * state stays in registers across the steps, and the arithmetic of each
 * step is the same whatever `steps` is (bit-identical for any split).
 * y = b0 x + s0; s0 = (b1 x + s1) - a1 y; s1 = b2 x - a2 y. */
#ifndef FB_UNROLL
#define FB_UNROLL 4
#endif
/* The step loops must be fully unrolled for the vectors to stay in
 * registers; GCC at -O2 does not do it by itself. */
#define FB_UNROLL_LOOP _Pragma("GCC unroll 8")

FB_TARGET __attribute__((always_inline)) static inline void
FB_NAME(biquad)(const float *c, float *s, FB_V *x, int steps)
{
    const FB_V b0 = FB_LOAD_COEF(c), b1 = FB_LOAD_COEF(c + FB_LANES);
    const FB_V b2 = FB_LOAD_COEF(c + 2 * FB_LANES);
    const FB_V a1 = FB_LOAD_COEF(c + 3 * FB_LANES);
    const FB_V a2 = FB_LOAD_COEF(c + 4 * FB_LANES);
    FB_V s0 = FB_LOAD(s), s1 = FB_LOAD(s + FB_LANES);
    FB_UNROLL_LOOP
    for (int j = 0; j < steps; j++) {
        FB_V y = FB_MADD(b0, x[j], s0);
        s0 = FB_NMADD(a1, y, FB_MADD(b1, x[j], s1));
        s1 = FB_NMADD(a2, y, FB_MUL(b2, x[j]));
        x[j] = y;
    }
    FB_STORE(s, s0);
    FB_STORE(s + FB_LANES, s1);
}

/* STEPS samples (1 or FB_UNROLL) through the whole bank. */
FB_TARGET __attribute__((always_inline)) static inline void
FB_NAME(bank_steps)(const fb_plan *plan, float *state, const float *x,
                    float *y, size_t stream_stride, int steps)
{
    const size_t step = 5 * FB_LANES, sstep = 2 * FB_LANES;
    const float *c = plan->coef;
    float *s = state;
    FB_V v[FB_UNROLL], u[FB_UNROLL];
    FB_UNROLL_LOOP
    for (int j = 0; j < steps; j++)
        v[j] = FB_LOAD(x + (size_t)j * FB_LANES);
    for (int k = 0; k < plan->pre_sections; k++, c += step, s += sstep)
        FB_NAME(biquad)(c, s, v, steps);
    FB_UNROLL_LOOP
    for (int j = 0; j < steps; j++)
        FB_STORE(y + (size_t)j * FB_LANES, v[j]);
    for (int b = 0; b < plan->bands; b++) {
        FB_UNROLL_LOOP
        for (int j = 0; j < steps; j++)
            u[j] = v[j];
        for (int k = 0; k < plan->band_sections; k++, c += step, s += sstep)
            FB_NAME(biquad)(c, s, u, steps);
        float *out = y + (size_t)(b + 1) * stream_stride;
        FB_UNROLL_LOOP
        for (int j = 0; j < steps; j++)
            FB_STORE(out + (size_t)j * FB_LANES, u[j]);
    }
}

FB_TARGET static void FB_NAME(cascade)(const fb_plan *plan, float *state,
                                       const float *x, float *y,
                                       size_t stream_stride, size_t m)
{
    size_t t = 0;
    /* Several samples per pass: each coefficient and state is loaded once
     * per pass, and the core overlaps the steps of successive sections. */
    for (; t + FB_UNROLL <= m; t += FB_UNROLL)
        FB_NAME(bank_steps)(plan, state, x + t * FB_LANES, y + t * FB_LANES,
                            stream_stride, FB_UNROLL);
    for (; t < m; t++)
        FB_NAME(bank_steps)(plan, state, x + t * FB_LANES, y + t * FB_LANES,
                            stream_stride, 1);
}

FB_TARGET static FB_V FB_NAME(fir_dot)(const float *h, const float *w,
                                       size_t taps)
{
    /* Four accumulators hide the add latency; the split is fixed, so the
     * sum is the same for every block partition. */
    FB_V acc[4] = {FB_ZERO(), FB_ZERO(), FB_ZERO(), FB_ZERO()};
    size_t j = 0;
    for (; j + 4 <= taps; j += 4)
        for (size_t u = 0; u < 4; u++)
            acc[u] = FB_MADD(FB_LOAD_COEF(h + (j + u) * FB_LANES),
                             FB_LOAD(w + (j + u) * FB_LANES), acc[u]);
    for (; j < taps; j++)
        acc[0] = FB_MADD(FB_LOAD_COEF(h + j * FB_LANES), FB_LOAD(w + j * FB_LANES),
                         acc[0]);
    return FB_ADD(FB_ADD(acc[0], acc[1]), FB_ADD(acc[2], acc[3]));
}

FB_TARGET static size_t FB_NAME(decimate)(const fb_plan *plan, float *history,
                                          size_t *pos, int phase,
                                          const float *x, size_t n, float *y)
{
    const size_t taps = (size_t)plan->fir_taps;
    size_t p = *pos, produced = 0;
    int due = phase == 0 ? 0 : plan->decimation - phase;
    for (size_t t = 0; t < n; t++) {
        FB_V v = FB_LOAD(x + t * FB_LANES);
        FB_STORE(history + p * FB_LANES, v);
        FB_STORE(history + (p + taps) * FB_LANES, v);
        if (due == 0) {
            FB_V acc = FB_NAME(fir_dot)(plan->fir,
                                        history + (p + 1) * FB_LANES, taps);
            FB_STORE(y + produced * FB_LANES, acc);
            produced++;
            due = plan->decimation;
        }
        due--;
        p = p + 1 == taps ? 0 : p + 1;
    }
    *pos = p;
    return produced;
}
