/* The end-to-end real-time factor: an hour (--hours) of 64-channel 2048 Hz
 * input streamed through the composed detector in blocks of 256 samples,
 * every event read, then flushed; seconds of input per second of thread
 * CPU time, and of wall time, with the allocations counted meanwhile. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../bench_clock.h"
#include "report.h"

#include "fasc/fasc.h"

enum { RT_CHANNELS = 64 };

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int report_realtime(const report_options *o)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = RT_CHANNELS;
    cfg.sample_rate = REPORT_RATE;
    fasc *f = NULL;
    float *data = report_input(RT_CHANNELS);
    const float *in[RT_CHANNELS];
    if (!data || fasc_create(&cfg, &f) != FASC_OK) {
        fprintf(stderr, "bench_report: real-time run: setup failed\n");
        report_input_free(data);
        return 1;
    }
    const size_t total = (size_t)(o->rt_hours * 3600.0 * REPORT_RATE) / REPORT_BLOCK * REPORT_BLOCK;
    long events = 0;
    fasc_event ev;
    report_alloc_count(1);
    const double cpu0 = bench_now(), wall0 = wall_now();
    for (size_t done = 0; done < total; done += REPORT_BLOCK) {
        for (int c = 0; c < RT_CHANNELS; c++)
            in[c] = data + (size_t)c * REPORT_PERIOD + done % REPORT_PERIOD;
        fasc_process(f, in, REPORT_BLOCK);
        while (fasc_next(f, &ev, NULL, 0) == 1)
            events++;
    }
    fasc_flush(f);
    while (fasc_next(f, &ev, NULL, 0) == 1)
        events++;
    const double cpu = bench_now() - cpu0, wall = wall_now() - wall0;
    const long allocs = report_alloc_counted();
    report_alloc_count(0);
    const double seconds = (double)total / REPORT_RATE;
    printf("\n[realtime] composed detector, %d channels at 2048 Hz, %.2f h of input (the "
           "throughput input repeated), blocks of %d, all events read\n",
           RT_CHANNELS, seconds / 3600.0, REPORT_BLOCK);
    printf("%-10s %10s %10s %14s %14s %10s %7s\n", "input_s", "cpu_s", "wall_s", "x_realtime_cpu",
           "x_realtime_wall", "events", "allocs");
    printf("%-10.0f %10.2f %10.2f %14.0f %14.0f %10ld %7ld\n", seconds, cpu, wall, seconds / cpu,
           seconds / wall, events, allocs);
    fasc_destroy(&f);
    report_input_free(data);
    return allocs != 0;
}
