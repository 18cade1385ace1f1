/* One-to-one matching of detected events to true ones, per class and
 * overall, with a confusion matrix. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"

void fasc_eval_config_default(fasc_eval_config *cfg)
{
    if (!cfg)
        return;
    cfg->tolerance_s = 0.010;
    cfg->neighbour_distance = 1;
    cfg->grid_cols = 0;
    /* the truth's shortest epochs (a movement swing, a pop) last 0.1 s and
     * more, a single discharge at most max_event_s (0.06 s by default) */
    cfg->epoch_min_s = 0.1;
}

/* Splits "ch12" into prefix length 2 and number 12; -1 without a number. */
static long label_number(const char *s, size_t *prefix_len)
{
    const size_t n = strlen(s);
    size_t i = n;
    while (i > 0 && isdigit((unsigned char)s[i - 1]))
        i--;
    *prefix_len = i;
    if (i == n || n - i > 9)
        return -1;
    return strtol(s + i, NULL, 10);
}

static int channels_compatible(const char *a, const char *b, const fasc_eval_config *cfg)
{
    if (!a || !b)
        return 1; /* n/a matches any channel */
    if (strcmp(a, b) == 0)
        return 1;
    size_t pa, pb;
    const long na = label_number(a, &pa), nb = label_number(b, &pb);
    if (na < 1 || nb < 1 || pa != pb || strncmp(a, b, pa) != 0)
        return 0;
    long dx, dy = 0;
    if (cfg->grid_cols > 0) {
        dx = (na - 1) % cfg->grid_cols - (nb - 1) % cfg->grid_cols;
        dy = (na - 1) / cfg->grid_cols - (nb - 1) / cfg->grid_cols;
    } else {
        dx = na - nb;
    }
    return labs(dx) <= cfg->neighbour_distance && labs(dy) <= cfg->neighbour_distance;
}

typedef struct pair {
    double distance;
    size_t truth, detected;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->distance != y->distance)
        return x->distance < y->distance ? -1 : 1;
    if (x->truth != y->truth)
        return x->truth < y->truth ? -1 : 1;
    return (x->detected > y->detected) - (x->detected < y->detected);
}

/* Distance of two rows if they can match, else -1. */
static double row_distance(const fasc_event_row *t, const fasc_event_row *d, const fasc_eval_config *cfg)
{
    if (!channels_compatible(t->channel, d->channel, cfg))
        return -1.0;
    if (t->duration_s >= cfg->epoch_min_s || d->duration_s >= cfg->epoch_min_s) {
        const int overlap = t->onset_s < d->onset_s + d->duration_s &&
                            d->onset_s < t->onset_s + t->duration_s;
        return overlap ? fabs((t->onset_s + 0.5 * t->duration_s) - (d->onset_s + 0.5 * d->duration_s)) : -1.0;
    }
    const double dt = fabs(t->peak_s - d->peak_s);
    return dt <= cfg->tolerance_s ? dt : -1.0;
}

typedef struct pair_list {
    pair *items;
    size_t count, cap;
} pair_list;

static int push_pair(pair_list *l, double distance, size_t truth, size_t detected)
{
    if (l->count == l->cap) {
        const size_t cap = l->cap ? 2 * l->cap : 1024;
        pair *p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return FASC_ERR_NO_MEMORY;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->count++] = (pair){distance, truth, detected};
    return FASC_OK;
}

typedef struct keyed {
    double peak;
    size_t index;
} keyed;

static int cmp_by_peak(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->peak != y->peak)
        return x->peak < y->peak ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Candidate pairs: short events by a binary search on sorted peaks, epochs
 * (rare) against everything. O((n + m) log m + pairs). */
