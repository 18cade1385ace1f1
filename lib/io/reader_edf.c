/* Reader back end for EDF, EDF+C, BDF and BDF+C through EDFlib. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <edflib.h>

#include "reader_internal.h"

/* Samples per EDFlib call: EDFlib reads doubles into the caller's buffer. */
#define SCRATCH 4096

typedef struct edf_state {
    int handle; /* -1 when not open */
    int *signal;    /* EDFlib signal index of each channel */
    double *factor; /* µV per physical unit of each channel */
    double *scratch;
} edf_state;

static int edf_read(fasc_reader *r, float *const *out, size_t n, size_t *got)
{
    edf_state *s = r->state;
    size_t done = 0;
    while (done < n) {
        const size_t want = n - done < SCRATCH ? n - done : SCRATCH;
        for (int c = 0; c < r->channels; c++) {
            const int k = edfread_physical_samples(s->handle, s->signal[c], (int)want, s->scratch);
            if (k != (int)want)
                return fasc_reader_read_error(r, FASC_ERR_FORMAT,
                                              "cannot read channel %s at frame %lld",
                                              r->labels[c],
                                              (long long)(r->position + (int64_t)done));
            float *dst = out[c] + done;
            for (size_t i = 0; i < want; i++)
                dst[i] = (float)(s->scratch[i] * s->factor[c]);
            fasc_reader_count_nonfinite(r, c, dst, want);
        }
        /* Frames count only once every channel has them. */
        done += want;
        *got = done;
    }
    return FASC_OK;
}

static void edf_close(fasc_reader *r)
{
    edf_state *s = r->state;
    if (!s)
        return;
    if (s->handle >= 0) {
        fasc_edf_lock();
        edfclose_file(s->handle);
        fasc_edf_unlock();
    }
    free(s->signal);
    free(s->factor);
    free(s->scratch);
    free(s);
    r->state = NULL;
}

static const fasc_reader_backend edf_backend = {
    .read = edf_read,
    .at_end = NULL,
    .close = edf_close,
};

/* µV per physical unit; 0 for a dimension that is not a voltage. */
static double uv_factor(const char *dimension)
{
    char d[16];
    size_t n = 0;
    for (const char *p = dimension; *p && n + 1 < sizeof d; p++)
        if (*p != ' ')
            d[n++] = (char)tolower((unsigned char)*p);
    d[n] = '\0';
    if (strcmp(d, "uv") == 0 || strcmp(d, "\xc2\xb5v") == 0 || strcmp(d, "\xb5v") == 0
        || strcmp(d, "\xce\xbcv") == 0)
        return 1.0;
    if (strcmp(d, "mv") == 0)
        return 1e3;
    if (strcmp(d, "v") == 0)
        return 1e6;
    if (strcmp(d, "nv") == 0)
        return 1e-3;
    return 0.0;
}

static int open_error(const char *path, int code, char *err, size_t err_len)
{
    switch (code) {
    case EDFLIB_MALLOC_ERROR:
        fasc_reader_fail(err, err_len, path, "out of memory (EDFlib)");
        return FASC_ERR_NO_MEMORY;
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY:
    case EDFLIB_FILE_READ_ERROR:
        fasc_reader_fail(err, err_len, path, "cannot read the file (EDFlib)");
        return FASC_ERR_IO;
    case EDFLIB_MAXFILES_REACHED:
        fasc_reader_fail(err, err_len, path, "too many EDF/BDF files open at once (EDFlib's limit)");
        return FASC_ERR_IO;
    case EDFLIB_FILE_ALREADY_OPENED:
        fasc_reader_fail(err, err_len, path,
                         "already open in another reader (EDFlib opens a file once at a time)");
        return FASC_ERR_STATE;
    case EDFLIB_FILE_IS_DISCONTINUOUS:
        fasc_reader_fail(err, err_len, path,
                         "discontinuous recording (EDF+D/BDF+D): EDFlib reads continuous files only");
        return FASC_ERR_UNSUPPORTED;
    default:
        fasc_reader_fail(err, err_len, path,
                         "EDFlib rejects the header as not conforming to the EDF/BDF "
                         "specification (EDFlib error %d; EDFbrowser's header check names the "
                         "field)", code);
        return FASC_ERR_FORMAT;
    }
}

/* Any file whose reserved field says "+D" is refused, also a BDF that
 * writes "EDF+D" (EDFlib would read it as plain BDF and run the segments
 * together). The gap count makes the message useful. */
