/* A small SVG plot of a few seconds of a few channels with events marked,
 * shared by the command-line tools. */
#ifndef FASC_EXAMPLES_SVG_TRACE_H
#define FASC_EXAMPLES_SVG_TRACE_H

#include <stddef.h>

#include "fasc/common.h"

typedef struct svg_mark {
    double time_s;
    int channel;      /* 0-based, or -1 for all channels */
    fasc_class cls;
    double duration_s;
} svg_mark;

/* Writes `path` (via a temporary file). samples[c] holds n samples of
 * channel c (µV) starting at time 0. Returns 0 or -1 with errno set. */
int svg_trace_write(const char *path, const char *title, double sample_rate,
                    const float *const *samples, int channels, size_t n,
                    const svg_mark *marks, size_t mark_count);

/* The colour each event class has in every picture. */
const char *svg_class_colour(fasc_class cls);

#endif
