/* The performance report (bench_report): shared pieces of its sections. */
#ifndef FASC_REPORT_H
#define FASC_REPORT_H

#include <stddef.h>
#include <stdint.h>

enum { REPORT_RATE = 2048, REPORT_BLOCK = 256, REPORT_PERIOD = 64 * REPORT_BLOCK };

typedef struct report_options {
    double scale;     /* work per measurement, 1 = full (--quick: 0.02) */
    int runs;         /* timed runs per figure; the median is printed */
    double rt_hours;  /* length of the real-time run */
    int only_channels; /* 0: 1, 8, 64, 256 */
    unsigned stages;   /* bits: 1 filter bank, 2 detector, 4 classifier, 8 composed */
} report_options;

/* Planar input of `channels` x REPORT_PERIOD samples that repeats: uniform
 * noise of 60 µV peak to peak and a 6 ms, 200 µV biphasic spike every 50
 * ms on channel k mod channels (every stage does its per-event work).
 * NULL when out of memory; free with report_input_free. */
float *report_input(int channels);
void report_input_free(float *x);

/* Median of `runs` rates (M channel-samples/s of thread CPU time) of
 * `work` over `samples` samples of `channels` channels. */
typedef void (*report_work)(void *ctx, size_t samples);
double report_rate(report_work work, void *ctx, int channels, size_t samples, int runs);

/* Allocations counted by the link-time wrap of malloc, calloc, realloc
 * (report_alloc.c). */
void report_alloc_count(int on);
long report_alloc_counted(void);

/* The sections; each prints its table and returns the number of failed
 * checks (allocations inside process, optimised output != reference). */
int report_stages(const report_options *o);
int report_realtime(const report_options *o);
int report_kernels(const report_options *o);

#endif
