/* libFuzzer harness: the recording readers (fasc_reader_*: EDF, EDF+,
 * BDF, BDF+ through EDFlib and the header checks before it; WAV, FLAC
 * and the rest through libsndfile). The input is written to a file and
 * read to its end (or 64 blocks). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fasc/io.h"
#include "fuzz_file.h"

enum { BLOCK = 4096, MAX_BLOCKS = 64 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (!fuzz_write_file(data, size, "reader", path))
        return 0;
    fasc_reader_options o;
    fasc_reader_options_default(&o);
    o.allow_any_rate = true;
    fasc_reader *r = NULL;
    char err[256];
    if (fasc_reader_open(path, &o, &r, err, sizeof err) == FASC_OK) {
        const int channels = fasc_reader_channels(r);
        float *buf = malloc(sizeof(float) * BLOCK * (size_t)channels);
        float **ptr = malloc(sizeof *ptr * (size_t)channels);
        for (int c = 0; buf && ptr && c < channels; c++)
            ptr[c] = buf + (size_t)c * BLOCK;
        size_t got = 0;
        for (int k = 0; buf && ptr && k < MAX_BLOCKS; k++)
            if (fasc_reader_read(r, ptr, BLOCK, &got) != FASC_OK || got == 0)
                break;
        for (int c = 0; c < channels; c++)
            (void)fasc_reader_label(r, c);
        free(ptr);
        free(buf);
        fasc_reader_close(&r);
    }
    unlink(path);
    return 0;
}
