/* One call for a whole in-memory recording (allocates its results). */
#include <stdlib.h>
#include <string.h>

#include "det_internal.h"

typedef struct det_results {
    fasc_detection *events;
    float *snippets;
    size_t count, capacity, used, snip_capacity;
} det_results;

static int grow(det_results *r, size_t need_snippets, bool want_snippets)
{
    if (r->count == r->capacity) {
        size_t cap = r->capacity ? 2 * r->capacity : 64;
        fasc_detection *e = realloc(r->events, sizeof *e * cap);
        if (!e)
            return FASC_ERR_NO_MEMORY;
        r->events = e;
        r->capacity = cap;
    }
    if (want_snippets && r->used + need_snippets > r->snip_capacity) {
        size_t cap = r->snip_capacity ? 2 * r->snip_capacity : 4096;
        while (cap < r->used + need_snippets)
            cap *= 2;
        float *s = realloc(r->snippets, sizeof *s * cap);
        if (!s)
            return FASC_ERR_NO_MEMORY;
        r->snippets = s;
        r->snip_capacity = cap;
    }
    return FASC_OK;
}

static int drain(fasc_detector *det, det_results *r, bool want_snippets)
{
    const size_t most = fasc_detector_snippet_capacity(det);
    for (;;) {
        int status = grow(r, most, want_snippets);
        if (status != FASC_OK)
            return status;
        fasc_detection *ev = &r->events[r->count];
        float *dst = want_snippets ? r->snippets + r->used : NULL;
        status = fasc_detector_next(det, ev, dst, want_snippets ? most : 0);
        if (status <= 0)
            return status;
        ev->snippet_offset = want_snippets ? r->used : 0;
        if (want_snippets)
            r->used += (size_t)fasc_detection_rows(ev) * ev->snippet_length;
        r->count++;
    }
}

int fasc_detector_detect_buffer(const fasc_detector_config *cfg,
                                const float *const *x, size_t n,
                                fasc_detection **events, size_t *count,
                                float **snippets)
{
    enum { BLOCK = 4096 };
    if (!events || !count || (n > 0 && !x))
        return FASC_ERR_INVALID_ARGUMENT;
    *events = NULL;
    *count = 0;
    if (snippets)
        *snippets = NULL;
    fasc_detector *det = NULL;
    int status = fasc_detector_create(cfg, &det);
    if (status != FASC_OK)
        return status;
    const int channels = fasc_detector_channels(det);
    const float *block[FASC_MAX_CHANNELS];
    det_results r = {0};
    for (size_t pos = 0; status == FASC_OK && pos < n; pos += BLOCK) {
        size_t len = n - pos < BLOCK ? n - pos : BLOCK;
        for (int c = 0; c < channels; c++)
            block[c] = x[c] ? x[c] + pos : NULL;
        status = fasc_detector_process(det, block, len);
        if (status == FASC_OK)
            status = drain(det, &r, snippets != NULL);
    }
    if (status == FASC_OK)
        status = fasc_detector_flush(det);
    if (status == FASC_OK)
        status = drain(det, &r, snippets != NULL);
    fasc_detector_destroy(&det);
    if (status != FASC_OK) {
        fasc_detector_free_results(r.events, r.snippets);
        return status;
    }
    if (r.count == 0) {
        fasc_detector_free_results(r.events, r.snippets);
        return FASC_OK;
    }
    *events = r.events;
    *count = r.count;
    if (snippets)
        *snippets = r.snippets;
    else
        free(r.snippets);
    return FASC_OK;
}

void fasc_detector_free_results(fasc_detection *events, float *snippets)
{
    free(events);
    free(snippets);
}
