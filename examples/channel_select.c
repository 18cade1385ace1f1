#include "channel_select.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int find_label(const char *item, const char *const *labels, int channels)
{
    for (int c = 0; c < channels; c++)
        if (strcmp(item, labels[c]) == 0)
            return c;
    for (int c = 0; c < channels; c++)
        if (strcasecmp(item, labels[c]) == 0)
            return c;
    return -1;
}

/* "N" or "N-M", 1-based; 0 or -1 (not a range). */
static int parse_range(const char *item, long *lo, long *hi)
{
    char *end;
    *lo = strtol(item, &end, 10);
    if (end == item)
        return -1;
    if (*end == '\0') {
        *hi = *lo;
        return 0;
    }
    if (*end != '-')
        return -1;
    const char *second = end + 1;
    *hi = strtol(second, &end, 10);
    return end == second || *end ? -1 : 0;
}

static int select_item(const char *item, const char *const *labels, int channels, bool *chosen,
                       char *err, size_t err_len)
{
    const int label = find_label(item, labels, channels);
    if (label >= 0) {
        chosen[label] = true;
        return 0;
    }
    long lo, hi;
    if (parse_range(item, &lo, &hi) != 0) {
        snprintf(err, err_len, "no channel labelled '%s'", item);
        return -1;
    }
    if (lo < 1 || hi < lo || hi > channels) {
        snprintf(err, err_len, "channels '%s' out of range (the file has %d)", item, channels);
        return -1;
    }
    for (long c = lo; c <= hi; c++)
        chosen[c - 1] = true;
    return 0;
}

int channel_select(const char *spec, const char *const *labels, int channels, int *pick,
                   int *count, char *err, size_t err_len)
{
    *count = 0;
    bool *chosen = calloc((size_t)channels, sizeof *chosen);
    char *copy = spec ? malloc(strlen(spec) + 1) : NULL;
    if (!chosen || (spec && !copy)) {
        free(chosen);
        free(copy);
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    int rc = 0;
    if (!spec || !spec[0]) {
        for (int c = 0; c < channels; c++)
            chosen[c] = true;
    } else {
        strcpy(copy, spec);
        char *save = NULL;
        for (char *item = strtok_r(copy, ",", &save); item && rc == 0;
             item = strtok_r(NULL, ",", &save))
            rc = select_item(item, labels, channels, chosen, err, err_len);
    }
    for (int c = 0; rc == 0 && c < channels; c++)
        if (chosen[c])
            pick[(*count)++] = c;
    if (rc == 0 && *count == 0) {
        snprintf(err, err_len, "no channel selected by '%s'", spec);
        rc = -1;
    }
    free(chosen);
    free(copy);
    return rc;
}
