/* Streaming: block-size invariance, interleaved input, reset, non-finite
 * samples, segment counting. */
#include "fasc/spectrum.h"

#include <string.h>

#include "signals.h"

enum { RATE = 1000, CHANNELS = 3, SECONDS = 8 };
static const size_t total = (size_t)RATE * SECONDS;

typedef struct recording {
    float *ch[CHANNELS];
} recording;

static void make_recording(recording *r, uint64_t seed)
{
    for (size_t c = 0; c < CHANNELS; c++) {
        r->ch[c] = zeros(total);
        add_noise(r->ch[c], total, 5.0 + (double)c, seed + c);
        add_tone(r->ch[c], total, RATE, 50.0 + 20.0 * (double)c, 3.0, 0.0);
    }
}

static void free_recording(recording *r)
{
    for (size_t c = 0; c < CHANNELS; c++)
        free(r->ch[c]);
}

static fasc_spectrum *new_spectrum(void)
{
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = RATE;
    cfg.channels = CHANNELS;
    fasc_spectrum *sp = NULL;
    assert_int_equal(fasc_spectrum_create(&cfg, &sp), FASC_OK);
    return sp;
}

/* Feeds samples [from, to) of every channel in one block. */
static void feed(fasc_spectrum *sp, const recording *r, size_t from, size_t to)
{
    const float *ch[CHANNELS];
    for (size_t c = 0; c < CHANNELS; c++)
        ch[c] = r->ch[c] + from;
    assert_int_equal(fasc_spectrum_process(sp, ch, to - from), FASC_OK);
}

/* Asserts bit-identical PSDs and equal counts on every channel. */
static void assert_same_spectra(fasc_spectrum *a, fasc_spectrum *b)
{
    const size_t nbins = fasc_spectrum_bins(a);
    assert_int_equal(nbins, fasc_spectrum_bins(b));
    float *pa = zeros(nbins), *pb = zeros(nbins);
    for (int c = 0; c < CHANNELS; c++) {
        assert_int_equal(fasc_spectrum_segments(a, c), fasc_spectrum_segments(b, c));
        assert_int_equal(fasc_spectrum_psd(a, c, pa, nbins), FASC_OK);
        assert_int_equal(fasc_spectrum_psd(b, c, pb, nbins), FASC_OK);
        assert_memory_equal(pa, pb, nbins * sizeof *pa);
    }
    free(pa);
    free(pb);
}

static void random_block_sizes_give_identical_psd(void **state)
{
    (void)state;
    recording r;
    make_recording(&r, 11);
    fasc_spectrum *whole = new_spectrum(), *blocks = new_spectrum();
    feed(whole, &r, 0, total);
    test_rng rng = {99};
    for (size_t at = 0; at < total;) {
        const uint64_t kind = test_rng_next(&rng) % 4;
        size_t len = kind == 0 ? 1 : (size_t)(test_rng_next(&rng) % (kind == 1 ? 7 : 1500));
        if (len > total - at)
            len = total - at;
        feed(blocks, &r, at, at + len);
        at += len;
    }
    assert_same_spectra(whole, blocks);
    fasc_spectrum_destroy(&whole);
    fasc_spectrum_destroy(&blocks);
    free_recording(&r);
}

static void interleaved_input_equals_planar(void **state)
{
    (void)state;
    recording r;
    make_recording(&r, 12);
    float *frames = zeros(total * CHANNELS);
    for (size_t i = 0; i < total; i++)
        for (size_t c = 0; c < CHANNELS; c++)
            frames[i * CHANNELS + c] = r.ch[c][i];
    fasc_spectrum *planar = new_spectrum(), *inter = new_spectrum();
    feed(planar, &r, 0, total);
    const size_t split = 777;
    assert_int_equal(fasc_spectrum_process_interleaved(inter, frames, split), FASC_OK);
    assert_int_equal(fasc_spectrum_process_interleaved(
                         inter, frames + split * CHANNELS, total - split),
                     FASC_OK);
    assert_same_spectra(planar, inter);
    fasc_spectrum_destroy(&planar);
    fasc_spectrum_destroy(&inter);
    free(frames);
    free_recording(&r);
}

static void segments_follow_length_and_hop(void **state)
{
    (void)state;
    recording r;
    make_recording(&r, 13);
    fasc_spectrum *sp = new_spectrum();
    const size_t nfft = fasc_spectrum_segment_length(sp), hop = nfft / 2;
    feed(sp, &r, 0, nfft - 1);
    assert_int_equal(fasc_spectrum_segments(sp, 0), 0);
    feed(sp, &r, nfft - 1, total);
    const int64_t expected = (int64_t)((total - nfft) / hop + 1);
    assert_int_equal(fasc_spectrum_segments(sp, 1), expected);
    assert_int_equal(fasc_spectrum_segments(sp, FASC_SPECTRUM_ALL_CHANNELS),
                     CHANNELS * expected);
    fasc_spectrum_destroy(&sp);
    free_recording(&r);
}

