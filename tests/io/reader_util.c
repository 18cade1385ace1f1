#include "reader_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fr_read_all(fasc_reader *r, size_t block, float ***data, int64_t *frames)
{
    const int nc = fasc_reader_channels(r);
    size_t cap = (size_t)fasc_reader_frames(r) + block;
    float **x = calloc((size_t)nc, sizeof *x);
    float **part = calloc((size_t)nc, sizeof *part);
    for (int c = 0; c < nc; c++)
        x[c] = malloc(cap * sizeof(float));
    size_t have = 0, got = 0;
    int rc;
    do {
        if (have + block > cap) {
            cap = 2 * (have + block);
            for (int c = 0; c < nc; c++)
                x[c] = realloc(x[c], cap * sizeof(float));
        }
        for (int c = 0; c < nc; c++)
            part[c] = x[c] + have;
        rc = fasc_reader_read(r, part, block, &got);
        have += got;
    } while (rc == FASC_OK && got > 0);
    free(part);
    *data = x;
    *frames = (int64_t)have;
    return rc;
}

int fr_drain(fasc_reader *r, size_t block, int64_t *frames, double *peak)
{
    const int nc = fasc_reader_channels(r);
    float **x = calloc((size_t)nc, sizeof *x);
    for (int c = 0; c < nc; c++)
        x[c] = malloc(block * sizeof(float));
    size_t got = 0;
    int rc;
    *frames = 0;
    *peak = 0.0;
    while ((rc = fasc_reader_read(r, x, block, &got)) == FASC_OK && got > 0) {
        *frames += (int64_t)got;
        for (int c = 0; c < nc; c++)
            for (size_t i = 0; i < got; i++)
                if (fabs(x[c][i]) > *peak)
                    *peak = fabs(x[c][i]);
    }
    fr_free(x, nc);
    return rc;
}

void fr_free(float **data, int channels)
{
    for (int c = 0; data && c < channels; c++)
        free(data[c]);
    free(data);
}

int fr_make_dir(char *dir, size_t len, const char *name)
{
    snprintf(dir, len, "/tmp/fasc_%s_XXXXXX", name);
    return mkdtemp(dir) ? 0 : -1;
}

void fr_remove_dir(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

int fr_copy_file(const char *src, const char *dst, long n, long at, const char *patch)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return -1;
    char *buf = malloc((size_t)n + 1);
    const size_t got = buf ? fread(buf, 1, (size_t)n, in) : 0;
    fclose(in);
    if (!buf)
        return -1;
    if (patch && at >= 0 && (size_t)at + strlen(patch) <= got)
        memcpy(buf + at, patch, strlen(patch));
    FILE *out = fopen(dst, "wb");
    int rc = out && fwrite(buf, 1, got, out) == got ? 0 : -1;
    if (out && fclose(out) != 0)
        rc = -1;
    free(buf);
    return rc;
}
