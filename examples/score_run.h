/* The state of scoring one recording, shared by fasc-score's parts: the
 * streaming loop (score_file.c), the JSON writers (score_json.c) and the
 * report (score_report.c). */
#ifndef FASC_EXAMPLES_SCORE_RUN_H
#define FASC_EXAMPLES_SCORE_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "fasc/fasc.h"
#include "fasc/io.h"
#include "fasc/spectrum.h"
#include "fasc/summary.h"
#include "score_options.h"

/* Waveforms kept per unit for the report's overlays. */
#define SCORE_SNIPPETS_PER_UNIT 20

typedef struct score_snippets {
    int unit;       /* as fasc_next gave it (before merges); 0: unknown */
    int count;
    float *data;    /* SCORE_SNIPPETS_PER_UNIT rows of snippet_length */
} score_snippets;

/* What the EDF+ annotations need of each event. */
typedef struct score_mark {
    double onset_s, duration_s;
    int channel;    /* -1: all */
    fasc_class cls;
    int unit;
} score_mark;

typedef struct score_run {
    const char *path;
    const score_options *opt;
    fasc_reader *reader;
    fasc *det;
    fasc_summary *summary;
    fasc_spectrum *spectrum;      /* mains power over the first minute */
    int64_t spectrum_left;        /* frames still to feed it */
    fasc_spectrum_mains mains;
    bool mains_measured;
    double rate;
    int file_channels;
    int channels;                 /* scored */
    int *pick;                    /* scored channel -> file channel */
    const char **labels;          /* of the scored channels */
    int64_t frames;               /* read so far */
    uint64_t nonfinite;
    double *noise_sum;            /* per scored channel, over blocks */
    uint64_t *noise_blocks;
    score_mark *marks;
    size_t mark_n, mark_cap;
    score_snippets *snips;
    size_t snip_n, snip_cap;
    size_t snippet_length;
    float *snippet;               /* fasc_next's buffer */
    uint64_t heartbeats;
    double heart_rate_bpm;
} score_run;

/* NAME.events.json: the columns of the event table. 0 or -1 (errno). */
int score_write_sidecar(const char *path);

/* NAME.summary.json. 0 or -1 (errno). */
int score_write_summary(const char *path, const score_run *run);

/* NAME.report.svg. 0 or -1 (errno). */
int score_write_report(const char *path, const score_run *run);

/* Snippets kept for summary unit `id` (after merges): calls use() per row. */
typedef void (*score_snippet_use)(void *user, const float *row, size_t length);
void score_run_unit_snippets(const score_run *run, int id, score_snippet_use use, void *user);

/* The unit a raw unit number ended up in (classifier merges). */
int score_run_unit_root(const score_run *run, int unit);

#endif
