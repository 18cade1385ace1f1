/* The noise estimate follows a fall of the background (the end of a
 * contraction the window took in, an electrode settling) within about a
 * second, within half a second when the window took in a contraction's
 * potentials, settles at the new level even when its restart kept some of
 * the old, and is not dragged down by a lead that fades out. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dtu.h"

enum { FS = 2048 };

/* A one-channel detector with the test defaults. */
static fasc_detector *one_channel_detector(void)
{
    fasc_detector_config cfg = dtu_config(1);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    return det;
}

/* Feeds n samples (not flushed) and returns σ after them. */
static double feed_then_sd(fasc_detector *det, dtu_events *e, const float *x, size_t n)
{
    dtu_feed(det, e, x, n, 0, 0, 0);
    return fasc_detector_noise_sd(det, 0);
}

/* n samples of noise, `loud` µV before sample `step` and `quiet` from it
 * on (seeds seed and seed + 1); the caller frees it. */
static float *noise_that_falls(size_t n, size_t step, uint32_t seed, float loud, float quiet)
{
    float *before = dtu_noise(1, n, seed, loud), *x = dtu_noise(1, n, seed + 1u, quiet);
    for (size_t t = 0; t < step; t++)
        x[t] = before[t];
    free(before);
    return x;
}

/* 12 s: noise of 40 µV for 6 s, then 5 µV; 60 µV spikes (12 σ of the quiet
 * part, 1.5 σ of the loud one) from 7 s on, every 0.4 s. */
static void sigma_follows_a_fall(void **state)
{
    (void)state;
    const size_t n = (size_t)FS * 12, step = (size_t)FS * 6;
    float *x = noise_that_falls(n, step, 5u, 40.0f, 5.0f);
    const int spikes = 12;
    for (int k = 0; k < spikes; k++)
        dtu_spike(x, n, 0, (size_t)(7.0 * FS) + (size_t)k * (size_t)(0.4 * FS), 60.0f, 1);
    fasc_detector *det = one_channel_detector();
    dtu_events e = {0};
    /* σ one second after the fall */
    const double sd = feed_then_sd(det, &e, x, step + FS);
    dtu_feed(det, &e, x + step + FS, n - step - FS, 0, 0, 1);
    int found = 0;
    for (int k = 0; k < spikes; k++)
        found += dtu_find(&e, (fasc_index)(7.0 * FS) + (fasc_index)k * (fasc_index)(0.4 * FS), 4) >= 0;
    print_message("σ %.1f µV 1 s after a fall from 40 to 5 µV; %d of %d spikes from 1 s after it found\n",
                  sd, found, spikes);
    if (!(sd < 7.5))
        fail_msg("σ %.1f µV one second after the fall to 5 µV", sd);
    if (found < spikes - 1)
        fail_msg("%d of %d spikes found after the fall", found, spikes);
    dtu_free(&e);
    fasc_detector_destroy(&det);
    free(x);
}

/* 12 s of 10 µV noise with a 2.3 s contraction at 6 s: eight units firing
 * at 12-26 Hz, 120-330 µV, so that events cover most of it and the window
 * takes them in as background. Three quarters of a second after it ends σ
 * is back near the quiet level, and 80 µV spikes from 0.8 s on are found
 * (without the busy rule: 14.5 µV, and 1 of 6). */