static int refuse_discontinuous(FILE *f, const char *path, const fasc_edf_header *h, char *err,
                                size_t err_len)
{
    double first = 0.0;
    const int64_t gaps = fasc_edf_count_gaps(f, h, &first);
    if (gaps > 0)
        fasc_reader_fail(err, err_len, path,
                         "discontinuous recording (%.5s) with %lld gaps, the first at %g s: "
                         "libfasc reads one continuous stream", h->reserved, (long long)gaps,
                         first);
    else if (gaps == 0)
        fasc_reader_fail(err, err_len, path,
                         "discontinuous recording (%.5s), although without gaps: EDFlib reads "
                         "continuous files only; save it as %s+C", h->reserved,
                         h->bdf ? "BDF" : "EDF");
    else
        fasc_reader_fail(err, err_len, path,
                         "discontinuous recording (%.5s) whose record times cannot be read",
                         h->reserved);
    return FASC_ERR_UNSUPPORTED;
}

static int check_raw_header(const char *path, bool bdf, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fasc_reader_fail(err, err_len, path, "cannot open: %s", strerror(errno));
        return FASC_ERR_IO;
    }
    fasc_edf_header h;
    int rc = fasc_edf_header_read(f, path, bdf, &h, err, err_len);
    if (rc == FASC_OK
        && (strncmp(h.reserved, "EDF+D", 5) == 0 || strncmp(h.reserved, "BDF+D", 5) == 0))
        rc = refuse_discontinuous(f, path, &h, err, err_len);
    fclose(f);
    return rc;
}

/* A note listing items, cut short (with a count) so that a file with
 * hundreds of skipped signals still gives one readable line. */
typedef struct item_list {
    char text[640];
    size_t len;
    int items;
    int omitted;
} item_list;

static void list_add(item_list *l, const char *item)
{
    if (l->len + strlen(item) + 32 >= sizeof l->text) {
        l->omitted++;
        return;
    }
    l->len += (size_t)snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s",
                               l->items ? ", " : "", item);
    l->items++;
}

static int list_note(fasc_reader *r, const item_list *l, const char *what)
{
    if (l->items + l->omitted == 0)
        return FASC_OK;
    if (l->omitted)
        return fasc_reader_add_note(r, "%s: %s and %d more", what, l->text, l->omitted);
    return fasc_reader_add_note(r, "%s: %s", what, l->text);
}

/* Header text without its padding. */
static const char *trimmed(const char *field, char *out, size_t len)
{
    while (*field == ' ')
        field++;
    size_t n = strlen(field);
    while (n > 0 && field[n - 1] == ' ')
        n--;
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), field);
    return out;
}

static bool is_annotation_signal(const char *label)
{
    while (*label == ' ')
        label++;
    return strncmp(label, "EDF Annotations", 15) == 0 || strncmp(label, "BDF Annotations", 15) == 0;
}

/* The EMG rate: the highest rate of any ordinary signal (all signals share
 * the record duration, so samples per record compare the rates). */
static int emg_samples_per_record(const struct edf_hdr_struct *hdr, int *count)
{
    int best = 0;
    *count = 0;
    for (int i = 0; i < hdr->edfsignals; i++) {
        const int n = hdr->signalparam[i].smp_in_datarecord;
        if (is_annotation_signal(hdr->signalparam[i].label))
            continue;
        if (n > best) {
            best = n;
            *count = 0;
        }
        *count += n == best;
    }
    return best;
}

typedef struct channel_notes {
    item_list skipped, odd_units, renamed, annotations;
} channel_notes;

static int describe_channel(fasc_reader *r, edf_state *s, const struct edf_param_struct *p,
                            int ch, int sig, channel_notes *notes)
{
    s->signal[ch] = sig;
    s->factor[ch] = uv_factor(p->physdimension);
    bool renamed;
    const int rc = fasc_reader_set_label(r, ch, p->label, &renamed);
    if (rc != FASC_OK)
        return rc;
    if (s->factor[ch] == 0.0) {
        s->factor[ch] = 1.0;
        char item[128], unit[16];
        trimmed(p->physdimension, unit, sizeof unit);
        snprintf(item, sizeof item, "%s (%s)", r->labels[ch], unit[0] ? unit : "no unit");
        list_add(&notes->odd_units, item);
    }
    if (renamed)
        list_add(&notes->renamed, r->labels[ch]);
    return FASC_OK;
}

