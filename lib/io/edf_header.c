/* Raw EDF/BDF header checks, done before EDFlib opens the file: EDFlib
 * reports every header problem as one code, and a user needs to know which
 * field is wrong or how much of the file is missing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <edflib.h>

#include "reader_internal.h"

#define FIXED_HEADER 256
#define LABEL_WIDTH 16
/* Per-signal header fields before "samples per record": label, transducer,
 * dimension, physical min/max, digital min/max, prefilter. */
#define BYTES_BEFORE_NSAMP (16 + 80 + 8 + 8 + 8 + 8 + 8 + 80)

static void field(const unsigned char *src, size_t width, char *dst)
{
    size_t start = 0, end = width;
    while (start < end && src[start] == ' ')
        start++;
    while (end > start && (src[end - 1] == ' ' || src[end - 1] == '\0'))
        end--;
    memcpy(dst, src + start, end - start);
    dst[end - start] = '\0';
}

static bool parse_int(const char *s, long long *v)
{
    if (!*s)
        return false;
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return *end == '\0' && errno == 0;
}

/* Seconds as written ("1", "0.1", "1.000000") into 100 ns units, exactly:
 * record onsets are compared for equality, which binary floats would
 * break for durations such as 0.1 s. */
static bool parse_time(const char *s, int64_t *units)
{
    const bool negative = *s == '-';
    if (*s == '+' || *s == '-')
        s++;
    if (!(*s >= '0' && *s <= '9') && !(*s == '.' && s[1] >= '0' && s[1] <= '9'))
        return false;
    int64_t whole = 0, frac = 0, scale = EDFLIB_TIME_DIMENSION;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (whole > INT64_MAX / 100)
            return false;
        whole = whole * 10 + (*s - '0');
    }
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            if (scale > 1) {
                scale /= 10;
                frac += (*s - '0') * scale;
            }
    if (*s != '\0')
        return false;
    *units = (whole * EDFLIB_TIME_DIMENSION + frac) * (negative ? -1 : 1);
    return true;
}

static bool is_annotation_label(const char *label, bool bdf)
{
    return strcmp(label, bdf ? "BDF Annotations" : "EDF Annotations") == 0;
}

static int read_at(FILE *f, int64_t offset, void *buf, size_t n)
{
    if (fseeko(f, (off_t)offset, SEEK_SET) != 0)
        return -1;
    return fread(buf, 1, n, f) == n ? 0 : -1;
}

static int check_fixed(const unsigned char *head, const char *path, fasc_edf_header *h,
                       char *err, size_t err_len)
{
    char text[48];
    long long v;
    field(head + 252, 4, text);
    if (!parse_int(text, &v)) {
        fasc_reader_fail(err, err_len, path, "corrupt header: number of signals '%s'", text);
        return FASC_ERR_FORMAT;
    }
    if (v < 1) {
        fasc_reader_fail(err, err_len, path, "no signals (0 channels in the header)");
        return FASC_ERR_FORMAT;
    }
    if (v > EDFLIB_MAXSIGNALS) {
        fasc_reader_fail(err, err_len, path, "%lld signals; EDFlib reads at most %d", v,
                         EDFLIB_MAXSIGNALS);
        return FASC_ERR_UNSUPPORTED;
    }
    h->signals = (int)v;
    field(head + 184, 8, text);
    if (!parse_int(text, &v) || v != (long long)FIXED_HEADER * (h->signals + 1)) {
        fasc_reader_fail(err, err_len, path,
                         "corrupt header: header length '%s', expected %d for %d signals", text,
                         FIXED_HEADER * (h->signals + 1), h->signals);
        return FASC_ERR_FORMAT;
    }
    h->header_bytes = v;
    field(head + 236, 8, text);
    if (!parse_int(text, &v)) {
        fasc_reader_fail(err, err_len, path, "corrupt header: number of data records '%s'", text);
        return FASC_ERR_FORMAT;
    }
    if (v == -1) {
        fasc_reader_fail(err, err_len, path,
                         "number of data records unknown (-1): the recording was not closed");
        return FASC_ERR_FORMAT;
    }
    if (v <= 0) {
        fasc_reader_fail(err, err_len, path, "no data records (%lld)", v);
        return FASC_ERR_FORMAT;
    }
    h->records = v;
    field(head + 244, 8, text);
    if (!parse_time(text, &h->record_duration) || h->record_duration < 0) {
        fasc_reader_fail(err, err_len, path, "corrupt header: record duration '%s'", text);
        return FASC_ERR_FORMAT;
    }
    field(head + 192, 44, h->reserved);
    return FASC_OK;
}

