/* Recording writer over libsndfile: temporary file, then rename. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sndfile.h>

#include "fasc/io.h"

#define WRITE_CHUNK 4096

struct fasc_writer {
    SNDFILE *file;
    char *path;
    char *temp_path;
    int channels;
    fasc_sample_format format;
    double uv_per_unit;
    uint64_t clipped;
    int32_t *ibuf;  /* interleaved integer chunk */
    float *fbuf;    /* interleaved float chunk */
};

static void set_err(char *err, size_t len, const char *fmt, ...)
{
    if (!err || len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, len, fmt, ap);
    va_end(ap);
}

static int container_for(const char *path, int *major)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return FASC_ERR_UNSUPPORTED;
    static const struct { const char *ext; int major; } table[] = {
        {".wav", SF_FORMAT_WAV}, {".w64", SF_FORMAT_W64}, {".rf64", SF_FORMAT_RF64},
        {".flac", SF_FORMAT_FLAC}, {".aiff", SF_FORMAT_AIFF}, {".aif", SF_FORMAT_AIFF},
        {".caf", SF_FORMAT_CAF},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const char *a = dot, *b = table[i].ext;
        while (*a && *b && (*a | 0x20) == *b) {
            a++;
            b++;
        }
        if (!*a && !*b) {
            *major = table[i].major;
            return FASC_OK;
        }
    }
    return FASC_ERR_UNSUPPORTED;
}

static void free_writer(fasc_writer *w)
{
    free(w->path);
    free(w->temp_path);
    free(w->ibuf);
    free(w->fbuf);
    free(w);
}

