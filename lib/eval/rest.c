/* Fasciculation figures at rest, as the classifier issue defines them:
 * true FPs outside true voluntary and movement epochs (the scorable ones,
 * which clinical protocols and the classifier exclude), and the FPs a
 * detector counts inside true voluntary epochs per minute of them. */
#include <stdbool.h>
#include <stdlib.h>

#include "eval_internal.h"

typedef struct span {
    double from, to;
} span;

static int by_start(const void *a, const void *b)
{
    const double x = ((const span *)a)->from, y = ((const span *)b)->from;
    return x < y ? -1 : x > y;
}

/* The rows of classes a and b (b may equal a) as sorted, merged spans;
 * returns their count, or -1 without memory. */
static long spans_of(const fasc_event_table *t, fasc_class a, fasc_class b, span **out)
{
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        n += t->rows[i].cls == a || t->rows[i].cls == b;
    span *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return -1;
    n = 0;
    for (size_t i = 0; i < t->count; i++)
        if (t->rows[i].cls == a || t->rows[i].cls == b)
            s[n++] = (span){t->rows[i].onset_s, t->rows[i].onset_s + t->rows[i].duration_s};
    if (n > 1)
        qsort(s, n, sizeof *s, by_start);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && s[i].from <= s[m - 1].to) {
            if (s[i].to > s[m - 1].to)
                s[m - 1].to = s[i].to;
        } else {
            s[m++] = s[i];
        }
    }
    *out = s;
    return (long)m;
}

/* Whether x lies in one of the n sorted, disjoint spans. */
static bool inside(const span *s, long n, double x)
{
    long lo = 0, hi = n;
    while (lo < hi) { /* first span ending at or after x */
        const long mid = lo + (hi - lo) / 2;
        if (s[mid].to < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && s[lo].from <= x;
}

int fasc_eval_rest_figures(const fasc_event_table *truth, const fasc_event_row *true_fp,
                           size_t n_true, const long *match, const fasc_event_row *found_fp,
                           size_t n_found, fasc_eval_rest *rest)
{
    span *excluded = NULL, *voluntary = NULL;
    const long ne = spans_of(truth, FASC_CLASS_VOLUNTARY, FASC_CLASS_MOVEMENT, &excluded);
    const long nv = ne < 0 ? -1 : spans_of(truth, FASC_CLASS_VOLUNTARY, FASC_CLASS_VOLUNTARY,
                                           &voluntary);
    if (ne < 0 || nv < 0) {
        free(excluded);
        free(voluntary);
        return FASC_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < n_true; i++)
        if (!inside(excluded, ne, true_fp[i].peak_s)) {
            rest->truth++;
            rest->matched += match[i] >= 0;
        }
    for (size_t j = 0; j < n_found; j++)
        rest->in_voluntary += inside(voluntary, nv, found_fp[j].peak_s);
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
