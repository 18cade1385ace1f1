/* xoshiro256** pseudo-random generator (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 2021), seeded by splitmix64. */
#ifndef FASC_SYNTH_RNG_H
#define FASC_SYNTH_RNG_H

#include <stdint.h>

typedef struct synth_rng {
    uint64_t s[4];
    double spare;      /* second Box-Muller deviate */
    int has_spare;
} synth_rng;

void fasc_sy_rng_seed(synth_rng *rng, uint64_t seed, uint64_t stream);
uint64_t fasc_sy_rng_next(synth_rng *rng);
double fasc_sy_rng_uniform(synth_rng *rng);                 /* [0, 1) */
double fasc_sy_rng_range(synth_rng *rng, double lo, double hi);
double fasc_sy_rng_gauss(synth_rng *rng);                   /* N(0, 1) */
double fasc_sy_rng_exponential(synth_rng *rng, double mean);
int fasc_sy_rng_int(synth_rng *rng, int n);                  /* 0 .. n-1 */

#endif
