/* The measured SNR (median truth FP peak-to-peak over the 20-450 Hz RMS of
 * the background, measured away from every event) is within 1 dB of the
 * request, at several SNRs and sample rates. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "synth_fixture.h"

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double measured_snr_db(double snr_db, double fs, int channels, double seconds)
{
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.sample_rate = fs;
    cfg.channels = channels;
    cfg.snr_db = snr_db;
    /* Many units and discharges, so that the median over discharges is
     * close to the rate-weighted median of the units' amplitudes. */
    cfg.units = 24;
    cfg.fasc_per_min = 300.0;
    cfg.seed = 11;
    recording r;
    assert_int_equal(recording_make(&r, &cfg, seconds, 8192), 0);
    double *p2p = malloc(r.event_count * sizeof(double));
    size_t nfp = 0;
    for (size_t i = 0; i < r.event_count; i++)
        p2p[nfp++] = r.events[i].peak_to_peak_uv;
    qsort(p2p, nfp, sizeof(double), cmp_double);
    const double median = nfp % 2 ? p2p[nfp / 2] : 0.5 * (p2p[nfp / 2 - 1] + p2p[nfp / 2]);
    free(p2p);

    /* Samples within 60 ms of any event, or in the first half second (the
     * filter's transient), are not background. */
    unsigned char *busy = calloc(r.frames, 1);
    for (size_t i = 0; i < r.event_count; i++) {
        const long lo = (long)((r.events[i].peak_s - 0.06) * fs), hi = (long)((r.events[i].peak_s + 0.06) * fs);
        for (long k = lo < 0 ? 0 : lo; k <= hi && k < (long)r.frames; k++)
            busy[k] = 1;
    }
    double ss = 0.0;
    size_t count = 0;
    for (int c = 0; c < channels; c++) {
        snr_band_filter(r.x[c], r.frames, fs);
        for (size_t k = (size_t)(0.5 * fs); k < r.frames; k++)
            if (!busy[k]) {
                ss += (double)r.x[c][k] * r.x[c][k];
                count++;
            }
    }
    free(busy);
    const double rms = sqrt(ss / count);
    recording_free(&r);
    return 20.0 * log10(median / rms);
}

static void check(double snr_db, double fs, int channels, double seconds)
{
    const double got = measured_snr_db(snr_db, fs, channels, seconds);
    print_message("requested %.1f dB at %.0f Hz: measured %.2f dB\n", snr_db, fs, got);
    if (fabs(got - snr_db) > 1.0)
        fail_msg("requested %.1f dB at %.0f Hz, measured %.2f dB", snr_db, fs, got);
}

static void snr_at_2048_hz(void **state)
{
    (void)state;
    check(6.0, 2048.0, 8, 90.0);
    check(12.0, 2048.0, 8, 90.0);
    check(20.0, 2048.0, 8, 90.0);
}

static void snr_at_other_rates(void **state)
{
    (void)state;
    check(14.0, 500.0, 4, 120.0);
    check(14.0, 1000.0, 4, 120.0);
    check(14.0, 10000.0, 2, 60.0);
    check(14.0, 48000.0, 1, 20.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snr_at_2048_hz),
        cmocka_unit_test(snr_at_other_rates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