static char *dup_string(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static int check_open_args(const char *path, double rate, int channels, int major,
                           fasc_sample_format format, char *err, size_t err_len)
{
    if (!(rate >= FASC_MIN_SAMPLE_RATE && rate <= FASC_MAX_SAMPLE_RATE) || rate != floor(rate)) {
        set_err(err, err_len, "%s: sample rate %g Hz is not a whole number in 500-48000", path, rate);
        return FASC_ERR_INVALID_ARGUMENT;
    }
    if (channels < 1 || channels > FASC_MAX_CHANNELS) {
        set_err(err, err_len, "%s: %d channels (1-256 allowed)", path, channels);
        return FASC_ERR_INVALID_ARGUMENT;
    }
    if (major == SF_FORMAT_FLAC && channels > 8) {
        set_err(err, err_len, "%s: FLAC holds at most 8 channels, not %d; use .wav, .w64 or .rf64",
                path, channels);
        return FASC_ERR_UNSUPPORTED;
    }
    if (major == SF_FORMAT_FLAC && format == FASC_SAMPLE_FLOAT32) {
        set_err(err, err_len, "%s: FLAC stores integers only; choose 16 or 24 bit", path);
        return FASC_ERR_UNSUPPORTED;
    }
    if (major == SF_FORMAT_W64 && (format == FASC_SAMPLE_PCM16 || format == FASC_SAMPLE_PCM24)) {
        set_err(err, err_len, "%s: W64 cannot store the µV scale of integer samples; use float", path);
        return FASC_ERR_UNSUPPORTED;
    }
    return FASC_OK;
}

int fasc_writer_open(const char *path, double sample_rate, int channels,
                     fasc_sample_format format, double uv_per_unit,
                     fasc_writer **out, char *err, size_t err_len)
{
    if (!out || !path) {
        set_err(err, err_len, "no output path");
        return FASC_ERR_INVALID_ARGUMENT;
    }
    *out = NULL;
    int major = 0;
    if (container_for(path, &major) != FASC_OK) {
        set_err(err, err_len, "%s: unknown extension (use .wav .w64 .rf64 .flac .aiff .caf)", path);
        return FASC_ERR_UNSUPPORTED;
    }
    int rc = check_open_args(path, sample_rate, channels, major, format, err, err_len);
    if (rc != FASC_OK)
        return rc;
    if (format == FASC_SAMPLE_DEFAULT)
        format = major == SF_FORMAT_FLAC ? FASC_SAMPLE_PCM24 : FASC_SAMPLE_FLOAT32;
    if (format != FASC_SAMPLE_FLOAT32 && !(uv_per_unit > 0.0))
        uv_per_unit = format == FASC_SAMPLE_PCM16 ? FASC_IO_DEFAULT_UV_PER_UNIT_PCM16
                                                  : FASC_IO_DEFAULT_UV_PER_UNIT_PCM24;

    fasc_writer *w = calloc(1, sizeof *w);
    if (!w) {
        set_err(err, err_len, "%s: out of memory", path);
        return FASC_ERR_NO_MEMORY;
    }
    w->channels = channels;
    w->format = format;
    w->uv_per_unit = format == FASC_SAMPLE_FLOAT32 ? 0.0 : uv_per_unit;
    w->path = dup_string(path);
    w->temp_path = malloc(strlen(path) + 16);
    w->ibuf = malloc(sizeof(int32_t) * WRITE_CHUNK * (size_t)channels);
    w->fbuf = malloc(sizeof(float) * WRITE_CHUNK * (size_t)channels);
    if (!w->path || !w->temp_path || !w->ibuf || !w->fbuf) {
        free_writer(w);
        set_err(err, err_len, "%s: out of memory", path);
        return FASC_ERR_NO_MEMORY;
    }
    /* A device, pipe or link at the target would be replaced by the
     * rename (and a recording's header needs a seekable file anyway). */
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        set_err(err, err_len, "%s: not a regular file (a device, pipe or link)", path);
        free_writer(w);
        return FASC_ERR_IO;
    }
    /* Same folder as the target, so rename() is atomic; the extension stays
     * last because libsndfile does not need it once the format is given. */
    snprintf(w->temp_path, strlen(path) + 16, "%s.part", path);

    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)sample_rate;
    info.channels = channels;
    info.format = major | (format == FASC_SAMPLE_FLOAT32 ? SF_FORMAT_FLOAT
                           : format == FASC_SAMPLE_PCM16 ? SF_FORMAT_PCM_16 : SF_FORMAT_PCM_24);
    if (!sf_format_check(&info)) {
        set_err(err, err_len, "%s: libsndfile cannot write this format/channel combination", path);
        free_writer(w);
        return FASC_ERR_UNSUPPORTED;
    }
    w->file = sf_open(w->temp_path, SFM_WRITE, &info);
    if (!w->file) {
        set_err(err, err_len, "%s: cannot create: %s", path, sf_strerror(NULL));
        free_writer(w);
        return FASC_ERR_IO;
    }
    /* The PEAK chunk of float files carries a wall-clock time stamp, which
     * would make identical recordings differ byte for byte. */
    sf_command(w->file, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    if (format != FASC_SAMPLE_FLOAT32) {
        char tag[64];
        snprintf(tag, sizeof tag, FASC_IO_SCALE_TAG "%.9g", uv_per_unit);
        if (sf_set_string(w->file, SF_STR_COMMENT, tag) != 0) {
            set_err(err, err_len, "%s: cannot store the µV scale in this container", path);
            fasc_writer_abort(&w);
            return FASC_ERR_UNSUPPORTED;
        }
    }
    *out = w;
    return FASC_OK;
}

static int32_t quantize(fasc_writer *w, float v, int bits)
{
    const double limit = (double)((1 << (bits - 1)) - 1);
    double q = v / w->uv_per_unit;
    q = q >= 0.0 ? floor(q + 0.5) : -floor(-q + 0.5);
    if (!(q <= limit)) { /* also catches NaN */
        w->clipped++;
        q = q != q ? 0.0 : limit;
    } else if (q < -limit - 1.0) {
        w->clipped++;
        q = -limit - 1.0;
    }
    /* libsndfile's int API is full-scale 32 bit: shift into the top bits. */
    return (int32_t)((uint32_t)(int32_t)q << (32 - bits));
}