static int check_signals(const unsigned char *sig, const char *path, fasc_edf_header *h,
                         char *err, size_t err_len)
{
    const int ns = h->signals;
    const int bytes_per_sample = h->bdf ? 3 : 2;
    h->first_annotation = -1;
    int64_t offset = 0;
    for (int i = 0; i < ns; i++) {
        char label[LABEL_WIDTH + 1], text[16];
        long long v;
        field(sig + (size_t)i * LABEL_WIDTH, LABEL_WIDTH, label);
        field(sig + (size_t)ns * BYTES_BEFORE_NSAMP + (size_t)i * 8, 8, text);
        if (!parse_int(text, &v) || v < 1 || v > 100000000) {
            fasc_reader_fail(err, err_len, path,
                             "corrupt header: signal %d (%s) has '%s' samples per record", i + 1,
                             label, text);
            return FASC_ERR_FORMAT;
        }
        if (is_annotation_label(label, h->bdf)) {
            if (h->first_annotation < 0) {
                h->first_annotation = i;
                h->annotation_offset = offset;
                h->annotation_bytes = v * bytes_per_sample;
            }
            h->annotation_signals++;
        }
        offset += v * bytes_per_sample;
    }
    h->record_bytes = offset;
    if (h->annotation_signals == ns) {
        fasc_reader_fail(err, err_len, path, "annotation-only file: no signals to read");
        return FASC_ERR_FORMAT;
    }
    return FASC_OK;
}

static int check_size(int64_t size, const char *path, const fasc_edf_header *h, char *err,
                      size_t err_len)
{
    const int64_t data = size - h->header_bytes;
    if (h->records > INT64_MAX / h->record_bytes) {
        fasc_reader_fail(err, err_len, path, "corrupt header: %lld records of %lld bytes",
                         (long long)h->records, (long long)h->record_bytes);
        return FASC_ERR_FORMAT;
    }
    const int64_t expected = h->records * h->record_bytes;
    if (data < expected) {
        fasc_reader_fail(err, err_len, path,
                         "truncated: the header promises %lld data records of %lld bytes, the "
                         "file holds %lld whole records and %lld bytes more",
                         (long long)h->records, (long long)h->record_bytes,
                         (long long)(data / h->record_bytes), (long long)(data % h->record_bytes));
        return FASC_ERR_FORMAT;
    }
    if (data > expected) {
        fasc_reader_fail(err, err_len, path,
                         "corrupt: %lld bytes after the last of %lld data records",
                         (long long)(data - expected), (long long)h->records);
        return FASC_ERR_FORMAT;
    }
    return FASC_OK;
}

int fasc_edf_header_read(FILE *f, const char *path, bool bdf, fasc_edf_header *h, char *err,
                         size_t err_len)
{
    memset(h, 0, sizeof *h);
    h->bdf = bdf;
    if (fseeko(f, 0, SEEK_END) != 0) {
        fasc_reader_fail(err, err_len, path, "cannot read: %s", strerror(errno));
        return FASC_ERR_IO;
    }
    const int64_t size = (int64_t)ftello(f);
    unsigned char head[FIXED_HEADER];
    if (size < FIXED_HEADER || read_at(f, 0, head, sizeof head) != 0) {
        fasc_reader_fail(err, err_len, path,
                         "truncated inside the header (%lld bytes; the fixed part alone is %d)",
                         (long long)size, FIXED_HEADER);
        return FASC_ERR_FORMAT;
    }
    int rc = check_fixed(head, path, h, err, err_len);
    if (rc != FASC_OK)
        return rc;
    if (size < h->header_bytes) {
        fasc_reader_fail(err, err_len, path, "truncated inside the header (%lld of %lld bytes)",
                         (long long)size, (long long)h->header_bytes);
        return FASC_ERR_FORMAT;
    }
    const size_t sig_bytes = (size_t)(h->header_bytes - FIXED_HEADER);
    unsigned char *sig = malloc(sig_bytes);
    if (!sig) {
        fasc_reader_fail(err, err_len, path, "out of memory");
        return FASC_ERR_NO_MEMORY;
    }
    rc = read_at(f, FIXED_HEADER, sig, sig_bytes) == 0 ? check_signals(sig, path, h, err, err_len)
                                                      : FASC_ERR_IO;
    free(sig);
    if (rc == FASC_ERR_IO)
        fasc_reader_fail(err, err_len, path, "cannot read the signal headers");
    if (rc != FASC_OK)
        return rc;
    return check_size(size, path, h, err, err_len);
}

/* The onset of a record's time-keeping TAL ("+12.5\x14\x14\0"). */
static bool record_onset(FILE *f, const fasc_edf_header *h, int64_t record, int64_t *onset)
{
    char tal[40];
    const size_t n = h->annotation_bytes < (int64_t)sizeof tal - 1 ? (size_t)h->annotation_bytes
                                                                   : sizeof tal - 1;
    if (read_at(f, h->header_bytes + record * h->record_bytes + h->annotation_offset, tal, n) != 0)
        return false;
    tal[n] = '\0';
    char *end = memchr(tal, 0x14, n);
    if (!end)
        return false;
    *end = '\0';
    return parse_time(tal, onset);
}

int64_t fasc_edf_count_gaps(FILE *f, const fasc_edf_header *h, double *first_gap_s)
{
    *first_gap_s = 0.0;
    if (h->first_annotation < 0)
        return -1;
    int64_t gaps = 0, previous = 0;
    for (int64_t i = 0; i < h->records; i++) {
        int64_t onset;
        if (!record_onset(f, h, i, &onset))
            return -1;
        if (i > 0 && onset != previous + h->record_duration) {
            if (gaps++ == 0)
                *first_gap_s = (double)(previous + h->record_duration) / EDFLIB_TIME_DIMENSION;
        }
        previous = onset;
    }
    return gaps;
}
