/* Helpers shared by the reader tests. */
#ifndef FASC_TEST_READER_UTIL_H
#define FASC_TEST_READER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "fasc/io.h"

/* Reads the whole recording in blocks of `block` frames into freshly
 * allocated planar buffers (*data[c], free with fr_free). Returns the
 * status of the last read; *frames is what was delivered. */
int fr_read_all(fasc_reader *r, size_t block, float ***data, int64_t *frames);

/* Reads to the end without keeping the samples; *peak is max |x|. */
int fr_drain(fasc_reader *r, size_t block, int64_t *frames, double *peak);

void fr_free(float **data, int channels);

/* A fresh temporary folder (mkdtemp) and its removal. */
int fr_make_dir(char *dir, size_t len, const char *name);
void fr_remove_dir(const char *dir);

/* Writes bytes [0, n) of src to dst, optionally overwriting `patch` at
 * `at` (patch NULL: plain copy). Returns 0 on success. */
int fr_copy_file(const char *src, const char *dst, long n, long at, const char *patch);

#endif