static int collect_pairs(const fasc_event_row *truth, size_t n_truth, const fasc_event_row *det,
                         size_t n_det, const fasc_eval_config *cfg, pair_list *out)
{
    keyed *order = malloc((n_det ? n_det : 1) * sizeof *order);
    size_t *epochs = malloc((n_det ? n_det : 1) * sizeof *epochs);
    size_t n_short = 0, n_epochs = 0;
    int rc = order && epochs ? FASC_OK : FASC_ERR_NO_MEMORY;
    for (size_t j = 0; rc == FASC_OK && j < n_det; j++) {
        if (det[j].duration_s >= cfg->epoch_min_s)
            epochs[n_epochs++] = j;
        else
            order[n_short++] = (keyed){det[j].peak_s, j};
    }
    if (rc == FASC_OK)
        qsort(order, n_short, sizeof *order, cmp_by_peak);
    for (size_t i = 0; rc == FASC_OK && i < n_truth; i++) {
        const fasc_event_row *t = &truth[i];
        for (size_t k = 0; rc == FASC_OK && k < n_epochs; k++) {
            const double dist = row_distance(t, &det[epochs[k]], cfg);
            if (dist >= 0.0)
                rc = push_pair(out, dist, i, epochs[k]);
        }
        if (t->duration_s >= cfg->epoch_min_s) {
            for (size_t k = 0; rc == FASC_OK && k < n_short; k++) {
                const double dist = row_distance(t, &det[order[k].index], cfg);
                if (dist >= 0.0)
                    rc = push_pair(out, dist, i, order[k].index);
            }
            continue;
        }
        size_t lo = 0, hi = n_short;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (order[mid].peak < t->peak_s - cfg->tolerance_s)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; rc == FASC_OK && k < n_short &&
                            order[k].peak <= t->peak_s + cfg->tolerance_s; k++) {
            const double dist = row_distance(t, &det[order[k].index], cfg);
            if (dist >= 0.0)
                rc = push_pair(out, dist, i, order[k].index);
        }
    }
    free(order);
    free(epochs);
    return rc;
}

long fasc_eval_match(const fasc_event_row *truth, size_t n_truth, const fasc_event_row *detected,
                     size_t n_detected, const fasc_eval_config *cfg, long *match_of_truth)
{
    if ((n_truth && (!truth || !match_of_truth)) || (n_detected && !detected) || !cfg ||
        !(cfg->tolerance_s >= 0.0) || !(cfg->epoch_min_s > 0.0) || cfg->neighbour_distance < 0 ||
        cfg->grid_cols < 0)
        return FASC_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i < n_truth; i++)
        match_of_truth[i] = -1;
    pair_list pairs = {NULL, 0, 0};
    int rc = collect_pairs(truth, n_truth, detected, n_detected, cfg, &pairs);
    unsigned char *used = calloc(n_detected ? n_detected : 1, 1);
    if (rc != FASC_OK || !used) {
        free(pairs.items);
        free(used);
        return FASC_ERR_NO_MEMORY;
    }
    if (pairs.count > 1)
        qsort(pairs.items, pairs.count, sizeof *pairs.items, cmp_pair);
    long matched = 0;
    for (size_t k = 0; k < pairs.count; k++) {
        const pair *p = &pairs.items[k];
        if (match_of_truth[p->truth] >= 0 || used[p->detected])
            continue;
        match_of_truth[p->truth] = (long)p->detected;
        used[p->detected] = 1;
        matched++;
    }
    free(used);
    free(pairs.items);
    return matched;
}

static void finish_score(fasc_eval_score *s)
{
    s->sensitivity = s->truth ? (double)s->matched / s->truth : 0.0;
    s->precision = s->detected ? (double)(s->matched + s->covered) / s->detected : 0.0;
    const double sum = s->sensitivity + s->precision;
    s->f1 = sum > 0.0 ? 2.0 * s->sensitivity * s->precision / sum : 0.0;
}

/* Rows of one class, copied (labels are shared, not copied). */
static size_t select_class(const fasc_event_table *t, fasc_class cls, fasc_event_row *out)
{
    size_t n = 0;
    for (size_t i = 0; i < t->count; i++)
        if (t->rows[i].cls == cls)
            out[n++] = t->rows[i];
    return n;
}

/* Marks (used[j] = 2) the unmatched detections of class k (used[j] == 0)
 * that overlap a true epoch of class k: a contraction's discharges, a
 * beat's candidates, a second epoch row over one true epoch. Epochs cover
 * every channel: a contraction, a movement or a heartbeat reaches many
 * leads while the truth names one. Returns how many, or -1 without memory. */