static int select_channels(fasc_reader *r, edf_state *s, const struct edf_hdr_struct *hdr,
                           const fasc_reader_options *o, char *err, size_t err_len)
{
    int count;
    const int best = emg_samples_per_record(hdr, &count);
    if (best == 0) {
        fasc_reader_fail(err, err_len, r->path, "annotation-only file: no signals to read");
        return FASC_ERR_FORMAT;
    }
    if (hdr->datarecord_duration <= 0) {
        fasc_reader_fail(err, err_len, r->path, "corrupt header: data records of 0 s");
        return FASC_ERR_FORMAT;
    }
    const double duration_s = (double)hdr->datarecord_duration / EDFLIB_TIME_DIMENSION;
    const double rate = best / duration_s;
    int rc = fasc_reader_check_shape(r->path, o, count, rate, r, err, err_len);
    if (rc != FASC_OK)
        return rc;
    s->signal = calloc((size_t)count, sizeof *s->signal);
    s->factor = calloc((size_t)count, sizeof *s->factor);
    s->scratch = malloc(SCRATCH * sizeof *s->scratch);
    rc = s->signal && s->factor && s->scratch ? fasc_reader_alloc_channels(r, count)
                                              : FASC_ERR_NO_MEMORY;
    channel_notes notes;
    memset(&notes, 0, sizeof notes);
    for (int i = 0, ch = 0; rc == FASC_OK && i < hdr->edfsignals; i++) {
        const struct edf_param_struct *p = &hdr->signalparam[i];
        char item[128], label[24];
        trimmed(p->label, label, sizeof label);
        if (is_annotation_signal(p->label)) {
            list_add(&notes.annotations, label);
        } else if (p->smp_in_datarecord != best) {
            snprintf(item, sizeof item, "%s (%g Hz)", label, p->smp_in_datarecord / duration_s);
            list_add(&notes.skipped, item);
        } else {
            rc = describe_channel(r, s, p, ch++, i, &notes);
        }
    }
    r->sample_rate = rate;
    r->frames = hdr->signalparam[s->signal ? s->signal[0] : 0].smp_in_file;
    if (rc == FASC_OK)
        rc = list_note(r, &notes.skipped, "skipped signals below the EMG rate");
    if (rc == FASC_OK)
        rc = list_note(r, &notes.odd_units, "unit not a voltage, values kept as read");
    if (rc == FASC_OK)
        rc = list_note(r, &notes.renamed, "repeated labels renamed");
    if (rc == FASC_OK)
        rc = list_note(r, &notes.annotations, "annotation signals in a plain EDF/BDF file skipped");
    if (rc == FASC_OK && o->uv_per_unit > 0.0)
        rc = fasc_reader_add_note(r, "uv_per_unit option ignored: EDF/BDF store physical units");
    if (rc != FASC_OK)
        fasc_reader_fail(err, err_len, r->path, "out of memory");
    return rc;
}

static const char *type_name(int filetype)
{
    switch (filetype) {
    case EDFLIB_FILETYPE_EDF: return "EDF";
    case EDFLIB_FILETYPE_EDFPLUS: return "EDF+C";
    case EDFLIB_FILETYPE_BDF: return "BDF";
    default: return "BDF+C";
    }
}

int fasc_reader_edf_open(fasc_reader *r, const fasc_reader_options *o, bool bdf, char *err,
                         size_t err_len)
{
    int rc = check_raw_header(r->path, bdf, err, err_len);
    if (rc != FASC_OK)
        return rc;
    edf_state *s = calloc(1, sizeof *s);
    /* About 150 kB (EDFlib's fixed table of 640 signals): never on the stack. */
    struct edf_hdr_struct *hdr = calloc(1, sizeof *hdr);
    if (!s || !hdr) {
        free(s);
        free(hdr);
        fasc_reader_fail(err, err_len, r->path, "out of memory");
        return FASC_ERR_NO_MEMORY;
    }
    s->handle = -1;
    r->state = s;
    r->backend = &edf_backend;
    fasc_edf_lock();
    const int opened = edfopen_file_readonly(r->path, hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS);
    fasc_edf_unlock();
    if (opened != 0) {
        rc = open_error(r->path, hdr->filetype, err, err_len);
    } else {
        s->handle = hdr->handle;
        snprintf(r->format, sizeof r->format, "%s", type_name(hdr->filetype));
        rc = select_channels(r, s, hdr, o, err, err_len);
    }
    free(hdr);
    return rc;
}
