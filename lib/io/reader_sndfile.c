/* Reader back end for everything libsndfile opens (WAV, W64, RF64, FLAC,
 * AIFF, CAF, ...). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#include "reader_internal.h"

/* Interleaved samples per libsndfile call, whatever the channel count. */
#define CHUNK_SAMPLES 16384

typedef struct sndfile_state {
    SNDFILE *file;
    float *buf;
    size_t chunk_frames;
    double scale;       /* µV per stored value */
    int64_t missing;  /* of a data chunk cut short, 0 if whole */
    int64_t declared;
    const char *unit; /* of both: "bytes" or "frames" */
} sndfile_state;

static const char *major_name(int major)
{
    switch (major) {
    case SF_FORMAT_WAV: return "WAV";
    case SF_FORMAT_WAVEX: return "WAV";
    case SF_FORMAT_W64: return "W64";
    case SF_FORMAT_RF64: return "RF64";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_AIFF: return "AIFF";
    case SF_FORMAT_CAF: return "CAF";
    default: return NULL;
    }
}

static const char *subtype_name(int subtype)
{
    switch (subtype) {
    case SF_FORMAT_FLOAT: return "float";
    case SF_FORMAT_DOUBLE: return "double";
    case SF_FORMAT_PCM_S8: return "PCM 8";
    case SF_FORMAT_PCM_U8: return "PCM U8";
    case SF_FORMAT_PCM_16: return "PCM 16";
    case SF_FORMAT_PCM_24: return "PCM 24";
    case SF_FORMAT_PCM_32: return "PCM 32";
    default: return NULL;
    }
}

static void describe_format(SNDFILE *f, int format, char *out, size_t len)
{
    SF_FORMAT_INFO major = {.format = format & SF_FORMAT_TYPEMASK};
    SF_FORMAT_INFO sub = {.format = format & SF_FORMAT_SUBMASK};
    const char *mname = major_name(major.format);
    const char *sname = subtype_name(sub.format);
    if (!mname && sf_command(f, SFC_GET_FORMAT_INFO, &major, sizeof major) == 0)
        mname = major.name;
    if (!sname && sf_command(f, SFC_GET_FORMAT_INFO, &sub, sizeof sub) == 0)
        sname = sub.name;
    snprintf(out, len, "%s %s", mname ? mname : "audio", sname ? sname : "samples");
}

static bool is_lossy(int subtype)
{
    return subtype == SF_FORMAT_VORBIS || subtype == SF_FORMAT_OPUS
           || subtype == SF_FORMAT_MPEG_LAYER_I || subtype == SF_FORMAT_MPEG_LAYER_II
           || subtype == SF_FORMAT_MPEG_LAYER_III;
}

/* The scale fasc_writer stores in the comment string; 0 if there is none. */
static double stored_scale(SNDFILE *f)
{
    const char *comment = sf_get_string(f, SF_STR_COMMENT);
    if (!comment)
        return 0.0;
    const char *tag = strstr(comment, FASC_IO_SCALE_TAG);
    if (!tag)
        return 0.0;
    char *end;
    const double v = strtod(tag + strlen(FASC_IO_SCALE_TAG), &end);
    return end != tag + strlen(FASC_IO_SCALE_TAG) && isfinite(v) && v > 0.0 ? v : 0.0;
}

/* libsndfile quietly shortens a data chunk that runs past the end of the
 * file and says so only in its log, differently per container:
 * "data : 5200000 (should be 99942)" (WAV; "SSND" in AIFF, only the
 * container size "riff" in W64) and "Calculated frame count 9984 does not
 * match value from 'ds64' chunk of 20000" (RF64). Reading the log is the
 * one way to tell a cut file from a whole one; a data chunk line wins over
 * a container line. */
