/* Smoothing kernel, included once per instruction set with DET_NAME and
 * DET_TARGET defined. Eight channels are the lanes of one vector; every
 * operation is exact integer arithmetic or a single float multiply or
 * compare, so all instruction sets give bit-identical statistics.
 *
 * Per scale: S1 = box sum of the last a quantised z, S2 = box sum of the
 * last a values of S1, i.e. z convolved with a triangle of length 2a - 1
 * (weights summing to a²). S2 is updated by D = S1(t) - S1(t - a), and D
 * by its second difference z(t) - 2 z(t - a) + z(t - 2a), so that no ring
 * of S1 is kept (three stores a row fewer). Sums wrap modulo 2^32 in
 * between; the window sums themselves stay below 2^31, so the wrapped
 * arithmetic is exact. */
typedef float det_vf __attribute__((vector_size(32)));
typedef int32_t det_vi __attribute__((vector_size(32)));
typedef uint32_t det_vu __attribute__((vector_size(32)));

#define DET_LOAD(v, p) memcpy(&(v), (p), sizeof(v))
#define DET_STORE(p, v) memcpy((p), &(v), sizeof(v))

/* The larger of the two wavelets' squared, noise-scaled outputs of row t
 * into wz, and whether it reaches the candidate level. (Vectors by
 * address: a 32-byte vector passed by value to the portable build's
 * function would change its calling convention.) */
DET_TARGET static inline void DET_NAME(wavelet_out)(float *wz, size_t t, size_t em,
                                                    const det_vf *out1, const det_vf *out2,
                                                    const det_vf *sc1, const det_vf *sc2,
                                                    const det_vf *wthr, det_vi *any)
{
    det_vf o1 = *out1 * *sc1, o2 = *out2 * *sc2;
    o1 = o1 * o1;
    o2 = o2 * o2;
    const det_vi more = o1 > o2;
    const det_vf best = (det_vf)(((det_vi)o1 & more) | ((det_vi)o2 & ~more));
    DET_STORE(wz + (t & em) * DET_LANES, best);
    *any |= best >= *wthr;
}

