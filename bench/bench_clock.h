/* Shared by the benchmarks: thread CPU time (other processes on a shared
 * machine do not count), a double comparator for medians, and a fixed-seed
 * uniform noise source. */
#ifndef FASC_BENCH_CLOCK_H
#define FASC_BENCH_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Uniform in [-amplitude / 2, amplitude / 2), linear congruential. */
static inline float bench_noise(uint32_t *state, float amplitude)
{
    *state = *state * 1664525u + 1013904223u;
    return (float)((double)(*state >> 8) / 16777216.0 - 0.5) * amplitude;
}

#endif
