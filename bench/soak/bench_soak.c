/* Soak: hours of synthetic 8-channel sEMG (fasc-synth --all-artefacts, 20
 * dB, 6 units, generated on the fly, never stored) streamed through the
 * composed detector in random block sizes (1-4096 samples). Every hour it
 * prints the true and found fasciculations and ECG beats, the FPs matched
 * (peaks within 5 ms, same or neighbouring channel) with that hour's
 * sensitivity and precision, the composed object's speed in that hour (its
 * own time, not the generator's), the resident memory and the events lost
 * to full queues: memory, speed and accuracy must stay flat. A filter bank
 * fed the same input beside it is then fed digital silence, and its output
 * must come back to exact zero (no state drifts or lingers as denormals).
 * Usage: bench_soak [hours] [seed] (defaults 24 1). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../bench_clock.h"
#include "../../tests/classifier/fasc_pipeline.h"

enum { CHANNELS = 8, MAX_BLOCK = 4096 };

/* This hour's events: true FPs and beats as the generator places them,
 * found ones as the detector hands them out. */
typedef struct hour {
    fp_rows truth, found;
    size_t true_beats, found_beats;
} hour;

static void on_truth(void *user, const fasc_synth_event *ev)
{
    hour *h = user;
    if (ev->cls == FASC_CLASS_ECG) {
        h->true_beats++;
    } else if (ev->cls == FASC_CLASS_FASCICULATION) {
        const fasc_event_row row = {ev->onset_s, ev->duration_s, ev->peak_s, fp_label(ev->channel),
                                    ev->cls, ev->unit, ev->peak_to_peak_uv};
        if (fp_push(&h->truth, &row) != 0)
            exit(1);
    }
}

static void drain(fasc *f, double fs, hour *h)
{
    fasc_event ev;
    while (fasc_next(f, &ev, NULL, 0) == 1) {
        if (ev.cls == FASC_CLASS_ECG && ev.epoch) {
            h->found_beats++;
        } else if (ev.cls == FASC_CLASS_FASCICULATION && !ev.epoch) {
            const fasc_event_row row = {(double)ev.onset / fs, (double)(ev.offset - ev.onset + 1) / fs,
                                        (double)ev.peak / fs, fp_label(ev.channel), ev.cls, ev.unit,
                                        ev.peak_to_peak_uv};
            if (fp_push(&h->found, &row) != 0)
                exit(1);
        }
    }
}

static double resident_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / 1048576.0;
}

/* Output samples of a bank fed silence until all are exactly zero;
 * returns how many it took, or -1 if they never did within `limit`. */
static long silence_to_zero(fasc_filterbank *fb, double fs, long limit)
{
    static float zeros[CHANNELS][MAX_BLOCK], out[CHANNELS][MAX_BLOCK];
    const float *in[CHANNELS];
    float *o[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
        in[c] = zeros[c];
        o[c] = out[c];
    }
    long fed = 0, quiet_since = -1;
    while (fed < limit) {
        size_t got = 0;
        if (fasc_filterbank_process(fb, in, MAX_BLOCK, o, MAX_BLOCK, &got) != FASC_OK)
            return -1;
        bool zero = true;
        for (int c = 0; c < CHANNELS; c++)
            for (size_t i = 0; i < got; i++)
                zero &= out[c][i] == 0.0f;
        fed += MAX_BLOCK;
        if (!zero)
            quiet_since = -1;
        else if (quiet_since < 0)
            quiet_since = fed;
        if (quiet_since >= 0 && fed - quiet_since >= (long)fs) /* a second of zeros */
            return quiet_since;
    }
    (void)fs;
    return -1;
}

