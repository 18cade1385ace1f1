/* Throughput of each stage and of the composed detector at 1, 8, 64 and
 * 256 channels, 2048 Hz, with the stages configured as the composed object
 * configures them; the filter bank and the detector beside their scalar
 * reference (the filter bank's plain C kernels, FB_ISA_SCALAR; the
 * detector's portable kernels, the ones its tests compare the AVX2 ones
 * with), the state bytes per channel, and the allocations counted while
 * processing. */
#include <stdio.h>
#include <stdlib.h>

#include "report.h"

#include "../../lib/detector/det_internal.h"
#include "../../lib/filterbank/fb_internal.h"
#include "fasc/fasc.h"

typedef struct stage_run {
    int channels, stage; /* stage: 1 filter bank, 2 detector, 4 classifier, 8 composed */
    const float **in;   /* channel pointers into the repeating input */
    float **out;        /* the filter bank's output, one block */
    const float *data;
    fasc_filterbank *fb;
    fasc_detector *det;
    fasc_classifier *cls;
    fasc *f;
} stage_run;

/* `samples` of the repeating input through the stage, in blocks, every
 * event read. The classifier alone gets no candidates: its per-sample
 * work (segmentation, heartbeats), the band and the raw input the same. */
static void run(void *ctx, size_t samples)
{
    stage_run *s = ctx;
    size_t produced;
    fasc_detection det_ev;
    fasc_classified cls_ev;
    fasc_event ev;
    for (size_t done = 0; done < samples; done += REPORT_BLOCK) {
        const size_t at = done % REPORT_PERIOD;
        for (int c = 0; c < s->channels; c++)
            s->in[c] = s->data + (size_t)c * REPORT_PERIOD + at;
        switch (s->stage) {
        case 1:
            fasc_filterbank_process(s->fb, s->in, REPORT_BLOCK, s->out, REPORT_BLOCK, &produced);
            break;
        case 2:
            fasc_detector_process(s->det, s->in, REPORT_BLOCK);
            while (fasc_detector_next(s->det, &det_ev, NULL, 0) == 1)
                ;
            break;
        case 4:
            fasc_classifier_process(s->cls, s->in, s->in, REPORT_BLOCK);
            while (fasc_classifier_next(s->cls, &cls_ev, NULL, 0) == 1)
                ;
            break;
        default:
            fasc_process(s->f, s->in, REPORT_BLOCK);
            while (fasc_next(s->f, &ev, NULL, 0) == 1)
                ;
        }
    }
}

/* One table row; returns the allocations counted while it ran. */
static long row(const char *stage, stage_run *s, stage_run *ref_ctx, size_t bytes,
                const report_options *o, double work_samples)
{
    const size_t samples =
        ((size_t)(work_samples * o->scale / s->channels) / REPORT_BLOCK + 1) * REPORT_BLOCK;
    report_alloc_count(1);
    const double fast = report_rate(run, s, s->channels, samples, o->runs);
    double ref = 0.0;
    if (ref_ctx)
        ref = report_rate(run, ref_ctx, s->channels, samples / 4 + REPORT_BLOCK, o->runs);
    const long allocs = report_alloc_counted();
    report_alloc_count(0);
    char ref_text[32] = "-", ratio_text[32] = "-";
    if (ref_ctx) {
        snprintf(ref_text, sizeof ref_text, "%.1f", ref);
        snprintf(ratio_text, sizeof ratio_text, "%.2f", fast / ref);
    }
    printf("%-12s %8d %10.1f %10s %7s %11.0f %12zu %7ld\n", stage, s->channels, fast, ref_text,
           ratio_text, fast * 1e6 / (REPORT_RATE * (double)s->channels),
           bytes / (size_t)s->channels, allocs);
    return allocs;
}