int fasc_writer_write(fasc_writer *w, const float *const *channels, size_t frames)
{
    if (!w || (frames > 0 && !channels))
        return FASC_ERR_INVALID_ARGUMENT;
    const int nc = w->channels;
    for (size_t done = 0; done < frames;) {
        const size_t n = frames - done < WRITE_CHUNK ? frames - done : WRITE_CHUNK;
        sf_count_t wrote;
        if (w->format == FASC_SAMPLE_FLOAT32) {
            for (size_t i = 0; i < n; i++)
                for (int c = 0; c < nc; c++)
                    w->fbuf[i * (size_t)nc + (size_t)c] = channels[c][done + i];
            wrote = sf_writef_float(w->file, w->fbuf, (sf_count_t)n);
        } else {
            const int bits = w->format == FASC_SAMPLE_PCM16 ? 16 : 24;
            for (size_t i = 0; i < n; i++)
                for (int c = 0; c < nc; c++)
                    w->ibuf[i * (size_t)nc + (size_t)c] = quantize(w, channels[c][done + i], bits);
            wrote = sf_writef_int(w->file, w->ibuf, (sf_count_t)n);
        }
        if (wrote != (sf_count_t)n)
            return FASC_ERR_IO;
        done += n;
    }
    return FASC_OK;
}

uint64_t fasc_writer_clipped(const fasc_writer *w)
{
    return w ? w->clipped : 0;
}

double fasc_writer_uv_per_unit(const fasc_writer *w)
{
    return w ? w->uv_per_unit : 0.0;
}

/* libsndfile's RF64 writer adds a PEAK chunk even when told not to; its
 * 32-bit time stamp (chunk offset 12) is zeroed so that identical
 * recordings are identical files. */
static int clear_peak_timestamp(const char *path)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return -1;
    unsigned char head[4096];
    const size_t n = fread(head, 1, sizeof head, f);
    int rc = 0;
    for (size_t i = 12; i + 16 <= n; i++) {
        if (memcmp(head + i, "PEAK", 4) == 0) {
            static const unsigned char zero[4] = {0, 0, 0, 0};
            rc = fseek(f, (long)(i + 12), SEEK_SET) != 0 || fwrite(zero, 1, 4, f) != 4;
            break;
        }
    }
    return (fclose(f) != 0 || rc) ? -1 : 0;
}

int fasc_writer_close(fasc_writer **wp, char *err, size_t err_len)
{
    if (!wp || !*wp)
        return FASC_ERR_INVALID_ARGUMENT;
    fasc_writer *w = *wp;
    *wp = NULL;
    const int err_code = sf_error(w->file);
    const int close_rc = sf_close(w->file);
    int rc = FASC_OK;
    if (err_code != 0 || close_rc != 0) {
        set_err(err, err_len, "%s: write failed: %s", w->path, sf_error_number(err_code ? err_code : close_rc));
        remove(w->temp_path);
        rc = FASC_ERR_IO;
    } else if (w->format == FASC_SAMPLE_FLOAT32 && clear_peak_timestamp(w->temp_path) != 0) {
        set_err(err, err_len, "%s: cannot finish the header: %s", w->path, strerror(errno));
        remove(w->temp_path);
        rc = FASC_ERR_IO;
    } else if (rename(w->temp_path, w->path) != 0) {
        set_err(err, err_len, "%s: cannot move into place: %s", w->path, strerror(errno));
        remove(w->temp_path);
        rc = FASC_ERR_IO;
    }
    free_writer(w);
    return rc;
}

void fasc_writer_abort(fasc_writer **wp)
{
    if (!wp || !*wp)
        return;
    fasc_writer *w = *wp;
    *wp = NULL;
    if (w->file)
        sf_close(w->file);
    remove(w->temp_path);
    free_writer(w);
}
