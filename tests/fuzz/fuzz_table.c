/* libFuzzer harness: the event-table reader of fasc-eval (truth files and
 * annotations) and the comparison of a table with itself. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "fasc/eval.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (!fuzz_write_file(data, size, "table", path))
        return 0;
    fasc_event_table t;
    char err[256];
    if (fasc_event_table_read(path, &t, err, sizeof err) == FASC_OK) {
        fasc_eval_config cfg;
        fasc_eval_config_default(&cfg);
        fasc_eval_result r;
        (void)fasc_eval_compare(&t, &t, &cfg, &r);
        cfg.grid_cols = 3;
        cfg.tolerance_s = 0.0;
        (void)fasc_eval_compare(&t, &t, &cfg, &r);
        fasc_event_table_free(&t);
    }
    unlink(path);
    return 0;
}
