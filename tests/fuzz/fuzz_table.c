#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "fasc/eval.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64]; snprintf(path, sizeof path, "/tmp/fasc_fuzz_t%d.tsv", (int)getpid());
    FILE *f = fopen(path, "wb"); fwrite(data, 1, size, f); fclose(f);
    fasc_event_table t; char err[256];
    if (fasc_event_table_read(path, &t, err, sizeof err) == FASC_OK) {
        fasc_eval_config cfg; fasc_eval_config_default(&cfg);
        fasc_eval_result r; fasc_eval_compare(&t, &t, &cfg, &r);
        fasc_event_table_free(&t);
    }
    return 0;
}