DET_TARGET static void DET_NAME(smooth_group)(fasc_detector *det, int g,
                                              fasc_index t0, int len,
                                              uint8_t *hot)
{
    const det_design *d = &det->d;
    const size_t zm = (size_t)d->zrows - 1, em = (size_t)d->erows - 1;
    const size_t hm = (size_t)d->hrows - 1;
    const float *hist = det->hist + (size_t)g * (size_t)d->hrows * DET_LANES;
    uint32_t *zr = det->zring + (size_t)g * (size_t)d->zrows * DET_LANES;
    uint32_t *acc = det->acc + (size_t)g * 2 * DET_SCALES * DET_LANES;
    float *e = det->e + (size_t)g * DET_SCALES * (size_t)d->erows * DET_LANES;
    const float *tl = det->tlow + (size_t)g * DET_SCALES * DET_LANES;
    det_vf inv;
    DET_LOAD(inv, det->inv + (size_t)g * DET_LANES);
    const det_vf zmax = {d->z_max, d->z_max, d->z_max, d->z_max,
                         d->z_max, d->z_max, d->z_max, d->z_max};
    const float q = d->qscale;
    const det_vf qv = {q, q, q, q, q, q, q, q};
    det_vu d1[DET_SCALES], s2[DET_SCALES]; /* D and S2 */
    det_vf norm[DET_SCALES], low[DET_SCALES];
    for (int s = 0; s < DET_SCALES; s++) {
        DET_LOAD(d1[s], acc + (size_t)s * DET_LANES);
        DET_LOAD(s2[s], acc + (size_t)(DET_SCALES + s) * DET_LANES);
        const float n = d->norm[s];
        norm[s] = (det_vf){n, n, n, n, n, n, n, n};
        DET_LOAD(low[s], tl + (size_t)s * DET_LANES);
    }
    size_t off[DET_SCALES], a[DET_SCALES];
    float *es[DET_SCALES];
    for (int s = 0; s < DET_SCALES; s++) {
        off[s] = (size_t)d->off[s];
        a[s] = (size_t)d->a[s];
        es[s] = e + (size_t)s * (size_t)d->erows * DET_LANES;
    }
    det_vi any = {0, 0, 0, 0, 0, 0, 0, 0};
    /* candidate wavelets: σ-scaled input ring, taps, noise scales */
    const size_t dm = (size_t)d->d_max;
    float *lin = det->xswin + (size_t)g * (size_t)d->wrows * DET_LANES;
    float *wz = det->wz + (size_t)g * (size_t)d->erows * DET_LANES;
    const float *wsc = det->wscale + (size_t)g * DET_WAVELETS * DET_LANES;
    const float w2 = d->wthr2;
    const det_vf wthr = {w2, w2, w2, w2, w2, w2, w2, w2};
    const int ncw = d->ncw;
    const size_t ch_half = ncw > 0 ? (size_t)d->w_half[d->cw[0]] : 0;
    const float *h1 = ncw > 0 ? det->wtaps + d->w_off[d->cw[0]] + ch_half : NULL;
    const float *h2 = ncw > 0 ? det->wtaps + d->w_off[d->cw[1]] + ch_half : NULL;
    det_vf sc1 = {0, 0, 0, 0, 0, 0, 0, 0}, sc2 = sc1;
    if (ncw > 0) {
        DET_LOAD(sc1, wsc);
        DET_LOAD(sc2, wsc + DET_LANES);
    }
    for (int j = 0; j < len; j++) {
        const size_t t = (size_t)(t0 + j);
        det_vf v;
        DET_LOAD(v, hist + (t & hm) * DET_LANES);
        v = v * inv;
        if (ncw > 0)
            DET_STORE(lin + (2 * dm + (size_t)j) * DET_LANES, v);
        v = v * v;
        const det_vi keep = v < zmax;
        v = (det_vf)(((det_vi)v & keep) | ((det_vi)zmax & ~keep));
        const det_vu zq = (det_vu)__builtin_convertvector(v * qv, det_vi);
        DET_STORE(zr + (t & zm) * DET_LANES, zq);
        /* unrolled so that the sums stay in registers */
#pragma GCC unroll 3
        for (int s = 0; s < DET_SCALES; s++) {
            const size_t newest = t - off[s];
            det_vu in, mid, far;
            DET_LOAD(in, zr + (newest & zm) * DET_LANES);
            DET_LOAD(mid, zr + ((newest - a[s]) & zm) * DET_LANES);
            DET_LOAD(far, zr + ((newest - 2 * a[s]) & zm) * DET_LANES);
            d1[s] += (in - mid) - (mid - far);
            s2[s] += d1[s];
            const det_vf ev = __builtin_convertvector((det_vi)s2[s], det_vf) * norm[s];
            DET_STORE(es[s] + (t & em) * DET_LANES, ev);
            any |= ev >= low[s];
        }
    }
    /* candidate wavelets, centred on t - d_max like the energies, in a
     * second pass so that the samples' sums overlap; order 1 is odd and
     * order 2 even about the centre, so each pair of taps needs one
     * difference and one sum */
    /* two rows at a time: four independent sums hide the adds' latency
     * (each row's sums keep their order, so the bits do not change) */
    int j = 0;
    for (; ncw > 0 && j + 1 < len; j += 2) {
        const float *c0 = lin + ((size_t)j + dm) * DET_LANES, *c1 = c0 + DET_LANES;
        det_vf x0, x1, p1 = {0, 0, 0, 0, 0, 0, 0, 0}, q1 = p1, p2, q2;
        DET_LOAD(x0, c0);
        DET_LOAD(x1, c1);
        p2 = h2[0] * x0;
        q2 = h2[0] * x1;
        for (size_t k = 1; k <= ch_half; k++) {
            det_vf a0, b0, a1, b1;
            DET_LOAD(a0, c0 + k * DET_LANES);
            DET_LOAD(b0, c0 - k * DET_LANES);
            DET_LOAD(a1, c1 + k * DET_LANES);
            DET_LOAD(b1, c1 - k * DET_LANES);
            p1 += h1[k] * (a0 - b0);
            p2 += h2[k] * (a0 + b0);
            q1 += h1[k] * (a1 - b1);
            q2 += h2[k] * (a1 + b1);
        }
        DET_NAME(wavelet_out)(wz, (size_t)(t0 + j), em, &p1, &p2, &sc1, &sc2, &wthr, &any);
        DET_NAME(wavelet_out)(wz, (size_t)(t0 + j + 1), em, &q1, &q2, &sc1, &sc2, &wthr, &any);
    }
    for (; ncw > 0 && j < len; j++) {
        const float *centre = lin + ((size_t)j + dm) * DET_LANES;
        det_vf xc, o1 = {0, 0, 0, 0, 0, 0, 0, 0}, o2;
        DET_LOAD(xc, centre);
        o2 = h2[0] * xc;
        for (size_t k = 1; k <= ch_half; k++) {
            det_vf xa, xb;
            DET_LOAD(xa, centre + k * DET_LANES);
            DET_LOAD(xb, centre - k * DET_LANES);
            o1 += h1[k] * (xa - xb);
            o2 += h2[k] * (xa + xb);
        }
        DET_NAME(wavelet_out)(wz, (size_t)(t0 + j), em, &o1, &o2, &sc1, &sc2, &wthr, &any);
    }
    /* the newest 2 d_max rows to the front, for the next call */
    if (ncw > 0)
        memmove(lin, lin + (size_t)len * DET_LANES, sizeof(float) * DET_LANES * 2 * dm);
    for (int s = 0; s < DET_SCALES; s++) {
        DET_STORE(acc + (size_t)s * DET_LANES, d1[s]);
        DET_STORE(acc + (size_t)(DET_SCALES + s) * DET_LANES, s2[s]);
    }
    uint8_t bits = 0;
    for (int l = 0; l < DET_LANES; l++)
        bits |= (uint8_t)((any[l] != 0) << l);
    *hot = bits;
}

