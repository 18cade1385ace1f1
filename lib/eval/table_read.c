/* Reading BIDS-style event tables (truth files, scorer output, expert
 * annotations). Every malformed line is reported with its number. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fasc/eval.h"

enum { COL_ONSET, COL_DURATION, COL_PEAK, COL_CHANNEL, COL_CLASS, COL_UNIT, COL_P2P, COL_COUNT };
static const char *const column_names[COL_COUNT] = {
    "onset", "duration", "peak", "channel", "class", "unit", "peak_to_peak_uv",
};
#define MAX_FIELDS 64

typedef struct reader {
    const char *path;
    long line_no;
    char *err;
    size_t err_len;
    fasc_event_row *rows;
    size_t *label_at; /* offsets into labels, fixed up at the end */
    size_t count, capacity;
    char *labels;
    size_t labels_len, labels_cap;
} reader;

static int fail(reader *r, int status, const char *fmt, ...)
{
    if (r->err && r->err_len) {
        int n = snprintf(r->err, r->err_len, "%s:%ld: ", r->path, r->line_no);
        if (n < 0) n = 0;
        if ((size_t)n < r->err_len) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err + n, r->err_len - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return status;
}

static int split_tabs(char *line, char **field, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        field[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static int is_na(const char *s)
{
    return strcmp(s, "n/a") == 0 || s[0] == '\0';
}

static int parse_number(reader *r, const char *s, const char *what, int allow_na, double *out)
{
    if (is_na(s)) {
        if (!allow_na)
            return fail(r, FASC_ERR_FORMAT, "%s is missing", what);
        *out = NAN;
        return FASC_OK;
    }
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return fail(r, FASC_ERR_FORMAT, "%s '%s' is not a finite number", what, s);
    *out = v;
    return FASC_OK;
}

static int add_label(reader *r, const char *s, size_t *offset)
{
    const size_t n = strlen(s) + 1;
    if (r->labels_len + n > r->labels_cap) {
        size_t cap = r->labels_cap ? 2 * r->labels_cap : 1024;
        while (cap < r->labels_len + n)
            cap *= 2;
        char *p = realloc(r->labels, cap);
        if (!p)
            return fail(r, FASC_ERR_NO_MEMORY, "out of memory");
        r->labels = p;
        r->labels_cap = cap;
    }
    memcpy(r->labels + r->labels_len, s, n);
    *offset = r->labels_len;
    r->labels_len += n;
    return FASC_OK;
}

static int add_row(reader *r, char **field, int nf, const int *col)
{
    if (r->count == r->capacity) {
        const size_t cap = r->capacity ? 2 * r->capacity : 256;
        fasc_event_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return fail(r, FASC_ERR_NO_MEMORY, "out of memory");
        r->rows = rows;
        size_t *at = realloc(r->label_at, cap * sizeof *at);
        if (!at)
            return fail(r, FASC_ERR_NO_MEMORY, "out of memory");
        r->label_at = at;
        r->capacity = cap;
    }
    (void)nf;
    fasc_event_row row;
    memset(&row, 0, sizeof row);
    double v = NAN;
    int rc = parse_number(r, field[col[COL_ONSET]], "onset", 0, &row.onset_s);
    if (rc == FASC_OK && col[COL_DURATION] >= 0) {
        rc = parse_number(r, field[col[COL_DURATION]], "duration", 1, &v);
        row.duration_s = isnan(v) ? 0.0 : v;
        if (rc == FASC_OK && row.duration_s < 0.0)
            rc = fail(r, FASC_ERR_FORMAT, "negative duration");
    }
    row.peak_s = row.onset_s + 0.5 * row.duration_s;
    if (rc == FASC_OK && col[COL_PEAK] >= 0) {
        rc = parse_number(r, field[col[COL_PEAK]], "peak", 1, &v);
        if (!isnan(v))
            row.peak_s = v;
    }
    if (rc == FASC_OK && fasc_class_from_name(field[col[COL_CLASS]], &row.cls) != FASC_OK)
        rc = fail(r, FASC_ERR_FORMAT, "unknown class '%s'", field[col[COL_CLASS]]);
    if (rc == FASC_OK && col[COL_UNIT] >= 0) {
        rc = parse_number(r, field[col[COL_UNIT]], "unit", 1, &v);
        if (rc == FASC_OK && !isnan(v) && (v < 0 || v > 1e9 || v != floor(v)))
            rc = fail(r, FASC_ERR_FORMAT, "unit '%s' is not a whole number", field[col[COL_UNIT]]);
        row.unit = isnan(v) ? 0 : (int)v;
    }
    if (rc == FASC_OK && col[COL_P2P] >= 0) {
        rc = parse_number(r, field[col[COL_P2P]], "peak_to_peak_uv", 1, &v);
        row.peak_to_peak_uv = isnan(v) ? 0.0 : v;
    }
    size_t label = (size_t)-1;
    if (rc == FASC_OK && col[COL_CHANNEL] >= 0 && !is_na(field[col[COL_CHANNEL]]))
        rc = add_label(r, field[col[COL_CHANNEL]], &label);
    if (rc != FASC_OK)
        return rc;
    r->label_at[r->count] = label;
    r->rows[r->count++] = row;
    return FASC_OK;
}

static int read_header(reader *r, char *line, int *col, int *n_columns)
{
    char *field[MAX_FIELDS];
    const int nf = split_tabs(line, field, MAX_FIELDS);
    if (nf < 0)
        return fail(r, FASC_ERR_FORMAT, "more than %d columns", MAX_FIELDS);
    for (int k = 0; k < COL_COUNT; k++)
        col[k] = -1;
    for (int i = 0; i < nf; i++)
        for (int k = 0; k < COL_COUNT; k++)
            if (strcmp(field[i], column_names[k]) == 0)
                col[k] = i;
    if (col[COL_ONSET] < 0 || col[COL_CLASS] < 0)
        return fail(r, FASC_ERR_FORMAT,
                    "not an event table: the header needs 'onset' and 'class' columns");
    *n_columns = nf;
    return FASC_OK;
}

static int read_lines(reader *r, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int col[COL_COUNT] = {0}, n_columns = 0, have_header = 0, rc = FASC_OK;
    while (rc == FASC_OK && (len = getline(&line, &cap, f)) != -1) {
        r->line_no++;
        if ((size_t)len != strlen(line)) {
            rc = fail(r, FASC_ERR_FORMAT, "contains a NUL byte (binary file?)");
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        if (!have_header) {
            rc = read_header(r, line, col, &n_columns);
            have_header = 1;
            continue;
        }
        char *field[MAX_FIELDS];
        const int nf = split_tabs(line, field, MAX_FIELDS);
        if (nf != n_columns)
            rc = fail(r, FASC_ERR_FORMAT, "%d columns where the header has %d", nf < 0 ? MAX_FIELDS : nf,
                      n_columns);
        else
            rc = add_row(r, field, nf, col);
    }
    free(line);
    if (rc == FASC_OK && ferror(f))
        rc = fail(r, FASC_ERR_IO, "read error");
    if (rc == FASC_OK && !have_header) {
        r->line_no = 0;
        rc = fail(r, FASC_ERR_FORMAT, "empty file (no header line)");
    }
    return rc;
}

int fasc_event_table_read(const char *path, fasc_event_table *table, char *err, size_t err_len)
{
    if (!table)
        return FASC_ERR_INVALID_ARGUMENT;
    memset(table, 0, sizeof *table);
    if (!path)
        return FASC_ERR_INVALID_ARGUMENT;
    reader r;
    memset(&r, 0, sizeof r);
    r.path = path;
    r.err = err;
    r.err_len = err_len;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (err && err_len)
            snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        return FASC_ERR_IO;
    }
    const int rc = read_lines(&r, f);
    fclose(f);
    if (rc != FASC_OK) {
        free(r.rows);
        free(r.label_at);
        free(r.labels);
        return rc;
    }
    for (size_t i = 0; i < r.count; i++)
        r.rows[i].channel = r.label_at[i] == (size_t)-1 ? NULL : r.labels + r.label_at[i];
    free(r.label_at);
    table->rows = r.rows;
    table->count = r.count;
    table->labels = r.labels;
    return FASC_OK;
}

void fasc_event_table_free(fasc_event_table *table)
{
    if (!table)
        return;
    free(table->rows);
    free(table->labels);
    memset(table, 0, sizeof *table);
}
