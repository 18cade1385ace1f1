/* Shared between the reader front end (reader.c) and its two back ends. */
#ifndef FASC_READER_INTERNAL_H
#define FASC_READER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fasc/io.h"

typedef struct fasc_reader_backend {
    /* Reads up to n frames (n <= frames left); on an error sets r->error
     * through fasc_reader_read_error and reports the frames it did read. */
    int (*read)(fasc_reader *r, float *const *out, size_t n, size_t *got);
    /* Called once at the end: may return a late error (truncation). */
    int (*at_end)(fasc_reader *r);
    void (*close)(fasc_reader *r);
} fasc_reader_backend;

struct fasc_reader {
    const fasc_reader_backend *backend;
    void *state;
    char *path;
    char format[48];
    double sample_rate;
    int channels;
    int64_t frames;
    int64_t position;
    char **labels;
    uint64_t *nonfinite;
    char **notes;
    size_t note_count;
    int status; /* sticky read error */
    char error[320];
};

/* "PATH: reason" into err (if not NULL). */
void fasc_reader_fail(char *err, size_t len, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Sets the sticky read error "PATH: reason" and returns status. */
int fasc_reader_read_error(fasc_reader *r, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

int fasc_reader_add_note(fasc_reader *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Allocates labels and counters for n channels (n already checked). */
int fasc_reader_alloc_channels(fasc_reader *r, int n);

/* Stores a copy of label for channel ch: trimmed, "chN" if empty, and made
 * unique with "#k" (the caller notes the renaming). *renamed tells. */
int fasc_reader_set_label(fasc_reader *r, int ch, const char *label, bool *renamed);

/* The checks every format shares: channel count and rate. */
int fasc_reader_check_shape(const char *path, const fasc_reader_options *o, int channels,
                            double rate, fasc_reader *r, char *err, size_t err_len);

/* Adds the NaN/Inf samples of x to channel ch's count. */
void fasc_reader_count_nonfinite(fasc_reader *r, int ch, const float *x, size_t n);

int fasc_reader_sndfile_open(fasc_reader *r, const fasc_reader_options *o, char *err, size_t err_len);
int fasc_reader_edf_open(fasc_reader *r, const fasc_reader_options *o, bool bdf, char *err,
                         size_t err_len);

/* Raw EDF/BDF header facts checked before EDFlib sees the file, so that
 * each problem gets its own message (EDFlib has one code for all). */
typedef struct fasc_edf_header {
    bool bdf;
    int signals;            /* annotation signals included */
    int annotation_signals;
    int first_annotation;   /* index, -1 if none */
    int64_t records;
    int64_t record_bytes;
    int64_t header_bytes;
    int64_t annotation_offset; /* byte offset of the first annotation signal in a record */
    int64_t annotation_bytes;
    int64_t record_duration;   /* 100 ns units, as EDFlib counts */
    char reserved[45];
} fasc_edf_header;

int fasc_edf_header_read(FILE *f, const char *path, bool bdf, fasc_edf_header *h, char *err,
                         size_t err_len);

/* Gaps between data records of an EDF+D/BDF+D file (-1 if the time-keeping
 * annotations cannot be read); *first_gap_s is the time of the first. */
int64_t fasc_edf_count_gaps(FILE *f, const fasc_edf_header *h, double *first_gap_s);

/* EDFlib's open and close edit a process-wide table of files: every EDFlib
 * open and close in the library (readers and writers) holds this lock. */
void fasc_edf_lock(void);
void fasc_edf_unlock(void);

#endif