DET_TARGET void DET_NAME(fasc_det_smooth)(fasc_detector *det, int g0, int g1,
                                          fasc_index t0, int len, uint8_t *hot)
{
    for (int g = g0; g < g1; g++)
        DET_NAME(smooth_group)(det, g, t0, len, hot + g);
}

/* Noise autocorrelation of one chunk for the eight lanes of a group:
 * r[k][l] = sum over i in [lags, lags + 64) of x[i][l] x[i - k][l], k =
 * 0..lags; each lane summed in i order, so every instruction set gives the
 * same bits. */
DET_TARGET void DET_NAME(fasc_det_acf_lags)(const float *x, int lags, float *r)
{
    /* four lags at a time: independent sums hide the adds' latency, and
     * each lag's sum keeps its order */
    int k = 0;
    for (; k + 3 <= lags; k += 4) {
        det_vf s0 = {0, 0, 0, 0, 0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
        for (int i = lags; i < lags + DET_CHUNK; i++) {
            det_vf a, b0, b1, b2, b3;
            DET_LOAD(a, x + (size_t)i * DET_LANES);
            DET_LOAD(b0, x + (size_t)(i - k) * DET_LANES);
            DET_LOAD(b1, x + (size_t)(i - k - 1) * DET_LANES);
            DET_LOAD(b2, x + (size_t)(i - k - 2) * DET_LANES);
            DET_LOAD(b3, x + (size_t)(i - k - 3) * DET_LANES);
            s0 += a * b0;
            s1 += a * b1;
            s2 += a * b2;
            s3 += a * b3;
        }
        DET_STORE(r + (size_t)k * DET_LANES, s0);
        DET_STORE(r + (size_t)(k + 1) * DET_LANES, s1);
        DET_STORE(r + (size_t)(k + 2) * DET_LANES, s2);
        DET_STORE(r + (size_t)(k + 3) * DET_LANES, s3);
    }
    for (; k <= lags; k++) {
        det_vf acc = {0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = lags; i < lags + DET_CHUNK; i++) {
            det_vf a, b;
            DET_LOAD(a, x + (size_t)i * DET_LANES);
            DET_LOAD(b, x + (size_t)(i - k) * DET_LANES);
            acc += a * b;
        }
        DET_STORE(r + (size_t)k * DET_LANES, acc);
    }
}
