/* Recording readers: format sniffing, the shared checks and accessors. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_internal.h"

/* A rate outside this range is a corrupt header, not an unusual recording. */
#define ABSURD_RATE_LOW 1.0
#define ABSURD_RATE_HIGH 1e6

void fasc_reader_options_default(fasc_reader_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->uv_per_unit = 0.0;
    o->allow_any_rate = false;
}

static void vfail(char *err, size_t len, const char *path, const char *fmt, va_list ap)
{
    if (!err || len == 0)
        return;
    const int n = snprintf(err, len, "%s: ", path ? path : "(null)");
    if (n >= 0 && (size_t)n < len)
        vsnprintf(err + n, len - (size_t)n, fmt, ap);
}

void fasc_reader_fail(char *err, size_t len, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, len, path, fmt, ap);
    va_end(ap);
}

int fasc_reader_read_error(fasc_reader *r, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r->error, sizeof r->error, r->path, fmt, ap);
    va_end(ap);
    r->status = status;
    return status;
}

int fasc_reader_add_note(fasc_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return FASC_ERR_INVALID_ARGUMENT;
    char *note = malloc((size_t)n + 1);
    char **grown = realloc(r->notes, (r->note_count + 1) * sizeof *grown);
    if (!note || !grown) {
        free(note);
        if (grown)
            r->notes = grown;
        return FASC_ERR_NO_MEMORY;
    }
    r->notes = grown;
    va_start(ap, fmt);
    vsnprintf(note, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->notes[r->note_count++] = note;
    return FASC_OK;
}

int fasc_reader_alloc_channels(fasc_reader *r, int n)
{
    r->labels = calloc((size_t)n, sizeof *r->labels);
    r->nonfinite = calloc((size_t)n, sizeof *r->nonfinite);
    if (!r->labels || !r->nonfinite)
        return FASC_ERR_NO_MEMORY;
    r->channels = n;
    return FASC_OK;
}

static bool label_taken(const fasc_reader *r, int ch, const char *label)
{
    for (int i = 0; i < ch; i++)
        if (r->labels[i] && strcmp(r->labels[i], label) == 0)
            return true;
    return false;
}

int fasc_reader_set_label(fasc_reader *r, int ch, const char *label, bool *renamed)
{
    while (*label == ' ')
        label++;
    size_t len = strlen(label);
    while (len > 0 && label[len - 1] == ' ')
        len--;
    char base[96];
    if (len == 0)
        snprintf(base, sizeof base, "ch%d", ch + 1);
    else
        snprintf(base, sizeof base, "%.*s", (int)(len < 80 ? len : 80), label);
    char unique[112];
    snprintf(unique, sizeof unique, "%s", base);
    *renamed = false;
    for (int k = 2; label_taken(r, ch, unique); k++) {
        snprintf(unique, sizeof unique, "%s#%d", base, k);
        *renamed = true;
    }
    const size_t n = strlen(unique) + 1;
    r->labels[ch] = malloc(n);
    if (!r->labels[ch])
        return FASC_ERR_NO_MEMORY;
    memcpy(r->labels[ch], unique, n);
    return FASC_OK;
}

int fasc_reader_check_shape(const char *path, const fasc_reader_options *o, int channels,
                            double rate, fasc_reader *r, char *err, size_t err_len)
{
    if (channels < 1) {
        fasc_reader_fail(err, err_len, path, "no channels (the header says %d)", channels);
        return FASC_ERR_FORMAT;
    }
    if (channels > FASC_MAX_CHANNELS) {
        fasc_reader_fail(err, err_len, path, "%d channels; libfasc reads at most %d", channels,
                         FASC_MAX_CHANNELS);
        return FASC_ERR_UNSUPPORTED;
    }
    if (!(rate >= ABSURD_RATE_LOW && rate <= ABSURD_RATE_HIGH)) {
        fasc_reader_fail(err, err_len, path, "corrupt header: sample rate %g Hz", rate);
        return FASC_ERR_FORMAT;
    }
    if (rate < FASC_MIN_SAMPLE_RATE || rate > FASC_MAX_SAMPLE_RATE) {
        if (!o->allow_any_rate) {
            fasc_reader_fail(err, err_len, path,
                             "sample rate %g Hz is outside libfasc's %g-%g Hz", rate,
                             FASC_MIN_SAMPLE_RATE, FASC_MAX_SAMPLE_RATE);
            return FASC_ERR_UNSUPPORTED;
        }
        if (fasc_reader_add_note(r, "sample rate %g Hz is outside libfasc's %g-%g Hz", rate,
                                 FASC_MIN_SAMPLE_RATE, FASC_MAX_SAMPLE_RATE) != FASC_OK) {
            fasc_reader_fail(err, err_len, path, "out of memory");
            return FASC_ERR_NO_MEMORY;
        }
    }
    return FASC_OK;
}

void fasc_reader_count_nonfinite(fasc_reader *r, int ch, const float *x, size_t n)
{
    uint64_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += !isfinite(x[i]);
    r->nonfinite[ch] += bad;
}

static void free_reader(fasc_reader *r)
{
    if (r->backend)
        r->backend->close(r);
    for (int c = 0; r->labels && c < r->channels; c++)
        free(r->labels[c]);
    for (size_t i = 0; i < r->note_count; i++)
        free(r->notes[i]);
    free(r->labels);
    free(r->nonfinite);
    free(r->notes);
    free(r->path);
    free(r);
}

enum sniffed { SNIFF_OTHER, SNIFF_EDF, SNIFF_BDF };

static int sniff(const char *path, enum sniffed *kind, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fasc_reader_fail(err, err_len, path, "cannot open: %s", strerror(errno));
        return FASC_ERR_IO;
    }
    unsigned char head[8];
    const size_t n = fread(head, 1, sizeof head, f);
    const int read_failed = ferror(f);
    const int saved_errno = errno;
    fclose(f);
    if (read_failed) {
        fasc_reader_fail(err, err_len, path, "cannot read: %s", strerror(saved_errno));
        return FASC_ERR_IO;
    }
    if (n == 0) {
        fasc_reader_fail(err, err_len, path, "empty file (0 bytes)");
        return FASC_ERR_FORMAT;
    }
    *kind = SNIFF_OTHER;
    if (n == sizeof head && memcmp(head, "0       ", 8) == 0)
        *kind = SNIFF_EDF;
    else if (n == sizeof head && memcmp(head, "\xff" "BIOSEMI", 8) == 0)
        *kind = SNIFF_BDF;
    return FASC_OK;
}

