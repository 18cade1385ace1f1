/* Annotation-only EDF+ files of scored events, through EDFlib. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <edflib.h>

#include "reader_internal.h"

/* EDFlib's write API counts time in 100 µs and record durations in 10 µs. */
#define TICKS_PER_S 10000.0
#define RECORD_UNITS_PER_S 100000.0

/* Copies at most FASC_EDF_ANNOTATION_TEXT_MAX bytes of UTF-8 text, never
 * ending inside a multi-byte character. */
static void clip_text(const char *text, char *out)
{
    size_t n = strlen(text ? text : "");
    if (n > FASC_EDF_ANNOTATION_TEXT_MAX) {
        n = FASC_EDF_ANNOTATION_TEXT_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(out, text, n);
    out[n] = '\0';
}

/* Record duration in EDFlib's 10 µs units: recording_s / n rounded to a
 * multiple of 1/32 s, which the 8-character header field states exactly.
 * (EDFlib's reader rejects a file whose field, parsed as a float, misses
 * the time-keeping annotations: 1.519 s reads as 1.518999 and fails.) */
static int record_duration_units(double recording_s, size_t n)
{
    double d = n > 0 && recording_s > 0.0 ? recording_s / (double)n : 1.0;
    long k = lround(d * 32.0);
    k = k < 1 ? 1 : k > 60 * 32 ? 60 * 32 : k;
    return (int)(k * (long)(RECORD_UNITS_PER_S / 32.0));
}

static int write_all(int handle, const fasc_edf_annotation *a, size_t n)
{
    char text[FASC_EDF_ANNOTATION_TEXT_MAX + 1];
    if (n == 0)
        return edfwrite_annotation_utf8(handle, 0, -1, "no events") == 0 ? FASC_OK : FASC_ERR_IO;
    for (size_t i = 0; i < n; i++) {
        clip_text(a[i].text, text);
        const long long onset = llround(a[i].onset_s * TICKS_PER_S);
        const long long duration = a[i].duration_s < 0.0 ? -1 : llround(a[i].duration_s * TICKS_PER_S);
        if (edfwrite_annotation_utf8(handle, onset, duration, text) != 0)
            return FASC_ERR_IO;
    }
    return FASC_OK;
}

static int check_args(const char *path, const fasc_edf_annotation *a, size_t n, char *err,
                      size_t err_len)
{
    if (!path || !path[0] || (n > 0 && !a)) {
        fasc_reader_fail(err, err_len, path ? path : "(null)", "no path or no annotations");
        return FASC_ERR_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < n; i++)
        if (!(a[i].onset_s >= 0.0 && a[i].onset_s < 1e9) || !(a[i].duration_s < 1e9)) {
            fasc_reader_fail(err, err_len, path, "annotation %zu: onset %g s, duration %g s out of range",
                             i + 1, a[i].onset_s, a[i].duration_s);
            return FASC_ERR_INVALID_ARGUMENT;
        }
    return FASC_OK;
}

int fasc_edf_annotations_write(const char *path, const fasc_edf_annotation *a, size_t n,
                               double recording_s, char *err, size_t err_len)
{
    int rc = check_args(path, a, n, err, err_len);
    if (rc != FASC_OK)
        return rc;
    const size_t len = strlen(path) + 8;
    char *temp = malloc(len);
    if (!temp) {
        fasc_reader_fail(err, err_len, path, "out of memory");
        return FASC_ERR_NO_MEMORY;
    }
    snprintf(temp, len, "%s.part", path);
    fasc_edf_lock();
    const int handle = edfopen_file_writeonly(temp, EDFLIB_FILETYPE_EDFPLUS, 0);
    fasc_edf_unlock();
    if (handle < 0) {
        fasc_reader_fail(err, err_len, path, "cannot create %s (EDFlib error %d)", temp, handle);
        free(temp);
        return FASC_ERR_IO;
    }
    rc = edf_set_datarecord_duration(handle, record_duration_units(recording_s, n)) == 0
             ? FASC_OK : FASC_ERR_IO;
    if (rc == FASC_OK)
        rc = edf_set_number_of_annotation_signals(handle, 1) == 0 ? FASC_OK : FASC_ERR_IO;
    if (rc == FASC_OK)
        rc = write_all(handle, a, n);
    fasc_edf_lock();
    const int closed = edfclose_file(handle);
    fasc_edf_unlock();
    if (rc == FASC_OK && closed != 0)
        rc = FASC_ERR_IO;
    if (rc != FASC_OK) {
        fasc_reader_fail(err, err_len, path, "writing the annotations failed");
        remove(temp);
    } else if (rename(temp, path) != 0) {
        fasc_reader_fail(err, err_len, path, "cannot move into place: %s", strerror(errno));
        remove(temp);
        rc = FASC_ERR_IO;
    }
    free(temp);
    return rc;
}
