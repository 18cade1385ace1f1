/* fasc_summary_finish: excluded time, figures per channel and overall. */
#include <stdlib.h>
#include <string.h>

#include "summary_internal.h"

static int by_peak(const void *a, const void *b)
{
    const fasc_summary_fp *x = a, *y = b;
    return (x->peak_s > y->peak_s) - (x->peak_s < y->peak_s);
}

static int by_onset(const void *a, const void *b)
{
    const fasc_summary_span *x = a, *y = b;
    return (x->onset_s > y->onset_s) - (x->onset_s < y->onset_s);
}

/* The unit a merged unit ended up in (a merge chain is followed at most
 * as many steps as there are entries, so a cycle cannot hang it); 0 for a
 * dropped one. */
static int unit_root(const fasc_summary *s, int id)
{
    for (int steps = 0; id > 0 && id < s->merge_cap && s->merged_into[id] > 0 &&
                        steps < s->merge_cap; steps++)
        id = s->merged_into[id];
    return id > 0 && id < s->merge_cap && s->merged_into[id] < 0 ? 0 : id;
}

static int build_excluded(fasc_summary *s)
{
    const int nc = s->cfg.channels;
    for (int c = 0; c < nc; c++) {
        fasc_span_list *l = &s->excluded[c];
        for (size_t i = 0; i < s->span_n; i++) {
            const fasc_summary_span *sp = &s->spans[i];
            if (sp->channel != c && sp->channel != -1)
                continue;
            const double a = sp->onset_s, b = sp->offset_s < s->duration_s ? sp->offset_s
                                                                            : s->duration_s;
            if (b > a && fasc_span_list_push(l, a, b) != 0)
                return FASC_ERR_NO_MEMORY;
        }
        fasc_span_list_merge(l);
    }
    /* Overall: excluded where every channel is. */
    fasc_span_list *all = &s->excluded[nc], tmp = {0};
    for (size_t i = 0; i < s->excluded[0].n; i++)
        if (fasc_span_list_push(all, s->excluded[0].a[i], s->excluded[0].b[i]) != 0)
            return FASC_ERR_NO_MEMORY;
    for (int c = 1; c < nc && all->n > 0; c++) {
        if (fasc_span_list_intersect(all, &s->excluded[c], &tmp) != 0) {
            fasc_span_list_free(&tmp);
            return FASC_ERR_NO_MEMORY;
        }
        fasc_span_list swap = *all;
        *all = tmp;
        tmp = swap;
    }
    fasc_span_list_free(&tmp);
    return FASC_OK;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_noise(const fasc_summary *s)
{
    double *v = malloc((size_t)s->cfg.channels * sizeof *v);
    if (!v)
        return 0.0;
    memcpy(v, s->noise, (size_t)s->cfg.channels * sizeof *v);
    qsort(v, (size_t)s->cfg.channels, sizeof *v, by_value);
    const size_t n = (size_t)s->cfg.channels;
    const double m = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    free(v);
    return m;
}

static void fill_time(fasc_summary_figures *f, const fasc_span_list *excluded, double duration_s)
{
    const double excluded_s = fasc_span_list_measure(excluded, 0.0, duration_s);
    f->excluded_min = excluded_s / 60.0;
    f->scorable_min = (duration_s - excluded_s) / 60.0;
    if (f->scorable_min < 0.0)
        f->scorable_min = 0.0;
    f->rate_per_min = f->scorable_min > 0.0 ? (double)f->fasciculations / f->scorable_min : 0.0;
}

int fasc_summary_finish(fasc_summary *s, fasc_index frames)
{
    if (!s || frames < 0)
        return FASC_ERR_INVALID_ARGUMENT;
    if (s->finished)
        return FASC_ERR_STATE;
    const int nc = s->cfg.channels;
    s->duration_s = (double)frames / s->cfg.sample_rate;
    if (s->fp_n > 0) /* qsort wants a valid pointer even for no items */
        qsort(s->fp, s->fp_n, sizeof *s->fp, by_peak);
    if (s->span_n > 0)
        qsort(s->spans, s->span_n, sizeof *s->spans, by_onset);
    fasc_summary_figures *all = &s->figures[nc];
    for (size_t i = 0; i < s->fp_n; i++) {
        fasc_summary_fp *p = &s->fp[i];
        p->unit = unit_root(s, p->unit);
        s->figures[p->channel].fasciculations++;
        s->figures[p->channel].doublets += p->doublet;
        all->fasciculations++;
        all->doublets += p->doublet;
    }
    int rc = build_excluded(s);
    if (rc != FASC_OK)
        return rc;
    for (int c = 0; c <= nc; c++)
        fill_time(&s->figures[c], &s->excluded[c], s->duration_s);
    for (int c = 0; c < nc; c++)
        s->figures[c].noise_rms_uv = s->noise[c];
    all->noise_rms_uv = median_noise(s);
    rc = fasc_summary_compute_units(s, all->scorable_min);
    if (rc == FASC_OK)
        rc = fasc_summary_compute_epochs(s);
    if (rc != FASC_OK)
        return rc;
    int poor = 0;
    for (int c = 0; c < nc; c++) {
        fasc_summary_grade(s, &s->figures[c], false, 0);
        poor += strcmp(s->figures[c].quality.grade, "poor") == 0;
    }
    fasc_summary_grade(s, all, true, poor);
    s->finished = true;
    return FASC_OK;
}
