#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "fasc/io.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64]; snprintf(path, sizeof path, "/tmp/fasc_fuzz_r%d.edf", (int)getpid());
    FILE *f = fopen(path, "wb"); fwrite(data, 1, size, f); fclose(f);
    fasc_reader_options o; fasc_reader_options_default(&o); o.allow_any_rate = true; o.uv_per_unit = 1.0;
    fasc_reader *r; char err[256];
    if (fasc_reader_open(path, &o, &r, err, sizeof err) == FASC_OK) {
        int c = fasc_reader_channels(r); float *buf[256]; for (int i = 0; i < c; i++) buf[i] = malloc(4096 * sizeof(float));
        size_t got; int guard = 0;
        while (fasc_reader_read(r, buf, 4096, &got) == FASC_OK && got > 0 && guard++ < 64) {}
        for (int i = 0; i < c; i++) free(buf[i]);
        fasc_reader_close(&r);
    }
    return 0;
}
