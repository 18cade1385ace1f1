/* Helpers shared by the filter bank tests. */
#ifndef FBT_UTIL_H
#define FBT_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "fasc/filterbank.h"

/* Reads block `name` of tests/data/filterbank/<file> (FASC_TEST_DATA);
 * returns the number of values, or -1 if missing. */
int fbt_read_block(const char *file, const char *name, double *out, size_t cap);

/* Deterministic uniform noise in [-1, 1). */
float fbt_noise(uint32_t *seed);

/* Planar input [channel][n] filled with noise * amplitude. */
float *fbt_noise_input(int channels, size_t n, uint32_t seed, float amplitude);

/* Output of a whole run, [stream][channel][capacity]. */
typedef struct fbt_output {
    int streams, channels;
    size_t capacity, count;
    float *data;
} fbt_output;

/* Feeds planar input[c * n + t] through fb in blocks: all at once if
 * block_seed == 0, else random lengths 0..max_block drawn from block_seed
 * (1 appears often). Fails the test on any error. */
fbt_output fbt_run(fasc_filterbank *fb, const float *input, size_t n,
                   uint32_t block_seed, size_t max_block);

/* Sample k of stream s, channel c. */
float fbt_at(const fbt_output *o, int s, int c, size_t k);
void fbt_output_free(fbt_output *o);

/* Creates or fails the test. */
fasc_filterbank *fbt_create(const fasc_filterbank_config *cfg);

#endif