int fasc_reader_open(const char *path, const fasc_reader_options *opts, fasc_reader **out,
                     char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!out || !path) {
        fasc_reader_fail(err, err_len, path, "no path or output pointer");
        return FASC_ERR_INVALID_ARGUMENT;
    }
    *out = NULL;
    fasc_reader_options defaults;
    fasc_reader_options_default(&defaults);
    const fasc_reader_options *o = opts ? opts : &defaults;
    if (!(o->uv_per_unit >= 0.0 && isfinite(o->uv_per_unit))) {
        fasc_reader_fail(err, err_len, path, "uv_per_unit %g is not a positive number",
                         o->uv_per_unit);
        return FASC_ERR_INVALID_ARGUMENT;
    }
    enum sniffed kind;
    int rc = sniff(path, &kind, err, err_len);
    if (rc != FASC_OK)
        return rc;
    fasc_reader *r = calloc(1, sizeof *r);
    const size_t path_len = strlen(path) + 1;
    if (r)
        r->path = malloc(path_len);
    if (!r || !r->path) {
        free(r);
        fasc_reader_fail(err, err_len, path, "out of memory");
        return FASC_ERR_NO_MEMORY;
    }
    memcpy(r->path, path, path_len);
    rc = kind == SNIFF_OTHER ? fasc_reader_sndfile_open(r, o, err, err_len)
                             : fasc_reader_edf_open(r, o, kind == SNIFF_BDF, err, err_len);
    if (rc != FASC_OK) {
        free_reader(r);
        return rc;
    }
    *out = r;
    return FASC_OK;
}

int fasc_reader_read(fasc_reader *r, float *const *out, size_t max_frames, size_t *got)
{
    if (got)
        *got = 0;
    if (!r || !got || (max_frames > 0 && !out))
        return FASC_ERR_INVALID_ARGUMENT;
    if (r->status != FASC_OK)
        return r->status;
    const int64_t left = r->frames - r->position;
    if (left <= 0) {
        if (max_frames > 0 && r->backend->at_end)
            return r->backend->at_end(r);
        return FASC_OK;
    }
    const size_t n = (uint64_t)left < max_frames ? (size_t)left : max_frames;
    if (n == 0)
        return FASC_OK;
    size_t done = 0;
    const int rc = r->backend->read(r, out, n, &done);
    r->position += (int64_t)done;
    *got = done;
    /* Frames read before a failure are delivered; the sticky error comes
     * with the next call. */
    return done > 0 ? FASC_OK : rc;
}

double fasc_reader_sample_rate(const fasc_reader *r)
{
    return r ? r->sample_rate : 0.0;
}

int fasc_reader_channels(const fasc_reader *r)
{
    return r ? r->channels : 0;
}

int64_t fasc_reader_frames(const fasc_reader *r)
{
    return r ? r->frames : 0;
}

const char *fasc_reader_label(const fasc_reader *r, int ch)
{
    return r && ch >= 0 && ch < r->channels ? r->labels[ch] : NULL;
}

const char *fasc_reader_format(const fasc_reader *r)
{
    return r ? r->format : NULL;
}

size_t fasc_reader_note_count(const fasc_reader *r)
{
    return r ? r->note_count : 0;
}

const char *fasc_reader_note(const fasc_reader *r, size_t i)
{
    return r && i < r->note_count ? r->notes[i] : NULL;
}

uint64_t fasc_reader_nonfinite(const fasc_reader *r, int ch)
{
    return r && ch >= 0 && ch < r->channels ? r->nonfinite[ch] : 0;
}

const char *fasc_reader_error(const fasc_reader *r)
{
    return r ? r->error : "";
}

void fasc_reader_close(fasc_reader **r)
{
    if (!r || !*r)
        return;
    free_reader(*r);
    *r = NULL;
}
