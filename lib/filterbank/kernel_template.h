/* Vector kernels, written once for any vector width.
 *
 * Included by one file per instruction set after it defines:
 *   FB_V             vector type of FB_LANES floats
 *   FB_LANES         lanes per vector (= channels per group)
 *   FB_LOAD(p) FB_STORE(p, v) FB_ZERO()  aligned load, store, zero
 *   FB_MADD(a, b, c) a * b + c           FB_NMADD(a, b, c) c - a * b
 *   FB_MUL(a, b)     FB_ADD(a, b)
 *   FB_NAME(x)       the suffixed function name
 *   FB_TARGET        function attributes for the instruction set
 * The arithmetic is that of fb_cascade_scalar / fb_decimate_scalar applied
 * lane by lane; only rounding may differ (fused multiply-add). */

FB_TARGET static inline FB_V FB_NAME(biquad)(const float *c, float *s, FB_V x)
{
    FB_V y = FB_MADD(FB_LOAD(c), x, FB_LOAD(s));
    FB_V s1 = FB_LOAD(s + FB_LANES);
    FB_STORE(s, FB_MADD(FB_LOAD(c + FB_LANES), x,
                        FB_NMADD(FB_LOAD(c + 3 * FB_LANES), y, s1)));
    FB_STORE(s + FB_LANES, FB_NMADD(FB_LOAD(c + 4 * FB_LANES), y,
                                    FB_MUL(FB_LOAD(c + 2 * FB_LANES), x)));
    return y;
}

FB_TARGET static void FB_NAME(cascade)(const fb_plan *plan, float *state,
                                       const float *x, float *y,
                                       size_t stream_stride, size_t m)
{
    const size_t step = 5 * FB_LANES, sstep = 2 * FB_LANES;
    for (size_t t = 0; t < m; t++) {
        const float *c = plan->coef;
        float *s = state;
        FB_V v = FB_LOAD(x + t * FB_LANES);
        for (int k = 0; k < plan->pre_sections; k++, c += step, s += sstep)
            v = FB_NAME(biquad)(c, s, v);
        FB_STORE(y + t * FB_LANES, v);
        /* Bands advance section by section side by side: independent
         * chains next to each other keep the out-of-order core busy. */
        FB_V u[FASC_FILTERBANK_MAX_BANDS];
        const size_t band_step = (size_t)plan->band_sections;
        for (int b = 0; b < plan->bands; b++)
            u[b] = v;
        for (int k = 0; k < plan->band_sections; k++)
            for (int b = 0; b < plan->bands; b++)
                u[b] = FB_NAME(biquad)(c + ((size_t)b * band_step + (size_t)k) * step,
                                       s + ((size_t)b * band_step + (size_t)k) * sstep,
                                       u[b]);
        for (int b = 0; b < plan->bands; b++)
            FB_STORE(y + (size_t)(b + 1) * stream_stride + t * FB_LANES, u[b]);
    }
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
            acc[u] = FB_MADD(FB_LOAD(h + (j + u) * FB_LANES),
                             FB_LOAD(w + (j + u) * FB_LANES), acc[u]);
    for (; j < taps; j++)
        acc[0] = FB_MADD(FB_LOAD(h + j * FB_LANES), FB_LOAD(w + j * FB_LANES),
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
