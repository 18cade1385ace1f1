/* Motor units and one-minute epochs of a finished summary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "summary_internal.h"

double fasc_summary_quantile(const float *v, size_t n, double q)
{
    if (n == 0)
        return 0.0;
    const double pos = q * (double)(n - 1);
    const size_t i = (size_t)floor(pos);
    const double frac = pos - (double)i;
    return i + 1 < n ? v[i] + frac * (v[i + 1] - v[i]) : v[n - 1];
}

static int by_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

typedef struct unit_key {
    int unit, channel;
    float p2p;
    bool doublet;
} unit_key;

static int by_unit(const void *a, const void *b)
{
    const unit_key *x = a, *y = b;
    if (x->unit != y->unit)
        return (x->unit > y->unit) - (x->unit < y->unit);
    return (x->p2p > y->p2p) - (x->p2p < y->p2p);
}

/* Fills s->units from the discharges keys[0..n) of one unit. */
static void describe_unit(fasc_summary *s, const unit_key *k, size_t n, int *votes,
                          float *p2p, double scorable_min)
{
    memset(votes, 0, (size_t)s->cfg.channels * sizeof *votes);
    fasc_summary_unit *u = &s->units[s->unit_n++];
    memset(u, 0, sizeof *u);
    u->id = k[0].unit;
    for (size_t i = 0; i < n; i++) {
        votes[k[i].channel]++;
        u->doublets += k[i].doublet;
        p2p[i] = k[i].p2p;
    }
    for (int c = 1; c < s->cfg.channels; c++)
        if (votes[c] > votes[u->main_channel])
            u->main_channel = c;
    u->discharges = n;
    u->rate_per_min = scorable_min > 0.0 ? (double)n / scorable_min : 0.0;
    u->median_peak_to_peak_uv = fasc_summary_quantile(p2p, n, 0.5);
    s->figures[u->main_channel].units++;
    s->figures[s->cfg.channels].units++;
}

int fasc_summary_compute_units(fasc_summary *s, double scorable_min)
{
    unit_key *keys = malloc((s->fp_n + 1) * sizeof *keys);
    float *p2p = malloc((s->fp_n + 1) * sizeof *p2p);
    int *votes = malloc((size_t)s->cfg.channels * sizeof *votes);
    s->units = malloc((s->fp_n + 1) * sizeof *s->units);
    int rc = keys && p2p && votes && s->units ? FASC_OK : FASC_ERR_NO_MEMORY;
    size_t n = 0;
    for (size_t i = 0; rc == FASC_OK && i < s->fp_n; i++)
        if (s->fp[i].unit > 0)
            keys[n++] = (unit_key){s->fp[i].unit, s->fp[i].channel, s->fp[i].peak_to_peak_uv,
                                   s->fp[i].doublet};
    if (rc == FASC_OK)
        qsort(keys, n, sizeof *keys, by_unit);
    for (size_t i = 0; rc == FASC_OK && i < n;) {
        size_t j = i;
        while (j < n && keys[j].unit == keys[i].unit)
            j++;
        if (j - i >= (size_t)s->cfg.unit_min_discharges)
            describe_unit(s, keys + i, j - i, votes, p2p, scorable_min);
        i = j;
    }
    free(keys);
    free(p2p);
    free(votes);
    return rc;
}

int fasc_summary_compute_epochs(fasc_summary *s)
{
    const double len = s->cfg.epoch_s;
    s->epoch_n = s->duration_s > 0.0 ? (size_t)ceil(s->duration_s / len - 1e-9) : 0;
    s->epochs = calloc(s->epoch_n + 1, sizeof *s->epochs);
    float *p2p = malloc((s->fp_n + 1) * sizeof *p2p);
    if (!s->epochs || !p2p) {
        free(p2p);
        return FASC_ERR_NO_MEMORY;
    }
    const fasc_span_list *all = &s->excluded[s->cfg.channels];
    size_t next = 0;
    for (size_t k = 0; k < s->epoch_n; k++) {
        fasc_summary_epoch *e = &s->epochs[k];
        e->start_s = (double)k * len;
        const double end = e->start_s + len < s->duration_s ? e->start_s + len : s->duration_s;
        e->length_s = end - e->start_s;
        e->scorable_min = (e->length_s - fasc_span_list_measure(all, e->start_s, end)) / 60.0;
        size_t n = 0;
        while (next < s->fp_n && (s->fp[next].peak_s < end || k + 1 == s->epoch_n))
            p2p[n++] = s->fp[next++].peak_to_peak_uv;
        qsort(p2p, n, sizeof *p2p, by_float);
        e->fasciculations = n;
        e->rate_per_min = e->scorable_min > 0.0 ? (double)n / e->scorable_min : 0.0;
        e->p2p_q1_uv = fasc_summary_quantile(p2p, n, 0.25);
        e->p2p_q3_uv = fasc_summary_quantile(p2p, n, 0.75);
        e->p2p_iqr_uv = e->p2p_q3_uv - e->p2p_q1_uv;
    }
    free(p2p);
    return FASC_OK;
}
