/* Shared by the evaluation's sources. */
#ifndef FASC_EVAL_INTERNAL_H
#define FASC_EVAL_INTERNAL_H

#include "fasc/eval.h"

/* Fills *rest (zeroed by the caller) from the fasciculation rows of both
 * tables and the matching of the true ones (match[i]: detected index or -1). */
int fasc_eval_rest_figures(const fasc_event_table *truth, const fasc_event_row *true_fp,
                           size_t n_true, const long *match, const fasc_event_row *found_fp,
                           size_t n_found, fasc_eval_rest *rest);

#endif
