/* Noise σ (histogram MAD), the noise's autocorrelation, and the thresholds
 * derived from them; all updated at absolute 64-sample boundaries from
 * samples the event logic has already cleared, so that they do not depend
 * on block sizes. */
#include <math.h>
#include <string.h>

#include "det_internal.h"
#include "../common/clones.h"

/* median |x| = 0.6745 σ for Gaussian noise */
static const double det_mad_to_sigma = 1.0 / 0.6744897501960817;
/* Bin b holds |x| whose float bits, shifted right by 19 (exponent and four
 * mantissa bits: 16 bins per octave, at most 6.25 % wide), equal
 * b + det_bin_base; bin 0 starts at 2^-12 µV and catches all below. */
static const int det_bin_shift = 19;
static const int det_bin_base = (127 - 12) << 4;
/* The window restarts from its newest warm_n entries (half a second) when
 * their median is this many bins (16 per octave: a factor 0.66) below the
 * whole window's. */
static const uint32_t det_fall_bins = 10;
/* ... but not when it lies more than this many bins (a factor 8) below: a
 * lead that drops out or decays to near silence is not a new background,
 * and σ must not collapse onto it. */
static const uint32_t det_fall_floor_bins = 48;
/* ... or this many (a factor 0.77) after events taken in as background: a
 * median of 128 |x| about 3.8 standard errors low */
static const uint32_t det_fall_busy_bins = 6;

static int noise_bin(float x)
{
    float a = fabsf(x);
    uint32_t bits;
    memcpy(&bits, &a, sizeof bits);
    int b = (int)(bits >> det_bin_shift) - det_bin_base;
    return b < 0 ? 0 : b >= DET_NOISE_BINS ? DET_NOISE_BINS - 1 : b;
}

