/**
 * @file io.h
 * Recording and event-table files (analysis library: libsndfile, EDFlib).
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

/** The scorer's event table: the seven columns above, then `phases` and
 *  `confidence` (readers that find columns by name ignore the extra two). */
#define FASC_EVENTS_TSV_HEADER_SCORED FASC_EVENTS_TSV_HEADER "\tphases\tconfidence"

/** The scorer's extra columns of one row. */
typedef struct fasc_event_extra {
    int phases;        /**< phases of the main-channel waveform; <= 0 writes n/a */
    double confidence; /**< 0..1 (3 decimals); negative writes n/a */
} fasc_event_extra;

/** Writes FASC_EVENTS_TSV_HEADER_SCORED and a newline. FASC_OK or FASC_ERR_IO. */
FASC_API int fasc_events_tsv_write_header_scored(FILE *f);

/** Writes one row of the scorer's table. FASC_OK, FASC_ERR_INVALID_ARGUMENT or FASC_ERR_IO. */
FASC_API int fasc_events_tsv_write_row_scored(FILE *f, const fasc_event_row *row,
                                              const fasc_event_extra *extra);

/* ---------------------------------------------------------------------- */
/* EDF+ annotation files                                                   */
/* ---------------------------------------------------------------------- */

/** One annotation (times in seconds from the start of the recording). */
typedef struct fasc_edf_annotation {
    double onset_s;    /**< >= 0; stored with EDFlib's 100 µs resolution */
    double duration_s; /**< < 0: no duration */
    const char *text;  /**< UTF-8; at most FASC_EDF_ANNOTATION_TEXT_MAX bytes
                            are kept (cut at a character boundary) */
} fasc_edf_annotation;

/** Longest annotation text EDFlib writes, bytes. */
#define FASC_EDF_ANNOTATION_TEXT_MAX 40

/**
 * Writes an annotation-only EDF+C file (no signals) holding the n
 * annotations, through EDFlib, for viewers (EDFbrowser, MNE) to open beside
 * the recording. EDFlib gives every annotation its own data record in a
 * file without signals, so nothing is dropped whatever n is; the record
 * duration is recording_s / n, rounded to a multiple of 1/32 s (which the
 * header field states exactly) within 1/32..60 s, so that the file spans
 * about as long as the recording. With n == 0 the file holds one
 * annotation "no events" at 0 s (EDF+ needs at least one data record).
 * Written to PATH.part and renamed when complete; on error returns a
 * negative status and "PATH: reason" in err, and nothing is left at PATH.
 */
FASC_API int fasc_edf_annotations_write(const char *path, const fasc_edf_annotation *a, size_t n,
                                        double recording_s, char *err, size_t err_len);

/* ---------------------------------------------------------------------- */
/* Recording readers                                                       */
/* ---------------------------------------------------------------------- */

/**
 * @defgroup fasc_reader Recording readers
 *
 * Opens a recording and streams its samples as planar float µV, in blocks of
 * any size, without ever holding the whole file (a 24-hour recording costs
 * the same memory as a 1-minute one).
 *
 * The format comes from the content, not the extension: a file starting with
 * "0" and seven spaces is EDF/EDF+, one starting with 0xFF "BIOSEMI" is
 * BDF/BDF+; anything else goes to libsndfile (WAV, W64, RF64, FLAC, AIFF,
 * CAF, ...).
 *
 * **libsndfile files.** Labels are "ch1" ... "chN".
 * - Float samples are µV as stored (no normalisation). A uv_per_unit set
 *   in the options multiplies them (for float files in mV or counts, as
 *   some converted recordings are); a note says so.
 * - Integer samples are multiplied by the scale in the file's comment
 *   (FASC_IO_SCALE_TAG, written by fasc_writer), else by the options'
 *   uv_per_unit; with neither, open fails with FASC_ERR_INVALID_ARGUMENT
 *   ("integer samples without a scale").
 * - Lossy codecs (Vorbis, Opus, MPEG) are refused with FASC_ERR_UNSUPPORTED.
 *
 * **EDF, EDF+C, BDF, BDF+C** (through EDFlib). Physical values from the
 * header, converted to µV from each signal's physical dimension (V, mV, uV
 * or µV, nV; case-insensitive); any other dimension, or none, is kept as
 * read and named in a note. Labels are the header's, trimmed; a repeated
 * label gets "#2", "#3", ... appended (with a note), an empty one "chN".
 * - Annotation signals ("EDF Annotations", "BDF Annotations") are never
 *   channels, also in plain EDF/BDF files where EDFlib would show them.
 * - The channels read are the ordinary signals at the highest sample rate
 *   (samples per record / record duration); signals at lower rates are
 *   skipped and listed in one note.
 * - Refused: discontinuous files (EDF+D, BDF+D, or a reserved field saying
 *   so; EDFlib reads continuous files only, so even an EDF+D file without
 *   gaps is refused, and the message counts the gaps), annotation-only
 *   files, files without data records or with a record count of -1, and
 *   files whose size does not match the header (truncated or with trailing
 *   bytes). A path already open in another EDF reader cannot be opened
 *   again until that one is closed (FASC_ERR_STATE; an EDFlib rule).
 * - The options' uv_per_unit does not apply (a note says it was ignored).
 * EDFlib's open and close are serialised by a lock, so readers may be
 * opened and closed from several threads; one reader is used by one thread
 * at a time.
 *
 * **Every format.**
 * - 1 to 256 channels (more: FASC_ERR_UNSUPPORTED, the message names the
 *   count); a rate outside 1 Hz .. 1 MHz is FASC_ERR_FORMAT; a rate outside
 *   FASC_MIN_SAMPLE_RATE .. FASC_MAX_SAMPLE_RATE is FASC_ERR_UNSUPPORTED
 *   unless allow_any_rate is set (then a note names it).
 * - NaN and Inf samples (float files only) are passed on as read and
 *   counted per channel (fasc_reader_nonfinite); the filter bank treats them.
 * - Open errors: a negative fasc_status and, in err, one line
 *   "PATH: reason". Missing or unreadable file: FASC_ERR_IO; empty,
 *   truncated or malformed: FASC_ERR_FORMAT.
 * - A WAV-family file whose data chunk is cut short opens, reads what it
 *   holds and then fasc_reader_read returns FASC_ERR_FORMAT instead of the
 *   end (the samples delivered before stay valid); fasc_reader_error says
 *   how much is missing.
 *
 * Usage:
 * @code
 * fasc_reader *r;
 * char err[256];
 * if (fasc_reader_open("rec.edf", NULL, &r, err, sizeof err) != FASC_OK) {
 *     fprintf(stderr, "%s\n", err);
 *     return 1;
 * }
 * for (size_t i = 0; i < fasc_reader_note_count(r); i++)
 *     fprintf(stderr, "note: %s\n", fasc_reader_note(r, i));
 * float *x[FASC_MAX_CHANNELS];   // each pointing at 4096 floats
 * size_t got;
 * int rc;
 * while ((rc = fasc_reader_read(r, x, 4096, &got)) == FASC_OK && got > 0)
 *     use(x, got);
 * if (rc != FASC_OK)
 *     fprintf(stderr, "%s\n", fasc_reader_error(r));
 * fasc_reader_close(&r);
 * @endcode
 * @{
 */

