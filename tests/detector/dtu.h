/* Helpers shared by the detector's core tests: signals built in the test
 * (correlated Gaussian noise, hand-made triphasic spikes) and a run of the
 * detector over them in blocks. */
#ifndef DTU_H
#define DTU_H

#include <stddef.h>
#include <stdint.h>

#include "fasc/detector.h"

/* Planar [channel * n + t] noise: white Gaussian through a short FIR
 * (correlated like band-limited EMG), standard deviation sd µV. */
float *dtu_noise(int channels, size_t n, uint32_t seed, float sd);

/* Adds a triphasic spike (main phase of sign `polarity`, largest |x|
 * exactly at sample `at`) with peak-to-peak p2p µV to channel c. */
void dtu_spike(float *x, size_t n, int c, size_t at, float p2p, int polarity);

typedef struct dtu_events {
    fasc_detection *ev;
    float *snip;         /* FASC_DETECTOR_MAX_EVENT_CHANNELS rows per event */
    fasc_index *avail;   /* input samples consumed when the event was seen */
    size_t n, cap, snip_cap;
    uint64_t dropped;
} dtu_events;

/* Runs a fresh detector over x in one block (block_seed 0) or random
 * blocks 0..max_block (many of length 1), flushes and collects every
 * event. Fails the test on any error. */
dtu_events dtu_run(const fasc_detector_config *cfg, const float *x, size_t n,
                   uint32_t block_seed, size_t max_block);
/* The same on an existing detector (not flushed when flush == 0). */
void dtu_feed(fasc_detector *det, dtu_events *out, const float *x, size_t n,
              uint32_t block_seed, size_t max_block, int flush);
void dtu_free(dtu_events *e);

/* Index of the event whose peak is within tol of `at`, or -1. */
long dtu_find(const dtu_events *e, fasc_index at, fasc_index tol);

/* A default config for `channels` at 2048 Hz. */
fasc_detector_config dtu_config(int channels);

#endif