static bool logged_size(const char *line, long long *declared, long long *present)
{
    const char *ds64 = strstr(line, "does not match value from 'ds64' chunk of ");
    if (strncmp(line, "*** Calculated frame count ", 27) == 0 && ds64) {
        *present = strtoll(line + 27, NULL, 10);
        *declared = strtoll(ds64 + 42, NULL, 10);
        return true;
    }
    const char *colon = strchr(line, ':');
    const char *should = strstr(line, "(should be ");
    if (!colon || !should)
        return false;
    *declared = strtoll(colon + 1, NULL, 10);
    *present = strtoll(should + 11, NULL, 10);
    return true;
}

static void find_truncation(SNDFILE *f, sndfile_state *s)
{
    char *log = malloc(16384);
    if (!log)
        return;
    sf_command(f, SFC_GET_LOG_INFO, log, 16384);
    bool from_data_chunk = false;
    for (char *line = log; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        while (*line == ' ')
            line++;
        long long declared, present;
        const bool data = strncmp(line, "data", 4) == 0 || strncmp(line, "SSND", 4) == 0
                          || strncmp(line, "***", 3) == 0;
        if (logged_size(line, &declared, &present) && present < declared
            && (data || !from_data_chunk)) {
            s->declared = declared;
            s->missing = declared - present;
            s->unit = strncmp(line, "***", 3) == 0 ? "frames" : "bytes";
            from_data_chunk = data;
        }
        line = next;
    }
    free(log);
}

static int sndfile_read(fasc_reader *r, float *const *out, size_t n, size_t *got)
{
    sndfile_state *s = r->state;
    const int nc = r->channels;
    const float scale = (float)s->scale;
    size_t done = 0;
    while (done < n) {
        const size_t want = n - done < s->chunk_frames ? n - done : s->chunk_frames;
        const sf_count_t k = sf_readf_float(s->file, s->buf, (sf_count_t)want);
        const size_t have = k > 0 ? (size_t)k : 0;
        for (int c = 0; c < nc; c++) {
            float *dst = out[c] + done;
            const float *src = s->buf + c;
            for (size_t i = 0; i < have; i++)
                dst[i] = src[i * (size_t)nc] * scale;
            fasc_reader_count_nonfinite(r, c, dst, have);
        }
        done += have;
        *got = done;
        if (have < want) {
            const int e = sf_error(s->file);
            return fasc_reader_read_error(r, FASC_ERR_FORMAT,
                                          "truncated or unreadable after %lld of %lld frames%s%s",
                                          (long long)(r->position + (int64_t)done),
                                          (long long)r->frames, e ? ": " : "",
                                          e ? sf_error_number(e) : "");
        }
    }
    return FASC_OK;
}

static int sndfile_at_end(fasc_reader *r)
{
    const sndfile_state *s = r->state;
    if (s->missing == 0)
        return FASC_OK;
    return fasc_reader_read_error(r, FASC_ERR_FORMAT,
                                  "truncated: the header declares %lld %s, %lld are missing "
                                  "(the %lld frames before the cut were read)",
                                  (long long)s->declared, s->unit, (long long)s->missing,
                                  (long long)r->frames);
}

static void sndfile_close(fasc_reader *r)
{
    sndfile_state *s = r->state;
    if (!s)
        return;
    if (s->file)
        sf_close(s->file);
    free(s->buf);
    free(s);
    r->state = NULL;
}

static const fasc_reader_backend sndfile_backend = {
    .read = sndfile_read,
    .at_end = sndfile_at_end,
    .close = sndfile_close,
};

static int choose_scale(fasc_reader *r, const fasc_reader_options *o, SNDFILE *f, bool is_float,
                        double *scale, char *err, size_t err_len)
{
    if (is_float) {
        *scale = o->uv_per_unit > 0.0 ? o->uv_per_unit : 1.0;
        if (o->uv_per_unit > 0.0 && o->uv_per_unit != 1.0)
            return fasc_reader_add_note(r, "float samples multiplied by %g (uv_per_unit option)",
                                        o->uv_per_unit);
        return FASC_OK;
    }
    const double stored = stored_scale(f);
    if (stored > 0.0) {
        *scale = stored;
        if (o->uv_per_unit > 0.0 && o->uv_per_unit != stored)
            return fasc_reader_add_note(r, "the file's scale %g uV per unit is used, not the "
                                        "uv_per_unit option %g", stored, o->uv_per_unit);
        return FASC_OK;
    }
    if (o->uv_per_unit > 0.0) {
        *scale = o->uv_per_unit;
        return fasc_reader_add_note(r, "integer samples scaled by %g uV per unit (uv_per_unit "
                                    "option; the file stores no scale)", o->uv_per_unit);
    }
    fasc_reader_fail(err, err_len, r->path,
                     "integer samples without a scale: give --uv-per-unit (µV per unit)");
    return FASC_ERR_INVALID_ARGUMENT;
}

