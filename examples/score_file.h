/* Scores one recording and writes its outputs (fasc-score). */
#ifndef FASC_EXAMPLES_SCORE_FILE_H
#define FASC_EXAMPLES_SCORE_FILE_H

#include <stdint.h>

#include "score_options.h"

/* One line of the closing table. */
typedef struct score_result {
    int ok;
    char error[640];          /* "PATH: reason" when not ok */
    char format[48];
    int channels;
    double duration_min, scorable_min, rate_per_min;
    uint64_t fasciculations, doublets;
    int units;
    double noise_rms_uv, mains_hz, heart_rate_bpm;
    char grade[8];
} score_result;

typedef struct score_hooks {
    void (*progress)(void *user, double fraction); /* 0..1 of this file */
    void (*note)(void *user, const char *path, const char *note);
    void *user;
} score_hooks;

/* Reads path, scores it and writes its outputs; fills *res. Never prints. */
void score_file(const char *path, const score_options *o, const score_hooks *hooks,
                score_result *res);

#endif
