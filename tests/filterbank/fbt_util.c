#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fbt_util.h"

int fbt_read_block(const char *file, const char *name, double *out, size_t cap)
{
    const char *dir = getenv("FASC_TEST_DATA");
    char path[1024], line[256];
    snprintf(path, sizeof path, "%s/filterbank/%s", dir ? dir : "tests/data", file);
    FILE *f = fopen(path, "r");
    if (!f) {
        fail_msg("cannot open reference file %s", path);
        return -1;
    }
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        char key[128];
        int count;
        if (line[0] == '#' || sscanf(line, "%127s %d", key, &count) != 2 ||
            strcmp(key, name) != 0)
            continue;
        if ((size_t)count > cap)
            break;
        for (int i = 0; i < count; i++)
            if (!fgets(line, sizeof line, f) || sscanf(line, "%lf", &out[i]) != 1)
                count = -1;
        found = count;
    }
    fclose(f);
    if (found < 0)
        fail_msg("block %s missing or malformed in %s", name, path);
    return found;
}

float fbt_noise(uint32_t *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return (float)((double)(*seed >> 8) / 8388608.0 - 1.0);
}

float *fbt_noise_input(int channels, size_t n, uint32_t seed, float amplitude)
{
    float *x = malloc(sizeof(float) * (size_t)channels * n + 1);
    assert_non_null(x);
    for (size_t i = 0; i < (size_t)channels * n; i++)
        x[i] = amplitude * fbt_noise(&seed);
    return x;
}

fasc_filterbank *fbt_create(const fasc_filterbank_config *cfg)
{
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_filterbank_create(cfg, &fb), FASC_OK);
    return fb;
}

fbt_output fbt_run(fasc_filterbank *fb, const float *input, size_t n,
                   uint32_t block_seed, size_t max_block)
{
    fbt_output o = {fasc_filterbank_streams(fb), fasc_filterbank_channels(fb),
                    fasc_filterbank_max_output(fb, n) + 1, 0, NULL};
    size_t outs = (size_t)(o.streams * o.channels);
    o.data = calloc(outs * o.capacity, sizeof(float));
    const float **in = malloc(sizeof(*in) * (size_t)o.channels);
    float **out = malloc(sizeof(*out) * outs);
    assert_true(o.data && in && out);
    size_t done = 0;
    while (done < n) {
        size_t len = n - done;
        if (block_seed) {
            uint32_t r = (uint32_t)((fbt_noise(&block_seed) + 1.0f) * 1000.0f);
            size_t want = r % 4 == 0 ? 1 : r % (max_block + 1);
            len = want < len ? want : len;
        }
        for (int c = 0; c < o.channels; c++)
            in[c] = input + (size_t)c * n + done;
        for (size_t i = 0; i < outs; i++)
            out[i] = o.data + i * o.capacity + o.count;
        size_t produced = 0;
        assert_int_equal(fasc_filterbank_process(fb, in, len, out,
                                                 o.capacity - o.count, &produced),
                         FASC_OK);
        o.count += produced;
        done += len;
    }
    free(in);
    free(out);
    return o;
}

float fbt_at(const fbt_output *o, int s, int c, size_t k)
{
    return o->data[((size_t)s * (size_t)o->channels + (size_t)c) * o->capacity + k];
}

void fbt_output_free(fbt_output *o)
{
    free(o->data);
    o->data = NULL;
}