static int describe_channels(fasc_reader *r, const SF_INFO *info, const fasc_reader_options *o,
                             char *err, size_t err_len)
{
    int rc = fasc_reader_check_shape(r->path, o, info->channels, (double)info->samplerate, r,
                                     err, err_len);
    if (rc != FASC_OK)
        return rc;
    if (info->frames <= 0) {
        fasc_reader_fail(err, err_len, r->path, "no samples (0 frames)");
        return FASC_ERR_FORMAT;
    }
    rc = fasc_reader_alloc_channels(r, info->channels);
    for (int c = 0; rc == FASC_OK && c < info->channels; c++) {
        bool renamed;
        rc = fasc_reader_set_label(r, c, "", &renamed);
    }
    if (rc != FASC_OK)
        fasc_reader_fail(err, err_len, r->path, "out of memory");
    r->sample_rate = (double)info->samplerate;
    r->frames = info->frames;
    return rc;
}

int fasc_reader_sndfile_open(fasc_reader *r, const fasc_reader_options *o, char *err,
                             size_t err_len)
{
    sndfile_state *s = calloc(1, sizeof *s);
    if (!s) {
        fasc_reader_fail(err, err_len, r->path, "out of memory");
        return FASC_ERR_NO_MEMORY;
    }
    r->state = s;
    r->backend = &sndfile_backend;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    s->file = sf_open(r->path, SFM_READ, &info);
    if (!s->file) {
        fasc_reader_fail(err, err_len, r->path, "not a recording libfasc can read (libsndfile: %s)",
                         sf_strerror(NULL));
        return FASC_ERR_FORMAT;
    }
    const int subtype = info.format & SF_FORMAT_SUBMASK;
    if (is_lossy(subtype)) {
        fasc_reader_fail(err, err_len, r->path,
                         "lossy audio coding (Vorbis, Opus or MPEG) cannot hold EMG samples");
        return FASC_ERR_UNSUPPORTED;
    }
    int rc = describe_channels(r, &info, o, err, err_len);
    if (rc != FASC_OK)
        return rc;
    describe_format(s->file, info.format, r->format, sizeof r->format);
    const bool is_float = subtype == SF_FORMAT_FLOAT || subtype == SF_FORMAT_DOUBLE;
    rc = choose_scale(r, o, s->file, is_float, &s->scale, err, err_len);
    if (rc != FASC_OK) {
        if (rc == FASC_ERR_NO_MEMORY)
            fasc_reader_fail(err, err_len, r->path, "out of memory");
        return rc;
    }
    /* Stored values as they are: float files hold µV, integer files units. */
    sf_command(s->file, SFC_SET_NORM_FLOAT, NULL, SF_FALSE);
    sf_command(s->file, SFC_SET_NORM_DOUBLE, NULL, SF_FALSE);
    s->chunk_frames = CHUNK_SAMPLES / (size_t)info.channels;
    s->buf = malloc(sizeof(float) * s->chunk_frames * (size_t)info.channels);
    if (!s->buf) {
        fasc_reader_fail(err, err_len, r->path, "out of memory");
        return FASC_ERR_NO_MEMORY;
    }
    find_truncation(s->file, s);
    if (s->missing > 0
        && fasc_reader_add_note(r, "truncated: %lld %s of samples are missing",
                                (long long)s->missing, s->unit) != FASC_OK) {
        fasc_reader_fail(err, err_len, r->path, "out of memory");
        return FASC_ERR_NO_MEMORY;
    }
    return FASC_OK;
}
