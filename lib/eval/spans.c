/* Time spans of a table's rows of given classes, sorted and merged, and
 * the test of a time against them. */
#include <stdlib.h>

#include "eval_internal.h"

static int by_start(const void *a, const void *b)
{
    const double x = ((const eval_span *)a)->from, y = ((const eval_span *)b)->from;
    return x < y ? -1 : x > y;
}

long fasc_eval_spans(const fasc_event_table *t, fasc_class a, fasc_class b, double min_duration_s,
                     eval_span **out)
{
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        n += (t->rows[i].cls == a || t->rows[i].cls == b) && t->rows[i].duration_s >= min_duration_s;
    eval_span *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return -1;
    n = 0;
    for (size_t i = 0; i < t->count; i++)
        if ((t->rows[i].cls == a || t->rows[i].cls == b) && t->rows[i].duration_s >= min_duration_s)
            s[n++] = (eval_span){t->rows[i].onset_s, t->rows[i].onset_s + t->rows[i].duration_s};
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

bool fasc_eval_overlaps(const eval_span *s, long n, double from, double to)
{
    long lo = 0, hi = n;
    while (lo < hi) { /* first span ending at or after from */
        const long mid = lo + (hi - lo) / 2;
        if (s[mid].to < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && s[lo].from <= to;
}

bool fasc_eval_inside(const eval_span *s, long n, double x)
{
    return fasc_eval_overlaps(s, n, x, x);
}
