#include "rng.h"

#include <math.h>

#include "detmath.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void fasc_sy_rng_seed(synth_rng *rng, uint64_t seed, uint64_t stream)
{
    /* Independent streams: each source of the generator draws from its own
     * sequence, so switching one interference on does not move the others. */
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
    rng->has_spare = 0;
    rng->spare = 0.0;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t fasc_sy_rng_next(synth_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double fasc_sy_rng_uniform(synth_rng *rng)
{
    return (double)(fasc_sy_rng_next(rng) >> 11) * 0x1.0p-53;
}

double fasc_sy_rng_range(synth_rng *rng, double lo, double hi)
{
    return lo + (hi - lo) * fasc_sy_rng_uniform(rng);
}

int fasc_sy_rng_int(synth_rng *rng, int n)
{
    return (int)(fasc_sy_rng_uniform(rng) * n);
}

double fasc_sy_rng_gauss(synth_rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare;
    }
    /* Marsaglia's polar method (Marsaglia & Bray, SIAM Review 6:260, 1964):
     * one logarithm per pair of deviates and no trigonometry. */
    double u, v, s;
    do {
        u = 2.0 * fasc_sy_rng_uniform(rng) - 1.0;
        v = 2.0 * fasc_sy_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = sqrt(-2.0 * fasc_sy_det_log(s) / s);
    rng->spare = v * factor;
    rng->has_spare = 1;
    return u * factor;
}

double fasc_sy_rng_exponential(synth_rng *rng, double mean)
{
    return -mean * fasc_sy_det_log(1.0 - fasc_sy_rng_uniform(rng));
}