static double bin_edge(int b)
{
    uint32_t bits = (uint32_t)(b + det_bin_base) << det_bin_shift;
    float v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

void fasc_det_busy_mark(fasc_detector *det, int c, fasc_index from, fasc_index to)
{
    uint64_t *words = det->busy + (size_t)c * (size_t)det->d.busy_words;
    const size_t wm = (size_t)det->d.busy_words - 1;
    if (from < 0)
        from = 0;
    for (fasc_index u = from; u <= to; u++)
        words[(size_t)(u >> 6) & wm] |= (uint64_t)1 << (u & 63);
}

/* Moves the median bin to the (count / 2)-th entry; the walk is short as
 * the median drifts slowly. */
static FASC_CLONE_INLINE void noise_median(fasc_detector *det, int c)
{
    det_channel *ch = &det->ch[c];
    const uint32_t *hist = det->noise_hist + (size_t)c * DET_NOISE_BINS;
    if (ch->noise_count == 0)
        return;
    const uint32_t k = ch->noise_count / 2;
    uint32_t m = ch->median_bin, below = ch->below;
    while (below > k) {
        m--;
        below -= hist[m];
    }
    while (below + hist[m] <= k) {
        below += hist[m];
        m++;
    }
    ch->median_bin = m;
    ch->below = below;
    double frac = ((double)(k - below) + 0.5) / hist[m];
    double lo = bin_edge((int)m), hi = bin_edge((int)m + 1);
    ch->sigma = (float)((lo + frac * (hi - lo)) * det_mad_to_sigma);
}

static bool window_clear(const fasc_detector *det, int c, fasc_index from,
                         fasc_index to)
{
    const uint64_t *words = det->busy + (size_t)c * (size_t)det->d.busy_words;
    const size_t wm = (size_t)det->d.busy_words - 1;
    for (fasc_index w = from >> 6; w <= (to >> 6); w++)
        if (words[(size_t)w & wm])
            return false;
    return true;
}

/* R(k) of the 64 samples from u0, with their predecessors, for the eight
 * channels of group g at once (lanes of the interleaved history; each lane
 * summed on its own, so the compiler vectorises without reassociating).
 * Averaged exponentially (time constant ~2 s) into the channels whose
 * window held no event. */
static FASC_CLONE_INLINE void acf_update(fasc_detector *det, int g, fasc_index u0, unsigned clear)
{
    const det_design *d = &det->d;
    const int lags = d->lags;
    const size_t hm = (size_t)d->hrows - 1;
    const float *h = det->hist + (size_t)g * (size_t)d->hrows * DET_LANES;
    float *x = det->acf_x; /* [64 + lags][lane], contiguous */
    for (int i = 0; i < DET_CHUNK + lags; i++)
        memcpy(x + (size_t)i * DET_LANES,
               h + ((size_t)(u0 - lags + i) & hm) * DET_LANES, sizeof(float) * DET_LANES);
    float *sums = x + (size_t)(DET_CHUNK + lags) * DET_LANES; /* [lags + 1][lane] */
    det->acf_lags(x, lags, sums);
    /* lane by lane, each channel's lags in a row of its own */
    for (int l = 0; l < DET_LANES; l++) {
        if (!((clear >> l) & 1u))
            continue;
        const int c = g * DET_LANES + l;
        double *avg = det->acf + (size_t)c * (size_t)(lags + 1);
        const double alpha = det->ch[c].acf_updates ? d->acf_alpha : 1.0;
        for (int k = 0; k <= lags; k++)
            avg[k] += alpha * (sums[(size_t)k * DET_LANES + (size_t)l] - avg[k]);
        det->ch[c].acf_updates++;
    }
}

/* Pushes the chunk's noise samples (every noise_step-th, outside events)
 * into the channel's ring and histogram. The ring position, count and
 * below-median tally stay in registers (the histogram, also uint32_t,
 * could alias them in memory), and the below-median tests are branch-free:
 * on noise they are coin tosses a branch would mispredict half the time. */
static FASC_CLONE_INLINE void feed_noise(fasc_detector *det, int c, fasc_index u0, uint64_t word,
                                         bool take_events)
{
    det_channel *ch = &det->ch[c];
    const int step = det->d.noise_step;
    const uint32_t cap = (uint32_t)det->d.noise_cap, median = ch->median_bin;
    uint16_t *ring = det->noise_ring + (size_t)c * cap;
    uint32_t *hist = det->noise_hist + (size_t)c * DET_NOISE_BINS;
    uint32_t count = ch->noise_count, head = ch->noise_head, below = ch->below;
    uint32_t since_busy = ch->since_busy;
    fasc_index first = (u0 + step - 1) / step * step;
    for (fasc_index u = first; u < u0 + DET_CHUNK; u += step) {
        const bool in_event = (word >> (u - u0)) & 1u;
        if (in_event && !take_events)
            continue;
        float x = *fasc_det_x(det, c, u);
        if (x == 0.0f)
            continue;
        since_busy = in_event ? 0 : since_busy < cap ? since_busy + 1 : cap;
        const uint32_t bin = (uint32_t)noise_bin(x);
        if (count == cap) { /* (a branch taken the same way all but the
                             * first noise_cap times) */
            const uint32_t old = ring[head];
            hist[old]--;
            below -= old < median;
        } else {
            count++;
        }
        ring[head] = (uint16_t)bin;
        head = head + 1 == cap ? 0 : head + 1;
        hist[bin]++;
        below += bin < median;
    }
    ch->noise_count = count;
    ch->noise_head = head;
    ch->below = below;
    ch->since_busy = since_busy;
}

/* How many of the newest m ring entries (ending at head) reach bin `level`. */
static uint32_t newest_at_least(const uint16_t *ring, uint32_t cap, uint32_t head, uint32_t m,
                                uint32_t level)
{
    const uint32_t wrap = m > head ? m - head : 0;
    uint32_t count = 0;
    for (uint32_t i = head - (m - wrap); i < head; i++)
        count += ring[i] >= level;
    for (uint32_t i = cap - wrap; i < cap; i++)
        count += ring[i] >= level;
    return count;
}

/* Of the newest `span` entries, how many came since the level fell: the
 * count j at which the share of the newest j entries at or above `level`
 * lies furthest below the share of all `span` (the minimum of the
 * cumulative sum of (at or above) - share, from the newest back; the
 * largest such j on a tie). */
static uint32_t since_fall(const uint16_t *ring, uint32_t cap, uint32_t head, uint32_t span,
                           uint32_t level)
{
    const int64_t high = (int64_t)newest_at_least(ring, cap, head, span, level);
    int64_t sum = 0, lowest = 0;
    uint32_t at = span;
    for (uint32_t j = 1; j <= span; j++) {
        sum += (int64_t)span * (ring[(head + cap - j) % cap] >= level) - high;
        if (sum < lowest || (sum == lowest && j == span)) {
            lowest = sum;
            at = j;
        }
    }
    return at;
}

/* Drops all but the newest `keep` entries from the histogram. */
static void keep_newest(fasc_detector *det, int c, uint32_t keep)
{
    det_channel *ch = &det->ch[c];
    const uint32_t cap = (uint32_t)det->d.noise_cap;
    const uint16_t *ring = det->noise_ring + (size_t)c * cap;
    uint32_t *hist = det->noise_hist + (size_t)c * DET_NOISE_BINS;
    for (uint32_t i = keep + 1; i <= ch->noise_count; i++)
        hist[ring[(ch->noise_head + cap - i) % cap]]--;
    ch->noise_count = keep;
    uint32_t below = 0, b = 0;
    while (below + hist[b] <= keep / 2)
        below += hist[b++];
    ch->median_bin = b;
    ch->below = below;
}

/* The median bin of the newest m entries. */
static uint32_t newest_median(const uint16_t *ring, uint32_t cap, uint32_t head, uint32_t m)
{
    uint32_t lo = 1, hi = DET_NOISE_BINS;
    while (lo < hi) { /* the lowest bin that half of them or fewer reach */
        const uint32_t mid = (lo + hi) / 2;
        if (newest_at_least(ring, cap, head, m, mid) > m / 2)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 1;
}

/* Whether channel c's lead is fading out rather than settling at a new
 * background: its newest quarter second holds mostly values more than
 * det_fall_floor_bins under the window's median. σ must not collapse
 * onto the silence. */
static bool fading_out(const fasc_detector *det, int c)
{
    const det_channel *ch = &det->ch[c];
    const uint32_t cap = (uint32_t)det->d.noise_cap, n = (uint32_t)det->d.warm_n;
    const uint32_t m = ch->median_bin;
    const uint32_t floor = m > det_fall_floor_bins ? m - det_fall_floor_bins : 0;
    return newest_at_least(det->noise_ring + (size_t)c * cap, cap, ch->noise_head, n / 2, floor) <=
           n / 4;
}

/* After a restart: where the window still begins with entries of a higher
 * level than its newest warm_n (det_fall_bins over their median, which a
 * quarter of those reach, against more than half of the older ones), only
 * the entries since that fall stay, if they are warm_n or more; not on a
 * lead fading out. */
static void cut_at_fall(fasc_detector *det, int c)
{
    const det_channel *ch = &det->ch[c];
    const uint32_t cap = (uint32_t)det->d.noise_cap, n = (uint32_t)det->d.warm_n;
    const uint16_t *ring = det->noise_ring + (size_t)c * cap;
    const uint32_t head = ch->noise_head, count = ch->noise_count;
    if (fading_out(det, c))
        return;
    const uint32_t level = newest_median(ring, cap, head, n) + det_fall_bins;
    const uint32_t since = since_fall(ring, cap, head, count, level);
    const uint32_t older = count - since;
    if (since < n || older < n / 4)
        return;
    const uint32_t high = newest_at_least(ring, cap, head, count, level) -
                          newest_at_least(ring, cap, head, since, level);
    if (2 * high > older)
        keep_newest(det, c, since);
}

/* A fall of the noise level (the end of a contraction, which the window
 * took in as background, or an electrode settling) shows in the newest
 * half second long before it moves the median of the whole window; until
 * it does, σ stays high and the potentials that follow a contraction are
 * missed. When the median of the newest warm_n entries lies det_fall_bins
 * under the window's, the older entries leave the histogram. A chance fall
 * of that size in steady noise needs a median of 128 |x| about four
 * standard errors low. A lead fading out is not a new background: the
 * newest quarter second must still hold mostly values within
 * det_fall_floor_bins of the old level.
 * When the window holds samples of events, taken in because they were the
 * background (busy_share over DET_BUSY_LIMIT), and warm_n entries outside
 * events have come since the last of them, the fall has a known cause:
 * det_fall_busy_bins suffice. A contraction that filled half the window
 * lifts σ by about a factor 1.5, which the regular test saw only 1.4 s
 * after its end (fasc-synth seed 206, lead 8, all artefacts).
 * The entries kept are those since the fall (since_fall over the newest
 * second), at least warm_n. The test passes once about a quarter of the
 * newest half second lies at a level 4 times lower, so that half second
 * often reaches back across the fall: those kept entries of the old level
 * then hold σ about a third high. The cut is then made again, at the fall,
 * once warm_n entries of the new level have come (fasc-synth seed 132,
 * lead 3: σ 20 µV against 14 a second after a contraction, and a 186 µV
 * discharge missed). */
static FASC_CLONE_INLINE void noise_fall(fasc_detector *det, int c)
{
    det_channel *ch = &det->ch[c];
    const uint32_t cap = (uint32_t)det->d.noise_cap, n = (uint32_t)det->d.warm_n;
    const uint16_t *ring = det->noise_ring + (size_t)c * cap;
    const uint32_t head = ch->noise_head;
    const uint32_t settled = 3 * n < cap ? 3 * n : cap;
    if (ch->fall_pending) {
        if (ch->noise_count >= settled)
            ch->fall_pending = false;
        else if (ch->noise_count >= n + n / 2)
            cut_at_fall(det, c);
        return;
    }
    /* one restart per second at most: a level that keeps falling is
     * followed in steps, not chased down */
    if (ch->noise_count < settled)
        return;
    const bool after_busy = ch->since_busy < ch->noise_count && ch->since_busy >= n;
    const uint32_t fall = after_busy ? det_fall_busy_bins : det_fall_bins;
    if (ch->median_bin < fall)
        return;
    const uint32_t m = ch->median_bin;
    if (newest_at_least(ring, cap, head, n, m - fall) > n / 2 || fading_out(det, c))
        return;
    const uint32_t since = since_fall(ring, cap, head, 2 * n < settled ? 2 * n : settled, m - fall);
    keep_newest(det, c, since < n ? n : since);
    ch->fall_pending = true;
}

static double wilson_hilferty(double nu, double k)
{
    double a = 2.0 / (9.0 * nu);
    double b = 1.0 - a + k * sqrt(a);
    return b > 0.0 ? b * b * b : 0.0;
}

/* ν = 2 / var(e) for every scale (Satterthwaite), var from the window's
 * own autocorrelation and r(m)²; false while the estimate is missing. */
static bool degrees_of_freedom(const fasc_detector *det, int c, double nu[DET_SCALES])
{
    const det_channel *ch = &det->ch[c];
    const int lags = det->d.lags;
    const double *r = det->acf + (size_t)c * (size_t)(lags + 1);
    if (ch->noise_count < (uint32_t)det->d.warm_n || ch->acf_updates == 0 ||
        !(r[0] > 0.0))
        return false;
    for (int s = 0; s < DET_SCALES; s++) {
        const double *w = det->win_acf + (size_t)s * (size_t)(lags + 1);
        double sum = w[0];
        for (int m = 1; m <= 2 * det->d.a[s] - 2; m++) {
            double rho = r[m] / r[0];
            sum += 2.0 * w[m] * rho * rho;
        }
        nu[s] = 1.0 / sum;
    }
    return true;
}

static void set_level(double nu, double k_on, double k_off, double scale,
                      float *on, float *off, float *oma, float *isa)
{
    double a = 2.0 / (9.0 * nu);
    *on = (float)(scale * wilson_hilferty(nu, k_on));
    *off = (float)(scale * wilson_hilferty(nu, k_off));
    *oma = (float)(1.0 - a);
    *isa = (float)(1.0 / sqrt(a));
}

FASC_CLONES void fasc_det_thresholds(fasc_detector *det)
{
    const det_design *d = &det->d;
    for (int c = 0; c < d->channels; c++) {
        det_channel *ch = &det->ch[c];
        ch->ready = degrees_of_freedom(det, c, ch->nu);
        for (int s = 0; s < DET_SCALES; s++) {
            ch->T[s] = ch->R[s] = INFINITY;
            if (ch->ready)
                set_level(ch->nu[s], d->threshold, d->release, 1.0, &ch->T[s],
                          &ch->R[s], &ch->oma[s], &ch->isa[s]);
        }
    }
    for (int c = 0; c < d->channels; c++) {
        det_channel *ch = &det->ch[c];
        for (int k = 0; k < ch->nnb; k++) {
            const det_channel *nb = &det->ch[ch->nb[k]];
            for (int s = 0; s < DET_SCALES; s++) {
                ch->T2[k][s] = ch->R2[k][s] = INFINITY;
                /* the mean of two independent χ²_ν/ν has ν_c + ν_nb d.f.;
                 * levels are stored for the sum e_c + e_nb */
                if (ch->ready && nb->ready)
                    set_level(ch->nu[s] + nb->nu[s], d->threshold, d->release,
                              2.0, &ch->T2[k][s], &ch->R2[k][s],
                              &ch->oma2[k][s], &ch->isa2[k][s]);
            }
        }
    }
    /* e_c + e_nb >= T2 needs max(e_c, e_nb) >= T2 / 2: the kernel flags a
     * channel for the event logic when any own e reaches this lower level. */
    for (int c = 0; c < d->groups * DET_LANES; c++) {
        size_t g = (size_t)(c / DET_LANES), l = (size_t)(c % DET_LANES);
        for (int s = 0; s < DET_SCALES; s++) {
            float low = INFINITY;
            if (c < d->channels) {
                const det_channel *ch = &det->ch[c];
                low = ch->T[s];
                for (int k = 0; k < ch->nnb; k++)
                    low = fminf(low, 0.5f * ch->T2[k][s]);
            }
            det->tlow[(g * DET_SCALES + (size_t)s) * DET_LANES + l] = low;
        }
    }
}

/* Called after the chunk ending at det->t (a multiple of 64) went through
 * the event logic. */
FASC_CLONES void fasc_det_chunk_end(fasc_detector *det)
{
    const det_design *d = &det->d;
    const fasc_index t = det->t, chunk = t / DET_CHUNK - 1;
    const fasc_index tau_end = t - d->d_max;
    const size_t wm = (size_t)d->busy_words - 1;
    for (int c = 0; c < d->channels; c++) {
        det_channel *ch = &det->ch[c];
        if (ch->in_run) {
            fasc_det_busy_mark(det, c, ch->marked_to + 1, tau_end - 1);
            ch->marked_to = tau_end - 1;
        }
    }
    const fasc_index u0 = t - d->feed_delay - DET_CHUNK;
    bool capable = false;
    if (u0 >= det->wq_restart) {
        for (int c = 0; c < d->channels; c++)
            fasc_det_wavelet_restart(det, c);
        det->wq_restart = INT64_MAX;
    }
    for (int g = 0; g < d->groups; g++) {
        const int c_end = (g + 1) * DET_LANES < d->channels ? (g + 1) * DET_LANES : d->channels;
        unsigned acf_clear = 0, wq_clear = 0;
        for (int c = g * DET_LANES; u0 >= 0 && c < c_end; c++) {
            det_channel *ch = &det->ch[c];
            const unsigned bit = 1u << (c % DET_LANES);
            uint64_t *words = det->busy + (size_t)c * (size_t)d->busy_words;
            uint64_t word = words[(size_t)(u0 >> 6) & wm];
            /* Events are kept out while they are sparse. When they cover
             * more than a fifth of the last half second they are no longer
             * potentials on a background but the background itself (a step
             * of the noise level), and σ has to see them to follow. */
            ch->busy_share += d->busy_alpha *
                              ((double)__builtin_popcountll(word) / DET_CHUNK - ch->busy_share);
            feed_noise(det, c, u0, word, ch->busy_share > DET_BUSY_LIMIT);
            if (((g + chunk) & 3) == 2)
                noise_fall(det, c);
            if (((g + chunk) & 3) == 0 && u0 - d->lags >= 0 &&
                window_clear(det, c, u0 - d->lags, u0 + DET_CHUNK - 1))
                acf_clear |= bit;
            if (d->confirm > 0.0 && (ch->wupdates < 128 || ((g + chunk) & 3) == 1) &&
                u0 + DET_CHUNK - 49 - 2 * d->w_half_max >= 0 &&
                window_clear(det, c, u0 + DET_CHUNK - 49 - 2 * d->w_half_max, u0 + DET_CHUNK - 1))
                wq_clear |= bit;
            fasc_index old = (u0 >> 6) - (d->keep_n + 63) / 64 - 1;
            if (old >= 0)
                words[(size_t)old & wm] = 0;
        }
        if (acf_clear)
            acf_update(det, g, u0, acf_clear);
        /* before σ moves: the wavelet factors are measured with the σ the
         * chunk was scaled by */
        if (wq_clear)
            fasc_det_wavelet_noise(det, g, u0, wq_clear);
        if (d->ncw > 0)
            fasc_det_wavelet_scales(det, g);
        for (int c = g * DET_LANES; c < c_end; c++) {
            det_channel *ch = &det->ch[c];
            noise_median(det, c);
            bool warm = ch->noise_count >= (uint32_t)d->warm_n;
            det->inv[c] = warm && ch->sigma > 0.0f ? 1.0f / ch->sigma : 0.0f;
            if (!ch->ready && warm && ch->acf_updates > 0)
                capable = true;
        }
    }
    if (capable || chunk % d->thr_chunks == 0)
        fasc_det_thresholds(det);
    fasc_det_cmr_band(det);
}
