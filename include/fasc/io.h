/**
 * @file io.h
 * Recording and event-table files (analysis library: libsndfile).
 *
 * Writers go to a temporary file beside the target and are renamed into
 * place only by a successful close, so a failed or interrupted run never
 * leaves a truncated file under the final name.
 *
 * Units: float files hold µV directly. Integer files (16/24-bit PCM) hold
 * round(µV / uv_per_unit); the scale is stored in the file's comment string
 * as "libfasc uv_per_unit=<value>" (WAV, RF64, FLAC, AIFF, CAF; W64 has no
 * string chunk, so W64 is float only).
 */
#ifndef FASC_IO_H
#define FASC_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fasc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Sample encodings a writer can produce. */
typedef enum fasc_sample_format {
    FASC_SAMPLE_DEFAULT = 0, /**< float32, or PCM 24 for FLAC */
    FASC_SAMPLE_FLOAT32 = 1,
    FASC_SAMPLE_PCM16 = 2,
    FASC_SAMPLE_PCM24 = 3
} fasc_sample_format;

/** Prefix of the comment string that stores an integer file's scale. */
#define FASC_IO_SCALE_TAG "libfasc uv_per_unit="

/** Default scales (µV per integer unit): ±16 mV in 16 bits, ±83 mV in 24. */
#define FASC_IO_DEFAULT_UV_PER_UNIT_PCM16 0.5
#define FASC_IO_DEFAULT_UV_PER_UNIT_PCM24 0.01

typedef struct fasc_writer fasc_writer;

/**
 * Opens a recording for writing; the container comes from the extension
 * (.wav .w64 .rf64 .flac .aiff .caf). uv_per_unit <= 0 picks the default
 * scale of an integer format. On error returns a negative status and, if
 * err is not NULL, a one-line reason in err (NUL-terminated).
 */
FASC_API int fasc_writer_open(const char *path, double sample_rate, int channels,
                              fasc_sample_format format, double uv_per_unit,
                              fasc_writer **out, char *err, size_t err_len);

/** Appends planar µV samples; values outside an integer range are clipped and counted. */
FASC_API int fasc_writer_write(fasc_writer *w, const float *const *channels, size_t frames);

/** Samples clipped so far (integer formats). */
FASC_API uint64_t fasc_writer_clipped(const fasc_writer *w);

/** The scale in µV per integer unit (0 for float files). */
FASC_API double fasc_writer_uv_per_unit(const fasc_writer *w);

/**
 * Finishes the file and renames it into place; frees the writer and sets
 * *w to NULL. On failure the partial file is removed and err says why.
 */
FASC_API int fasc_writer_close(fasc_writer **w, char *err, size_t err_len);

/** Abandons a writer: removes the temporary file, frees, sets *w to NULL. */
FASC_API void fasc_writer_abort(fasc_writer **w);

/** One row of an event table (truth or detections), times in seconds. */
typedef struct fasc_event_row {
    double onset_s;
    double duration_s;
    double peak_s;
    const char *channel;   /**< label, e.g. "ch3"; NULL or "" writes n/a */
    fasc_class cls;
    int unit;              /**< motor unit (1-based), 0 writes n/a */
    double peak_to_peak_uv; /**< <= 0 writes n/a */
} fasc_event_row;

/** Column names of the event table, tab-separated, no newline. */
#define FASC_EVENTS_TSV_HEADER "onset\tduration\tpeak\tchannel\tclass\tunit\tpeak_to_peak_uv"

/** Writes the header line. Returns FASC_OK or FASC_ERR_IO. */
FASC_API int fasc_events_tsv_write_header(FILE *f);

/** Writes one row (6 decimals for times, 2 for µV). FASC_OK or FASC_ERR_IO. */
FASC_API int fasc_events_tsv_write_row(FILE *f, const fasc_event_row *row);

#ifdef __cplusplus
}
#endif

#endif /* FASC_IO_H */
