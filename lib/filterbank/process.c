/* The streaming loop: input is cut into chunks that end where the working
 * sample index reaches a multiple of FB_CHUNK, so every per-chunk action
 * (state flush, overflow check, mains decision) happens at the same
 * absolute sample whatever the caller's block sizes. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "fb_internal.h"
#include "fb_sanitize.h"

/* Where input samples come from: planar (stride 1 per channel) or
 * interleaved (stride = channels). */
typedef struct fb_source {
    const float *const *planar;
    const float *interleaved;
} fb_source;

static void gather(fasc_filterbank *fb, const fb_source *src, int group,
                   size_t offset, size_t n)
{
    const int lanes = fb->lanes, channels = fb->d.channels;
    const int first = group * lanes;
    if (fb->k.gather && src->planar && first + lanes <= channels) {
        const float *rows[FB_MAX_LANES];
        uint64_t *counts[FB_MAX_LANES];
        for (int l = 0; l < lanes; l++) {
            rows[l] = src->planar[first + l] + offset;
            counts[l] = &fb->nonfinite[first + l];
        }
        fb->k.gather(rows, n, fb->xin, counts);
        return;
    }
    for (int l = 0; l < lanes; l++) {
        int c = first + l;
        float *dst = fb->xin + l;
        if (c >= channels) {
            for (size_t t = 0; t < n; t++)
                dst[t * (size_t)lanes] = 0.0f;
            continue;
        }
        const float *p;
        size_t stride;
        if (src->planar) {
            p = src->planar[c] + offset;
            stride = 1;
        } else {
            p = src->interleaved + offset * (size_t)channels + (size_t)c;
            stride = (size_t)channels;
        }
        uint64_t *count = &fb->nonfinite[c];
        for (size_t t = 0; t < n; t++)
            dst[t * (size_t)lanes] = fb_sanitize(p[t * stride], count);
    }
}

static void scatter(const fasc_filterbank *fb, int group, float *const *out,
                    size_t offset, size_t m)
{
    const int lanes = fb->lanes, channels = fb->d.channels;
    const int first = group * lanes;
    const int full = fb->k.scatter && first + lanes <= channels;
    for (int s = 0; s < fb->d.streams; s++) {
        const float *y = fb->ys + (size_t)s * FB_CHUNK * (size_t)lanes;
        float *const *dst = out + s * channels + first;
        if (full) {
            float *rows[FB_MAX_LANES];
            for (int l = 0; l < lanes; l++)
                rows[l] = dst[l] + offset;
            fb->k.scatter(y, m, rows);
            continue;
        }
        for (int l = 0; l < lanes && first + l < channels; l++)
            for (size_t t = 0; t < m; t++)
                dst[l][offset + t] = y[t * (size_t)lanes + (size_t)l];
    }
}

/* Zeroes states too small to matter, so that silence never computes on
 * subnormals; resets a channel whose state is no longer finite. */
static void flush_states(fasc_filterbank *fb)
{
    const size_t lanes = (size_t)fb->lanes, per_group = 2 * (size_t)fb->d.sections;
    for (int g = 0; g < fb->groups; g++) {
        float *s = fb->state + (size_t)g * per_group * lanes;
        if (!fasc_fb_flush_tiny(s, per_group * lanes))
            continue;
        for (size_t l = 0; l < lanes; l++) {
            int c = g * fb->lanes + (int)l, broken = 0;
            for (size_t i = 0; i < per_group; i++)
                broken |= !(fabsf(s[i * lanes + l]) <= FLT_MAX);
            if (!broken || c >= fb->d.channels)
                continue;
            for (size_t i = 0; i < per_group; i++)
                s[i * lanes + l] = 0.0f;
            fb->nonfinite[c]++;
        }
    }
}

static size_t outputs_for(fasc_index start, size_t n, int decimation)
{
    fasc_index d = decimation, end = start + (fasc_index)n;
    return (size_t)((end + d - 1) / d - (start + d - 1) / d);
}

