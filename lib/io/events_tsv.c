/* BIDS-style event table: the truth file of fasc-synth and the scorer's
 * output share these columns. */
#include "fasc/io.h"

int fasc_events_tsv_write_header(FILE *f)
{
    if (!f)
        return FASC_ERR_INVALID_ARGUMENT;
    return fprintf(f, FASC_EVENTS_TSV_HEADER "\n") < 0 ? FASC_ERR_IO : FASC_OK;
}

int fasc_events_tsv_write_header_scored(FILE *f)
{
    if (!f)
        return FASC_ERR_INVALID_ARGUMENT;
    return fprintf(f, FASC_EVENTS_TSV_HEADER_SCORED "\n") < 0 ? FASC_ERR_IO : FASC_OK;
}

/* The seven common columns, without the line end. */
static int write_columns(FILE *f, const fasc_event_row *row)
{
    if (!f || !row || !fasc_class_name(row->cls))
        return FASC_ERR_INVALID_ARGUMENT;
    const char *channel = row->channel && row->channel[0] ? row->channel : "n/a";
    int n = fprintf(f, "%.6f\t%.6f\t%.6f\t%s\t%s\t", row->onset_s, row->duration_s,
                    row->peak_s, channel, fasc_class_name(row->cls));
    if (n < 0)
        return FASC_ERR_IO;
    n = row->unit > 0 ? fprintf(f, "%d\t", row->unit) : fprintf(f, "n/a\t");
    if (n < 0)
        return FASC_ERR_IO;
    n = row->peak_to_peak_uv > 0.0 ? fprintf(f, "%.2f", row->peak_to_peak_uv)
                                   : fprintf(f, "n/a");
    return n < 0 ? FASC_ERR_IO : FASC_OK;
}

int fasc_events_tsv_write_row(FILE *f, const fasc_event_row *row)
{
    int rc = write_columns(f, row);
    if (rc == FASC_OK && fputc('\n', f) == EOF)
        rc = FASC_ERR_IO;
    return rc;
}

int fasc_events_tsv_write_row_scored(FILE *f, const fasc_event_row *row,
                                     const fasc_event_extra *extra)
{
    if (!extra)
        return FASC_ERR_INVALID_ARGUMENT;
    int rc = write_columns(f, row);
    if (rc != FASC_OK)
        return rc;
    int n = extra->phases > 0 ? fprintf(f, "\t%d", extra->phases) : fprintf(f, "\tn/a");
    if (n >= 0)
        n = extra->confidence >= 0.0 ? fprintf(f, "\t%.3f\n", extra->confidence)
                                     : fprintf(f, "\tn/a\n");
    return n < 0 ? FASC_ERR_IO : FASC_OK;
}
