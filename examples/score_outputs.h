/* The files fasc-score writes for one recording, all under temporary
 * names until every one of them is complete. */
#ifndef FASC_EXAMPLES_SCORE_OUTPUTS_H
#define FASC_EXAMPLES_SCORE_OUTPUTS_H

#include <stddef.h>

#include "score_options.h"
#include "score_run.h"
#include "text_file.h"

typedef struct score_outputs {
    char base[4096];      /* DIR/NAME */
    text_file events, sidecar, summary, report;
    bool edf;
    bool report_wanted;
} score_outputs;

/* DIR/NAME of an input's outputs: its folder (or out_dir) and its name
 * without the extension. 0, or -1 if it does not fit in len. */
int score_outputs_base(char *base, size_t len, const char *input, const char *out_dir);

/* Opens NAME.events.tsv.part and writes its header. 0, or -1 with
 * "PATH: reason" in err. */
int score_outputs_open(score_outputs *out, const char *input, const score_options *o, char *err,
                       size_t err_len);

/* Writes the sidecar, summary and report to temporary files. */
int score_outputs_write(score_outputs *out, const score_run *run, char *err, size_t err_len);

/* Writes the EDF+ annotations, then moves every file into place. */
int score_outputs_commit(score_outputs *out, const score_run *run, char *err, size_t err_len);

/* Removes every temporary file. */
void score_outputs_abort(score_outputs *out);

#endif
