/* BIDS-style event table: the truth file of fasc-synth and the scorer's
 * output share these columns. */
#include "fasc/io.h"

int fasc_events_tsv_write_header(FILE *f)
{
    if (!f)
        return FASC_ERR_INVALID_ARGUMENT;
    return fprintf(f, FASC_EVENTS_TSV_HEADER "\n") < 0 ? FASC_ERR_IO : FASC_OK;
}

int fasc_events_tsv_write_row(FILE *f, const fasc_event_row *row)
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
    n = row->peak_to_peak_uv > 0.0 ? fprintf(f, "%.2f\n", row->peak_to_peak_uv)
                                   : fprintf(f, "n/a\n");
    return n < 0 ? FASC_ERR_IO : FASC_OK;
}