static void reset_returns_to_initial_state(void **state)
{
    (void)state;
    recording first, second;
    make_recording(&first, 14);
    make_recording(&second, 15);
    fasc_spectrum *used = new_spectrum(), *fresh = new_spectrum();
    feed(used, &first, 0, total - 123);  /* leaves a partial segment */
    fasc_spectrum_reset(used);
    assert_int_equal(fasc_spectrum_segments(used, FASC_SPECTRUM_ALL_CHANNELS), 0);
    float psd[1];
    assert_int_equal(fasc_spectrum_psd(used, 0, psd, fasc_spectrum_bins(used)),
                     FASC_ERR_STATE);
    feed(used, &second, 0, total);
    feed(fresh, &second, 0, total);
    assert_same_spectra(used, fresh);
    fasc_spectrum_destroy(&used);
    fasc_spectrum_destroy(&fresh);
    free_recording(&first);
    free_recording(&second);
}

/* A NaN in channel 0 costs that channel exactly the segments holding it; the
 * other channels are untouched and channel 0's PSD stays finite. */
static void check_non_finite_sample(float bad)
{
    recording clean, dirty;
    make_recording(&clean, 16);
    make_recording(&dirty, 16);
    fasc_spectrum *ref = new_spectrum(), *sp = new_spectrum();
    const size_t nfft = fasc_spectrum_segment_length(sp);
    const size_t at = 3 * nfft + 5;  /* in the segments starting at 2.5 and 3 nfft */
    dirty.ch[0][at] = bad;
    feed(ref, &clean, 0, total);
    feed(sp, &dirty, 0, total);

    assert_int_equal(fasc_spectrum_skipped(sp, 0), 2);
    assert_int_equal(fasc_spectrum_skipped(sp, 1), 0);
    assert_int_equal(fasc_spectrum_segments(sp, 0),
                     fasc_spectrum_segments(ref, 0) - 2);
    const size_t nbins = fasc_spectrum_bins(sp);
    float *got = zeros(nbins), *want = zeros(nbins);
    assert_int_equal(fasc_spectrum_psd(sp, 0, got, nbins), FASC_OK);
    for (size_t k = 0; k < nbins; k++)
        assert_true(isfinite(got[k]));
    for (int c = 1; c < CHANNELS; c++) {
        assert_int_equal(fasc_spectrum_psd(sp, c, got, nbins), FASC_OK);
        assert_int_equal(fasc_spectrum_psd(ref, c, want, nbins), FASC_OK);
        assert_memory_equal(got, want, nbins * sizeof *got);
    }
    free(got);
    free(want);
    fasc_spectrum_destroy(&ref);
    fasc_spectrum_destroy(&sp);
    free_recording(&clean);
    free_recording(&dirty);
}

static void nan_sample_skips_only_its_segments(void **state)
{
    (void)state;
    check_non_finite_sample(NAN);
}

static void infinite_sample_skips_only_its_segments(void **state)
{
    (void)state;
    check_non_finite_sample(-INFINITY);
}

/* Finite samples near FLT_MAX overflow the float FFT: skipped, not summed. */
static void overflowing_segment_is_skipped(void **state)
{
    (void)state;
    recording r;
    make_recording(&r, 17);
    fasc_spectrum *sp = new_spectrum();
    const size_t nfft = fasc_spectrum_segment_length(sp);
    for (size_t i = 0; i < nfft; i++)
        r.ch[2][i] = (i % 2 ? 3.0e38f : -3.0e38f);
    feed(sp, &r, 0, total);
    assert_true(fasc_spectrum_skipped(sp, 2) >= 1);
    const size_t nbins = fasc_spectrum_bins(sp);
    float *psd = zeros(nbins);
    assert_int_equal(fasc_spectrum_psd(sp, 2, psd, nbins), FASC_OK);
    for (size_t k = 0; k < nbins; k++)
        assert_true(isfinite(psd[k]));
    free(psd);
    fasc_spectrum_destroy(&sp);
    free_recording(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_block_sizes_give_identical_psd),
        cmocka_unit_test(interleaved_input_equals_planar),
        cmocka_unit_test(segments_follow_length_and_hop),
        cmocka_unit_test(reset_returns_to_initial_state),
        cmocka_unit_test(nan_sample_skips_only_its_segments),
        cmocka_unit_test(infinite_sample_skips_only_its_segments),
        cmocka_unit_test(overflowing_segment_is_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