static long mark_inside_epochs(const fasc_event_table *truth, const fasc_eval_config *cfg, int k,
                               const fasc_event_row *det, size_t n_det, unsigned char *used)
{
    eval_span *spans = NULL;
    const long ns = fasc_eval_spans(truth, (fasc_class)k, (fasc_class)k, cfg->epoch_min_s, &spans);
    if (ns < 0)
        return -1;
    long count = 0;
    for (size_t j = 0; ns > 0 && j < n_det; j++)
        if (!used[j] && (int)det[j].cls == k &&
            fasc_eval_overlaps(spans, ns, det[j].onset_s, det[j].onset_s + det[j].duration_s)) {
            used[j] = 2;
            count++;
        }
    free(spans);
    return count;
}

int fasc_eval_compare(const fasc_event_table *truth, const fasc_event_table *detected,
                      const fasc_eval_config *cfg, fasc_eval_result *result)
{
    if (!truth || !detected || !cfg || !result)
        return FASC_ERR_INVALID_ARGUMENT;
    memset(result, 0, sizeof *result);
    const size_t nt = truth->count, nd = detected->count;
    fasc_event_row *tsel = malloc((nt ? nt : 1) * sizeof *tsel);
    fasc_event_row *dsel = malloc((nd ? nd : 1) * sizeof *dsel);
    long *match = malloc((nt ? nt : 1) * sizeof *match);
    unsigned char *det_used = calloc(nd ? nd : 1, 1);
    int rc = (tsel && dsel && match && det_used) ? FASC_OK : FASC_ERR_NO_MEMORY;
    for (int k = 0; rc == FASC_OK && k < FASC_CLASS_COUNT; k++) {
        const size_t a = select_class(truth, (fasc_class)k, tsel);
        const size_t b = select_class(detected, (fasc_class)k, dsel);
        const long m = fasc_eval_match(tsel, a, dsel, b, cfg, match);
        if (m < 0) {
            rc = (int)m;
            break;
        }
        fasc_eval_score *s = &result->by_class[k];
        s->truth = a;
        s->detected = b;
        s->matched = (size_t)m;
        memset(det_used, 0, b ? b : 1);
        for (size_t i = 0; i < a; i++)
            if (match[i] >= 0)
                det_used[match[i]] = 1;
        const long in = mark_inside_epochs(truth, cfg, k, dsel, b, det_used);
        if (in < 0) {
            rc = FASC_ERR_NO_MEMORY;
            break;
        }
        s->covered = (size_t)in;
        finish_score(s);
        if (k == FASC_CLASS_FASCICULATION)
            rc = fasc_eval_rest_figures(truth, tsel, a, match, dsel, b, &result->rest);
    }
    if (rc == FASC_OK) {
        const long m = fasc_eval_match(truth->rows, nt, detected->rows, nd, cfg, match);
        if (m < 0) {
            rc = (int)m;
        } else {
            result->overall = (fasc_eval_score){.truth = nt, .detected = nd, .matched = (size_t)m};
            memset(det_used, 0, nd ? nd : 1);
            for (size_t i = 0; i < nt; i++) {
                const int tc = truth->rows[i].cls;
                if (match[i] < 0) {
                    result->confusion[tc][FASC_CLASS_COUNT]++;
                } else {
                    det_used[match[i]] = 1;
                    result->confusion[tc][detected->rows[match[i]].cls]++;
                }
            }
            for (int k = 0; rc == FASC_OK && k < FASC_CLASS_COUNT; k++) {
                const long in = mark_inside_epochs(truth, cfg, k, detected->rows, nd, det_used);
                if (in < 0)
                    rc = FASC_ERR_NO_MEMORY;
                else
                    result->inside_epoch[k] = (size_t)in;
                result->overall.covered += result->inside_epoch[k];
            }
            for (size_t j = 0; j < nd; j++)
                if (!det_used[j])
                    result->confusion[FASC_CLASS_COUNT][detected->rows[j].cls]++;
            finish_score(&result->overall);
        }
    }
    free(tsel);
    free(dsel);
    free(match);
    free(det_used);
    return rc;
}