static int one_count(int channels, const report_options *o, int which)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = channels;
    cfg.sample_rate = REPORT_RATE;
    fasc_filterbank_config fc = cfg.filterbank;
    fc.sample_rate = REPORT_RATE;
    fc.channels = channels;
    fasc_detector_config dc = cfg.detector;
    dc.sample_rate = REPORT_RATE;
    dc.channels = channels;
    dc.common_median = dc.common_median && channels >= 3;
    fasc_classifier_config cc = cfg.classifier;
    cc.sample_rate = REPORT_RATE;
    cc.channels = channels;

    stage_run s = {.channels = channels, .stage = which};
    stage_run ref = {.channels = channels, .stage = which};
    float *data = report_input(channels), *out_data = NULL;
    s.in = malloc(sizeof(*s.in) * (size_t)channels);
    ref.in = malloc(sizeof(*ref.in) * (size_t)channels);
    s.data = ref.data = data;
    int failed = 1, rc = FASC_OK;
    /* only the stage measured, and its scalar twin */
    if (which == 1) {
        rc = fasc_filterbank_create(&fc, &s.fb);
        if (rc == FASC_OK)
            rc = fasc_fb_create_isa(&fc, FB_ISA_SCALAR, &ref.fb);
    } else if (which == 2) {
        rc = fasc_detector_create(&dc, &s.det);
        if (rc == FASC_OK)
            rc = fasc_detector_create(&dc, &ref.det);
        if (rc == FASC_OK) {
            ref.det->rows8 = fasc_det_rows8_generic;
            ref.det->smooth = fasc_det_smooth_generic;
            ref.det->acf_lags = fasc_det_acf_lags_generic;
            ref.det->loo = fasc_det_loo_medians4;
            ref.det->loo_lanes = 4;
        }
    } else if (which == 4) {
        rc = fasc_classifier_create(&cc, &s.cls);
    } else {
        rc = fasc_create(&cfg, &s.f);
    }
    if (rc != FASC_OK) {
        fprintf(stderr, "bench_report: setup failed at %d channels: %s\n", channels,
                fasc_strerror(rc));
        goto done;
    }
    const size_t outs = s.fb ? (size_t)channels * (size_t)fasc_filterbank_streams(s.fb) : 1;
    out_data = malloc(sizeof(float) * REPORT_BLOCK * outs);
    s.out = malloc(sizeof(*s.out) * outs);
    if (!data || !s.in || !ref.in || !out_data || !s.out) {
        fprintf(stderr, "bench_report: out of memory at %d channels\n", channels);
        goto done;
    }
    ref.out = s.out;
    for (size_t i = 0; i < outs; i++)
        s.out[i] = out_data + i * REPORT_BLOCK;
    long allocs = 0;
    if (which == 1)
        allocs = row("filterbank", &s, &ref, fasc_filterbank_memory_size(&fc), o, 4.0e7);
    else if (which == 2)
        allocs = row("detector", &s, &ref, fasc_detector_memory_size(&dc), o, 1.6e7);
    else if (which == 4)
        allocs = row("classifier", &s, NULL, fasc_classifier_memory_size(&cc), o, 4.0e7);
    else
        allocs = row("composed", &s, NULL, fasc_memory_size(&cfg), o, 1.6e7);
    failed = allocs != 0;
done:
    fasc_filterbank_destroy(&s.fb);
    fasc_filterbank_destroy(&ref.fb);
    fasc_detector_destroy(&s.det);
    fasc_detector_destroy(&ref.det);
    fasc_classifier_destroy(&s.cls);
    fasc_destroy(&s.f);
    report_input_free(data);
    free(s.in);
    free(ref.in);
    free(s.out);
    free(out_data);
    return failed;
}

int report_stages(const report_options *o)
{
    static const int counts[] = {1, 8, 64, 256};
    printf("\n[throughput] per stage at 2048 Hz, block %d; scalar: the stage on its plain C "
           "kernels; x_realtime: fast / (2048 x channels); state_B/ch: the object's bytes per "
           "channel; allocs: allocations while processing (must be 0)\n",
           REPORT_BLOCK);
    printf("%-12s %8s %10s %10s %7s %11s %12s %7s\n", "stage", "channels", "fast_M/s",
           "scalar_M/s", "ratio", "x_realtime", "state_B/ch", "allocs");
    int failed = 0;
    for (int stage = 1; stage <= 8; stage *= 2)
        for (size_t i = 0; (o->stages & (unsigned)stage) && i < sizeof counts / sizeof counts[0]; i++) {
            const int channels = o->only_channels ? o->only_channels : counts[i];
            failed += one_count(channels, o, stage);
            if (o->only_channels)
                break;
        }
    return failed;
}
