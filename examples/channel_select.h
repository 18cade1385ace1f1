/* --channels: "1-8,12" (1-based numbers and ranges) or labels, against the
 * channels of one file. */
#ifndef FASC_EXAMPLES_CHANNEL_SELECT_H
#define FASC_EXAMPLES_CHANNEL_SELECT_H

#include <stddef.h>

/* Fills pick[0..*count) with the chosen 0-based channels in file order
 * (pick holds `channels` entries). spec NULL or "" chooses all. 0, or -1
 * with the reason in err ("no channel labelled 'X'", ...). */
int channel_select(const char *spec, const char *const *labels, int channels, int *pick,
                   int *count, char *err, size_t err_len);

#endif
