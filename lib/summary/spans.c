/* Sets of time intervals: excluded epochs per channel and overall. */
#include <stdlib.h>

#include "summary_internal.h"

int fasc_span_list_push(fasc_span_list *l, double a, double b)
{
    if (l->n == l->cap) {
        const size_t cap = l->cap ? 2 * l->cap : 16;
        double *na = realloc(l->a, cap * sizeof *na);
        if (!na)
            return -1;
        l->a = na;
        double *nb = realloc(l->b, cap * sizeof *nb);
        if (!nb)
            return -1;
        l->b = nb;
        l->cap = cap;
    }
    l->a[l->n] = a;
    l->b[l->n] = b;
    l->n++;
    return 0;
}

void fasc_span_list_free(fasc_span_list *l)
{
    free(l->a);
    free(l->b);
    l->a = l->b = NULL;
    l->n = l->cap = 0;
}

/* Insertion sort by start: lists are nearly in order already. */
static void sort_by_start(fasc_span_list *l)
{
    for (size_t i = 1; i < l->n; i++) {
        const double a = l->a[i], b = l->b[i];
        size_t j = i;
        for (; j > 0 && l->a[j - 1] > a; j--) {
            l->a[j] = l->a[j - 1];
            l->b[j] = l->b[j - 1];
        }
        l->a[j] = a;
        l->b[j] = b;
    }
}

void fasc_span_list_merge(fasc_span_list *l)
{
    sort_by_start(l);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!(l->b[i] > l->a[i]))
            continue;
        if (k > 0 && l->a[i] <= l->b[k - 1]) {
            if (l->b[i] > l->b[k - 1])
                l->b[k - 1] = l->b[i];
        } else {
            l->a[k] = l->a[i];
            l->b[k] = l->b[i];
            k++;
        }
    }
    l->n = k;
}

double fasc_span_list_measure(const fasc_span_list *l, double lo, double hi)
{
    double total = 0.0;
    for (size_t i = 0; i < l->n && l->a[i] < hi; i++) {
        const double a = l->a[i] > lo ? l->a[i] : lo;
        const double b = l->b[i] < hi ? l->b[i] : hi;
        if (b > a)
            total += b - a;
    }
    return total;
}

int fasc_span_list_intersect(const fasc_span_list *x, const fasc_span_list *y, fasc_span_list *out)
{
    out->n = 0;
    size_t i = 0, j = 0;
    while (i < x->n && j < y->n) {
        const double a = x->a[i] > y->a[j] ? x->a[i] : y->a[j];
        const double b = x->b[i] < y->b[j] ? x->b[i] : y->b[j];
        if (b > a && fasc_span_list_push(out, a, b) != 0)
            return -1;
        if (x->b[i] < y->b[j])
            i++;
        else
            j++;
    }
    return 0;
}
