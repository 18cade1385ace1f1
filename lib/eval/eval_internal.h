/* Shared by the evaluation's sources. */
#ifndef FASC_EVAL_INTERNAL_H
#define FASC_EVAL_INTERNAL_H

#include <stdbool.h>

#include "fasc/eval.h"

typedef struct eval_span {
    double from, to;
} eval_span;

/* spans.c: the rows of classes a and b (b may equal a) at least
 * min_duration_s long, as sorted, merged spans in *out (the caller frees
 * it); returns their count, or -1 without memory. */
long fasc_eval_spans(const fasc_event_table *t, fasc_class a, fasc_class b, double min_duration_s,
                     eval_span **out);

/* Whether [from, to] meets one of the n sorted, disjoint spans. */
bool fasc_eval_overlaps(const eval_span *s, long n, double from, double to);

/* Whether time x lies in one of them. */
bool fasc_eval_inside(const eval_span *s, long n, double x);

/* Fills *rest (zeroed by the caller) from the fasciculation rows of both
 * tables and the matching of the true ones (match[i]: detected index or -1). */
int fasc_eval_rest_figures(const fasc_event_table *truth, const fasc_event_row *true_fp,
                           size_t n_true, const long *match, const fasc_event_row *found_fp,
                           size_t n_found, fasc_eval_rest *rest);

#endif
