/* "name=value,name=value" lists from an environment variable, for the
 * accuracy benchmarks' sweeps (FASC_SET, FASC_DET_SET). */
#ifndef FASC_BENCH_SETTINGS_H
#define FASC_BENCH_SETTINGS_H

#include <stdio.h>

/* Reads the next pair at *cursor into name (64 bytes) and *value and moves
 * *cursor past it; 0 at the end of the list or on a malformed pair. */
static inline int bench_setting_next(const char **cursor, char *name, double *value)
{
    int used = 0;
    if (!*cursor || sscanf(*cursor, " %63[a-z_] = %lf%n", name, value, &used) != 2)
        return 0;
    *cursor += used;
    *cursor += **cursor == ',';
    return 1;
}

#endif
