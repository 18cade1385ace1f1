/* Fasciculation figures at rest, as the classifier issue defines them:
 * true FPs outside true voluntary and movement epochs (the scorable ones,
 * which clinical protocols and the classifier exclude), and the FPs a
 * detector counts inside true voluntary epochs per minute of them. */
#include <stdlib.h>

#include "eval_internal.h"

int fasc_eval_rest_figures(const fasc_event_table *truth, const fasc_event_row *true_fp,
                           size_t n_true, const long *match, const fasc_event_row *found_fp,
                           size_t n_found, fasc_eval_rest *rest)
{
    eval_span *excluded = NULL, *voluntary = NULL;
    const long ne = fasc_eval_spans(truth, FASC_CLASS_VOLUNTARY, FASC_CLASS_MOVEMENT, 0.0, &excluded);
    const long nv = ne < 0 ? -1 : fasc_eval_spans(truth, FASC_CLASS_VOLUNTARY, FASC_CLASS_VOLUNTARY,
                                                  0.0, &voluntary);
    if (ne < 0 || nv < 0) {
        free(excluded);
        free(voluntary);
        return FASC_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < n_true; i++)
        if (!fasc_eval_inside(excluded, ne, true_fp[i].peak_s)) {
            rest->truth++;
            rest->matched += match[i] >= 0;
        }
    for (size_t j = 0; j < n_found; j++)
        rest->in_voluntary += fasc_eval_inside(voluntary, nv, found_fp[j].peak_s);
    double seconds = 0.0;
    for (long k = 0; k < nv; k++)
        seconds += voluntary[k].to - voluntary[k].from;
    rest->voluntary_min = seconds / 60.0;
    rest->sensitivity = rest->truth ? (double)rest->matched / (double)rest->truth : 0.0;
    rest->in_voluntary_per_min =
        rest->voluntary_min > 0.0 ? (double)rest->in_voluntary / rest->voluntary_min : 0.0;
    free(excluded);
    free(voluntary);
    return FASC_OK;
}