typedef struct fasc_reader fasc_reader;

/** Reader options; start from fasc_reader_options_default(). */
typedef struct fasc_reader_options {
    /** µV per stored unit, > 0 to set. Integer libsndfile files without a
     *  stored scale need it; float libsndfile files are multiplied by it
     *  when set. 0 (default): from the file. Ignored for EDF/BDF. */
    double uv_per_unit;
    /** Accept rates outside FASC_MIN_SAMPLE_RATE..FASC_MAX_SAMPLE_RATE
     *  (for inspecting a file; the processing stages will refuse them).
     *  Default false. */
    bool allow_any_rate;
} fasc_reader_options;

/** Fills o with the defaults (uv_per_unit 0, allow_any_rate false). */
FASC_API void fasc_reader_options_default(fasc_reader_options *o);

/**
 * Opens a recording. opts may be NULL (defaults). On success *out is the
 * reader (close it with fasc_reader_close). On error *out is NULL, the
 * return value a negative fasc_status and err (if not NULL) holds
 * "PATH: reason", NUL-terminated and cut to err_len.
 */
FASC_API int fasc_reader_open(const char *path, const fasc_reader_options *opts,
                              fasc_reader **out, char *err, size_t err_len);

/** Sample rate in Hz of the channels read (may be fractional for EDF). */
FASC_API double fasc_reader_sample_rate(const fasc_reader *r);

/** Number of channels read (1-256). */
FASC_API int fasc_reader_channels(const fasc_reader *r);

/** Frames (samples per channel) in the file, as far as the file holds them. */
FASC_API int64_t fasc_reader_frames(const fasc_reader *r);

/** Label of channel ch (0-based), unique within the file; NULL if out of range. */
FASC_API const char *fasc_reader_label(const fasc_reader *r, int ch);

/** Format name: "WAV float", "FLAC PCM 24", "EDF", "EDF+C", "BDF", "BDF+C", ... */
FASC_API const char *fasc_reader_format(const fasc_reader *r);

/** Number of notes: facts about the file a user should see (skipped channels, units, scale). */
FASC_API size_t fasc_reader_note_count(const fasc_reader *r);

/** Note i (one line, no newline), owned by the reader; NULL if out of range. */
FASC_API const char *fasc_reader_note(const fasc_reader *r, size_t i);

/**
 * Reads up to max_frames frames into out[0..channels-1] (planar µV; each
 * buffer holds max_frames floats). *got is the number read: 0 only at the
 * end (or when max_frames is 0). Any block sizes give the same samples.
 * Returns FASC_OK, or FASC_ERR_FORMAT / FASC_ERR_IO when the file turns out
 * truncated or unreadable (fasc_reader_error says why; samples delivered
 * by earlier calls stay valid; later calls return the same error).
 */
FASC_API int fasc_reader_read(fasc_reader *r, float *const *out, size_t max_frames, size_t *got);

/** NaN and Inf samples read so far on channel ch (passed on unchanged). */
FASC_API uint64_t fasc_reader_nonfinite(const fasc_reader *r, int ch);

/** "PATH: reason" of the last read error, or "" if there was none. */
FASC_API const char *fasc_reader_error(const fasc_reader *r);

/** Closes the file, frees the reader and sets *r to NULL; safe on NULL. */
FASC_API void fasc_reader_close(fasc_reader **r);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* FASC_IO_H */
