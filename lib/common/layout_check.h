/* Electrode-layout checks the stages' and the composed configs share
 * (internal). */
#ifndef FASC_LAYOUT_CHECK_H
#define FASC_LAYOUT_CHECK_H

#include <stdbool.h>

#include "fasc/detector.h"

static inline bool fasc_layout_known(fasc_geometry g)
{
    return g == FASC_GEOMETRY_NONE || g == FASC_GEOMETRY_LINE || g == FASC_GEOMETRY_GRID;
}

/* A grid must hold exactly the channels; other layouts ignore its shape. */
static inline bool fasc_layout_fits(fasc_geometry g, int rows, int cols, int channels)
{
    return g != FASC_GEOMETRY_GRID || (rows >= 1 && cols >= 1 && (long)rows * cols == channels);
}

#endif
