/* fasc-score's settings: command line, config file (key = value lines) and
 * the table of detector / classifier parameters both of them set. */
#ifndef FASC_EXAMPLES_SCORE_OPTIONS_H
#define FASC_EXAMPLES_SCORE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "fasc/fasc.h"

typedef struct score_options {
    fasc_config cfg;         /* defaults, then config file, then flags */
    double uv_per_unit;      /* 0: from the file */
    char *channels;          /* selection spec, NULL: all */
    char *out_dir;           /* NULL: beside each input */
    char *table;             /* closing table across files, or NULL */
    int jobs;
    int passes;              /* 2: a learning pass first (fasc_restart) */
    double learn_minutes;    /* its length at most (<= 0: the whole file) */
    bool edf_annotations;
    bool report;
    bool quiet;
    char **files;
    int file_count;
} score_options;

/* Parses argv into o. Returns 0, or the exit code to leave with (2 after a
 * usage error, already reported on stderr; -1 after --help, printed). */
int score_options_parse(int argc, char **argv, score_options *o);

/* Frees what parse allocated. */
void score_options_free(score_options *o);

/* fasc_config_check()'s reason with the field named by the option that
 * sets it: "--threshold: must be 0 to 20 (detector.threshold)". */
void score_options_explain(const char *why, char *out, size_t size);

/* "threshold=5 release=2 ..." of every parameter, for the summary JSON. */
typedef void (*score_param_visitor)(void *user, const char *name, double value);
void score_options_visit(const score_options *o, score_param_visitor visit, void *user);

#endif
