/* State of a fasc_summary, shared by its files. */
#ifndef FASC_SUMMARY_INTERNAL_H
#define FASC_SUMMARY_INTERNAL_H

#include "fasc/summary.h"

typedef struct fasc_span_list {
    double *a, *b; /* [a[i], b[i]) seconds, sorted and disjoint once merged */
    size_t n, cap;
} fasc_span_list;

struct fasc_summary {
    fasc_summary_config cfg;
    bool finished;
    double duration_s;
    uint64_t class_count[FASC_CLASS_COUNT];
    uint64_t nonfinite, dropped;
    double *noise;                 /* per channel */
    int *merged_into;              /* indexed by unit id, 0: not merged */
    int merge_cap;
    fasc_summary_fp *fp;
    size_t fp_n, fp_cap;
    fasc_summary_span *spans;
    size_t span_n, span_cap;
    /* results */
    fasc_summary_figures *figures; /* channels + 1; [channels] is overall */
    fasc_summary_unit *units;
    size_t unit_n;
    fasc_summary_epoch *epochs;
    size_t epoch_n;
    fasc_span_list *excluded;      /* channels + 1; [channels] overall */
};

/* Sorts and merges l in place. */
void fasc_span_list_merge(fasc_span_list *l);
/* Appends [a, b); 0 or -1 (no memory). */
int fasc_span_list_push(fasc_span_list *l, double a, double b);
void fasc_span_list_free(fasc_span_list *l);
/* Length of the part of merged list l inside [lo, hi). */
double fasc_span_list_measure(const fasc_span_list *l, double lo, double hi);
/* out = intersection of merged lists x and y; 0 or -1. */
int fasc_span_list_intersect(const fasc_span_list *x, const fasc_span_list *y, fasc_span_list *out);

/* Value at fraction q (0..1) of sorted v[0..n), interpolated; 0 if n == 0. */
double fasc_summary_quantile(const float *v, size_t n, double q);

/* Grade of one channel's figures, or of the whole recording (overall
 * true: adds the recording-wide findings; poor_channels of channels). */
void fasc_summary_grade(const fasc_summary *s, fasc_summary_figures *f, bool overall,
                        int poor_channels);

int fasc_summary_compute_units(fasc_summary *s, double scorable_min);
int fasc_summary_compute_epochs(fasc_summary *s);

#endif