int main(int argc, char **argv)
{
    const int hours = argc > 1 ? atoi(argv[1]) : 24;
    const uint64_t seed = argc > 2 ? (uint64_t)atoll(argv[2]) : 1;
    fasc_synth_config sc;
    fasc_synth_config_default(&sc);
    sc.channels = CHANNELS;
    sc.seed = seed;
    sc.snr_db = 20.0;
    sc.units = 6;
    sc.mains_hz = 50.0;
    sc.ecg = sc.voluntary = sc.movement = sc.pops = sc.wander = true;
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.sample_rate = sc.sample_rate;
    cfg.channels = CHANNELS;
    fasc_filterbank_config bc;
    fasc_filterbank_config_default(&bc);
    bc.sample_rate = sc.sample_rate;
    bc.channels = CHANNELS;
    bc.band_count = 0; /* the broadband stream alone, as the composed object */
    fasc_synth *sy = NULL;
    fasc *f = NULL;
    fasc_filterbank *fb = NULL;
    if (hours < 1 || fasc_synth_create(&sc, &sy) != FASC_OK || fasc_create(&cfg, &f) != FASC_OK ||
        fasc_filterbank_create(&bc, &fb) != FASC_OK) {
        fprintf(stderr, "usage: bench_soak [hours >= 1] [seed]\n");
        return 2;
    }
    const double fs = sc.sample_rate;
    static float buf[CHANNELS][MAX_BLOCK], band[CHANNELS][MAX_BLOCK];
    float *x[CHANNELS], *y[CHANNELS];
    for (int c = 0; c < CHANNELS; c++) {
        x[c] = buf[c];
        y[c] = band[c];
    }
    fasc_eval_config ec;
    fasc_eval_config_default(&ec);
    ec.tolerance_s = 0.005;
    printf("soak: %d h of fasc-synth --all-artefacts, %d channels, %.0f Hz, 20 dB, 6 units, seed %llu;"
           " random blocks of 1-%d samples\n",
           hours, CHANNELS, fs, (unsigned long long)seed, MAX_BLOCK);
    printf("%4s %7s %7s %7s %6s %6s %7s %7s %9s %8s %7s\n", "hour", "FPs", "found", "matched", "sens",
           "prec", "beats", "found", "M ch-s/s", "RSS MB", "dropped");
    hour h;
    memset(&h, 0, sizeof h);
    uint32_t rng = (uint32_t)seed * 2654435761u + 1u;
    const uint64_t per_hour = (uint64_t)(3600.0 * fs);
    double rss_lo = 1e300, rss_hi = 0.0, speed_lo = 1e300, speed_hi = 0.0;
    double sens_lo = 1.0, prec_lo = 1.0;
    for (int k = 0; k < hours; k++) {
        double busy = 0.0;
        for (uint64_t done = 0; done < per_hour;) {
            rng = rng * 1664525u + 1013904223u;
            size_t n = 1 + (rng >> 8) % MAX_BLOCK;
            n = n < per_hour - done ? n : (size_t)(per_hour - done);
            if (fasc_synth_generate(sy, x, n, on_truth, &h) != FASC_OK)
                return 1;
            const double t0 = bench_now();
            if (fasc_process(f, (const float *const *)x, n) != FASC_OK)
                return 1;
            busy += bench_now() - t0;
            size_t got = 0;
            if (fasc_filterbank_process(fb, (const float *const *)x, n, y, MAX_BLOCK, &got) != FASC_OK)
                return 1;
            drain(f, fs, &h);
            done += n;
        }
        if (k == hours - 1) {
            fasc_flush(f);
            drain(f, fs, &h);
        }
        long *match = malloc(sizeof *match * (h.truth.n ? h.truth.n : 1));
        const long m = match ? fasc_eval_match(h.truth.r, h.truth.n, h.found.r, h.found.n, &ec, match)
                             : -1;
        free(match);
        if (m < 0)
            return 1;
        const double sens = h.truth.n ? (double)m / (double)h.truth.n : 0.0;
        const double prec = h.found.n ? (double)m / (double)h.found.n : 0.0;
        const double speed = (double)per_hour * CHANNELS / busy / 1e6, rss = resident_mb();
        printf("%4d %7zu %7zu %7ld %6.3f %6.3f %7zu %7zu %9.1f %8.1f %7llu\n", k + 1, h.truth.n,
               h.found.n, m, sens, prec, h.true_beats, h.found_beats, speed, rss,
               (unsigned long long)fasc_dropped(f));
        fflush(stdout);
        /* a discharge near the hour's end may be handed out in the next:
         * matching per hour loses at most a few at the edges */
        rss_lo = rss < rss_lo ? rss : rss_lo;
        rss_hi = rss > rss_hi ? rss : rss_hi;
        speed_lo = speed < speed_lo ? speed : speed_lo;
        speed_hi = speed > speed_hi ? speed : speed_hi;
        sens_lo = sens < sens_lo ? sens : sens_lo;
        prec_lo = prec < prec_lo ? prec : prec_lo;
        h.truth.n = h.found.n = 0;
        h.true_beats = h.found_beats = 0;
    }
    const long zero_after = silence_to_zero(fb, fs, (long)(60.0 * fs));
    printf("resident memory %.1f-%.1f MB over the hours (the first hour includes start-up)\n", rss_lo,
           rss_hi);
    printf("speed %.1f-%.1f M channel-samples/s per hour; lowest hourly sensitivity %.3f,"
           " precision %.3f\n",
           speed_lo, speed_hi, sens_lo, prec_lo);
    if (zero_after >= 0)
        printf("filter bank fed silence after %d h: exact zero output after %.3f s\n", hours,
               (double)zero_after / fs);
    else
        printf("filter bank fed silence after %d h: NOT zero after 60 s\n", hours);
    fasc_destroy(&f);
    fasc_synth_destroy(&sy);
    fasc_filterbank_destroy(&fb);
    free(h.truth.r);
    free(h.found.r);
    return zero_after >= 0 ? 0 : 1;
}