static void sigma_drops_soon_after_a_contraction(void **state)
{
    (void)state;
    const size_t n = (size_t)FS * 12, from = (size_t)FS * 6, to = from + (size_t)(2.3 * FS);
    float *x = dtu_noise(1, n, 11u, 10.0f);
    uint32_t lcg = 12345u;
    for (int u = 0; u < 8; u++) {
        const double isi = 1.0 / (12.0 + 2.0 * u);
        for (double t = (double)from / FS + 0.01 * u; t < (double)to / FS; ) {
            dtu_spike(x, n, 0, (size_t)(t * FS), 120.0f + 30.0f * (float)u, u % 2 ? 1 : -1);
            lcg = lcg * 1664525u + 1013904223u;
            t += isi * (0.9 + 0.2 * (double)(lcg >> 8) / 16777216.0);
        }
    }
    const int spikes = 6;
    const size_t first = to + (size_t)(0.8 * FS), gap = (size_t)(0.2 * FS);
    for (int k = 0; k < spikes; k++)
        dtu_spike(x, n, 0, first + (size_t)k * gap, 80.0f, 1);
    fasc_detector *det = one_channel_detector();
    dtu_events e = {0};
    const double quiet = feed_then_sd(det, &e, x, from);
    const size_t probe = to + (size_t)(0.75 * FS);
    const double after = feed_then_sd(det, &e, x + from, probe - from);
    dtu_feed(det, &e, x + probe, n - probe, 0, 0, 1);
    int found = 0;
    for (int k = 0; k < spikes; k++)
        found += dtu_find(&e, (fasc_index)(first + (size_t)k * gap), 4) >= 0;
    print_message("σ %.1f µV before a contraction, %.1f µV 0.75 s after it; %d of %d spikes "
                  "from 0.8 s after it found\n", quiet, after, found, spikes);
    if (!(after < 1.2 * quiet))
        fail_msg("σ %.1f µV 0.75 s after a contraction, %.1f before it", after, quiet);
    if (found < spikes - 1)
        fail_msg("%d of %d spikes found after the contraction", found, spikes);
    dtu_free(&e);
    fasc_detector_destroy(&det);
    free(x);
}

/* 12 s: noise of 40 µV for 6 s, then 10 µV (a contraction's interference
 * pattern, no events in it, ending at once). The window restarts when
 * about a quarter of its newest half second is quiet; the loud entries
 * that restart kept held σ a quarter high for seconds (12.5 µV 0.9 s
 * after the fall). Half a second into the quiet part the window is cut
 * at the fall. */
static void sigma_settles_after_a_restart_that_straddles_a_fall(void **state)
{
    (void)state;
    const size_t n = (size_t)FS * 12, step = (size_t)FS * 6;
    float *x = noise_that_falls(n, step, 21u, 40.0f, 10.0f);
    fasc_detector *det = one_channel_detector();
    dtu_events e = {0};
    double sd[12];
    size_t at = 0;
    for (int k = 0; k < 12; k++) {
        const size_t to = step + (size_t)(0.1 * FS) * (size_t)(k + 1);
        sd[k] = feed_then_sd(det, &e, x + at, to - at);
        at = to;
    }
    const double quiet = feed_then_sd(det, &e, x + at, n - at);
    print_message("σ every 0.1 s after a fall from 40 to 10 µV: %.1f %.1f %.1f %.1f %.1f %.1f "
                  "%.1f %.1f %.1f %.1f %.1f %.1f; %.1f at the end\n", sd[0], sd[1], sd[2], sd[3],
                  sd[4], sd[5], sd[6], sd[7], sd[8], sd[9], sd[10], sd[11], quiet);
    if (!(sd[8] < 1.15 * quiet))
        fail_msg("σ %.1f µV 0.9 s after a fall to %.1f µV", sd[8], quiet);
    dtu_free(&e);
    fasc_detector_destroy(&det);
    free(x);
}

/* A lead whose signal decays to near silence within 50 ms (a contact
 * lost): a fall by more than a factor 8 is not a new background, so one
 * second into it σ is still what the whole window says (three quarters of
 * it still hold the old level), not the silence. */
static void fade_does_not_collapse_sigma(void **state)
{
    (void)state;
    const size_t n = (size_t)FS * 12, from = (size_t)FS * 6;
    float *x = dtu_noise(1, n, 9u, 20.0f);
    for (size_t t = from; t < n; t++)
        x[t] *= (float)exp(-(double)(t - from) / (0.05 * FS)); /* 50 ms decay */
    fasc_detector *det = one_channel_detector();
    dtu_events e = {0};
    const double before = feed_then_sd(det, &e, x, from);
    const double after = feed_then_sd(det, &e, x + from, (size_t)FS);
    print_message("σ %.1f µV before a fade, %.2f µV 1 s into it\n", before, after);
    assert_true(before > 15.0 && before < 25.0);
    if (!(after > 0.5 * before))
        fail_msg("σ collapsed from %.1f to %.3f µV on a fading lead", before, after);
    dtu_free(&e);
    fasc_detector_destroy(&det);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigma_follows_a_fall),
        cmocka_unit_test(fade_does_not_collapse_sigma),
        cmocka_unit_test(sigma_drops_soon_after_a_contraction),
        cmocka_unit_test(sigma_settles_after_a_restart_that_straddles_a_fall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
