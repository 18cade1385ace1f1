/* Portable smoothing kernel: GCC/Clang vector extensions (two SSE2
 * registers per vector on baseline x86-64, NEON on AArch64). */
#include <string.h>

#include "det_internal.h"

#define DET_NAME(x) x##_generic
#define DET_TARGET

#include "kernel_template.h"