static void run_chunk(fasc_filterbank *fb, const fb_source *src, size_t offset,
                      size_t n, float *const *out, size_t out_offset, size_t m)
{
    const size_t lanes = (size_t)fb->lanes;
    const size_t per_group = 2 * (size_t)fb->d.sections * lanes;
    const size_t history = 2 * (size_t)fb->d.fir_taps * lanes;
    const int phase = (int)(fb->in_index % fb->d.decimation);
    size_t pos = fb->fir_pos;
    int pending = fb->mains_active == FASC_MAINS_AUTO;
    for (int g = 0; g < fb->groups; g++) {
        /* the next group's inputs are on their way while this one is
         * filtered (dozens of short channel streams are more than the
         * hardware prefetchers follow) */
        for (int c = (g + 1) * fb->lanes; src->planar && c < (g + 2) * fb->lanes &&
                                          c < fb->d.channels; c++)
            for (size_t t = 0; t < n; t += 16)
                __builtin_prefetch(src->planar[c] + offset + t);
        gather(fb, src, g, offset, n);
        fasc_fb_bridge(fb, g, n);
        if (fb->d.decimation > 1) {
            pos = fb->fir_pos;
            fb->k.decimate(&fb->plan, fb->history + (size_t)g * history, &pos,
                           phase, fb->xin, n, fb->xw);
        }
        fb->k.cascade(&fb->plan, fb->state + (size_t)g * per_group, fb->xw,
                      fb->ys, FB_CHUNK * lanes, m);
        if (pending)
            fasc_fb_mains_accumulate(fb, g, fb->ys, fb->out_index, m);
        scatter(fb, g, out, out_offset, m);
    }
    fb->fir_pos = pos;
}

static int run(fasc_filterbank *fb, const fb_source *src, size_t n,
               float *const *out, size_t capacity, size_t *n_out)
{
    const int dec = fb->d.decimation;
    size_t needed = outputs_for(fb->in_index, n, dec);
    if (needed > capacity)
        return FASC_ERR_BUFFER_TOO_SMALL;
    size_t done = 0, written = 0;
    while (done < n) {
        fasc_index boundary = (fb->out_index / FB_CHUNK + 1) * FB_CHUNK;
        fasc_index last_input = (boundary - 1) * dec;
        size_t len = n - done;
        if ((fasc_index)len > last_input - fb->in_index + 1)
            len = (size_t)(last_input - fb->in_index + 1);
        size_t m = outputs_for(fb->in_index, len, dec);
        run_chunk(fb, src, done, len, out, written, m);
        fb->join_pending = 0;
        fb->in_index += (fasc_index)len;
        fb->out_index += (fasc_index)m;
        done += len;
        written += m;
        if (m > 0 && fb->out_index % FB_CHUNK == 0) {
            flush_states(fb);
            if (fb->mains_active == FASC_MAINS_AUTO &&
                fb->out_index == fb->d.decision_index)
                fasc_fb_mains_decide(fb);
        }
    }
    if (n_out)
        *n_out = written;
    return FASC_OK;
}

static int check_output(const fasc_filterbank *fb, float *const *output)
{
    if (!output)
        return 0;
    for (int i = 0; i < fb->d.streams * fb->d.channels; i++)
        if (!output[i])
            return 0;
    return 1;
}

int fasc_filterbank_process(fasc_filterbank *fb, const float *const *input,
                            size_t n, float *const *output, size_t capacity,
                            size_t *n_out)
{
    if (!fb || (n > 0 && !input) || !check_output(fb, output))
        return FASC_ERR_INVALID_ARGUMENT;
    for (int c = 0; n > 0 && c < fb->d.channels; c++)
        if (!input[c])
            return FASC_ERR_INVALID_ARGUMENT;
    fb_source src = {input, NULL};
    return run(fb, &src, n, output, capacity, n_out);
}

int fasc_filterbank_process_interleaved(fasc_filterbank *fb, const float *input,
                                        size_t n, float *const *output,
                                        size_t capacity, size_t *n_out)
{
    if (!fb || (n > 0 && !input) || !check_output(fb, output))
        return FASC_ERR_INVALID_ARGUMENT;
    fb_source src = {NULL, input};
    return run(fb, &src, n, output, capacity, n_out);
}
