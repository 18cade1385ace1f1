/* Allocation failure at every allocation point: each constructor (and each
 * reader, writer and table opener) is run with its n-th allocation failing,
 * for n = 1, 2, ... until it succeeds. Every failing run must return
 * FASC_ERR_NO_MEMORY (or, where a third-party library hides the cause, an
 * error) with the output pointer NULL; the sanitized build's LeakSanitizer
 * then checks that nothing was left allocated. malloc, calloc and realloc
 * are wrapped at link time (-Wl,--wrap): the library's own allocations are
 * counted, those inside libsndfile, EDFlib and FFTW are not. The core build
 * also counts the allocations made while the composed object and a filter
 * bank process, hand out events, restart and flush: none. Built twice:
 * FAULT_CORE links the core alone (libfasc.a: the stages and the composed
 * object), the other build the analysis library (libfasc.so comes with it,
 * out of the wrap's reach). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc_wrap.h"
#include "fasc/fasc.h"
#ifndef FAULT_CORE
#include "fasc/eval.h"
#include "fasc/io.h"
#include "fasc/spectrum.h"
#include "fasc/summary.h"
#include "fasc/synth.h"
#endif

/* ---- the failing allocator ---- */

static long fail_at = 0; /* 0: never */
static long counted = 0;
static int counting = 0; /* count every allocation (fail_at 0) */


static int failing_now(void)
{
    if (counting)
        counted++;
    return fail_at > 0 && ++counted == fail_at;
}

WRAP void *__wrap_malloc(size_t n)
{
    return failing_now() ? NULL : __real_malloc(n);
}

WRAP void *__wrap_calloc(size_t n, size_t size)
{
    return failing_now() ? NULL : __real_calloc(n, size);
}

WRAP void *__wrap_realloc(void *p, size_t n)
{
    return failing_now() ? NULL : __real_realloc(p, n);
}

/* ---- the sweep ---- */

/* One attempt: creates into *obj, returns its status. */
typedef int (*attempt_fn)(void **obj);
typedef void (*release_fn)(void **obj);

/* Runs `attempt` with its n-th allocation failing for n = 1, 2, ... until
 * it succeeds; returns the number of allocation points it passed. */
static long sweep(const char *what, attempt_fn attempt, release_fn release, int any_error)
{
    for (long n = 1; n < 100000; n++) {
        void *obj = NULL;
        counted = 0;
        fail_at = n;
        const int rc = attempt(&obj);
        fail_at = 0;
        if (rc == FASC_OK && counted < n) { /* no n-th allocation: done */
            assert_non_null(obj);
            release(&obj);
            printf("%-28s %ld allocation points, each failure handled\n", what, n - 1);
            return n - 1;
        }
        if (rc == FASC_OK) { /* the failure was absorbed (an optional part) */
            release(&obj);
            continue;
        }
        if (!any_error && rc != FASC_ERR_NO_MEMORY)
            fail_msg("%s: allocation %ld failed, status %d (%s)", what, n, rc, fasc_strerror(rc));
        if (obj)
            fail_msg("%s: allocation %ld failed, yet the object is not NULL", what, n);
    }
    fail_msg("%s: never succeeded", what);
    return -1;
}

/* ---- the constructors ---- */

#ifdef FAULT_CORE

static int make_fasc(void **obj)
{
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = 8;
    return fasc_create(&cfg, (fasc **)obj);
}

static void free_fasc(void **obj)
{
    fasc_destroy((fasc **)obj);
}

static int make_filterbank(void **obj)
{
    fasc_filterbank_config cfg;
    fasc_filterbank_config_default(&cfg);
    cfg.channels = 8;
    cfg.band_count = 2;
    return fasc_filterbank_create(&cfg, (fasc_filterbank **)obj);
}

static void free_filterbank(void **obj)
{
    fasc_filterbank_destroy((fasc_filterbank **)obj);
}

static int make_detector(void **obj)
{
    fasc_detector_config cfg;
    fasc_detector_config_default(&cfg);
    cfg.channels = 8;
    return fasc_detector_create(&cfg, (fasc_detector **)obj);
}

static void free_detector(void **obj)
{
    fasc_detector_destroy((fasc_detector **)obj);
}

static int make_classifier(void **obj)
{
    fasc_classifier_config cfg;
    fasc_classifier_config_default(&cfg);
    cfg.channels = 8;
    return fasc_classifier_create(&cfg, (fasc_classifier **)obj);
}

static void free_classifier(void **obj)
{
    fasc_classifier_destroy((fasc_classifier **)obj);
}

static void stages(void **state)
{
    (void)state;
    /* each allocates its one block; the composed object holds the stages
     * in its own (their caller-allocated forms) */
    assert_true(sweep("fasc_filterbank_create", make_filterbank, free_filterbank, 0) >= 1);
    assert_true(sweep("fasc_detector_create", make_detector, free_detector, 0) >= 1);
    assert_true(sweep("fasc_classifier_create", make_classifier, free_classifier, 0) >= 1);
    assert_true(sweep("fasc_create", make_fasc, free_fasc, 0) >= 1);
}

/* No allocation after init: the composed object (all three stages) fed
 * noise with spikes, a heartbeat-like common wave and NaN samples in
 * random blocks, its events read with snippets, restarted, fed again and
 * flushed, allocates nothing; neither do the stages used alone. */
static void nothing_allocated_while_processing(void **state)
{
    (void)state;
    enum { C = 8, MAX = 3000 };
    fasc_config cfg;
    fasc_config_default(&cfg);
    cfg.channels = C;
    fasc *f = NULL;
    assert_int_equal(fasc_create(&cfg, &f), FASC_OK);
    fasc_filterbank_config bc;
    fasc_filterbank_config_default(&bc);
    bc.channels = C;
    fasc_filterbank *fb = NULL;
    assert_int_equal(fasc_filterbank_create(&bc, &fb), FASC_OK);
    const int streams = fasc_filterbank_streams(fb);
    static float x[C][MAX], y[C * 8][MAX], snippet[4096];
    const float *in[C];
    float *out[C * 8];
    for (int c = 0; c < C; c++)
        in[c] = x[c];
    for (int k = 0; k < streams * C && k < C * 8; k++)
        out[k] = y[k];
    assert_true(fasc_snippet_length(f) <= 4096);
    uint32_t rng = 1u;
    long t = 0, events = 0;
    counted = 0;
    counting = 1;
    for (int pass = 0; pass < 2; pass++) {
        for (long done = 0; done < 40L * 2048;) {
            rng = rng * 1664525u + 1013904223u;
            const size_t n = 1 + (rng >> 8) % MAX;
            for (size_t i = 0; i < n; i++, t++)
                for (int c = 0; c < C; c++) {
                    rng = rng * 1664525u + 1013904223u;
                    float v = (float)((int)(rng >> 16) - 32768) * 3e-4f;
                    if (t % 1500 < 12 && c == (int)(t / 1500) % C) /* a spike */
                        v += (t % 1500 < 6 ? 150.0f : -150.0f);
                    if (t % 2000 < 60) /* a broad common wave, like a beat */
                        v += 80.0f;
                    if (t % 50021 == 7)
                        v = NAN;
                    x[c][i] = v;
                }
            assert_int_equal(fasc_process(f, in, n), FASC_OK);
            size_t got = 0;
            assert_int_equal(fasc_filterbank_process(fb, in, n, out, MAX, &got), FASC_OK);
            fasc_event ev;
            while (fasc_next(f, &ev, snippet, 4096) == 1)
                events++;
            done += (long)n;
        }
        if (pass == 0)
            assert_int_equal(fasc_restart(f), FASC_OK);
    }
    assert_int_equal(fasc_flush(f), FASC_OK);
    fasc_event ev;
    while (fasc_next(f, &ev, snippet, 4096) == 1)
        events++;
    counting = 0;
    printf("%ld events handed out; %ld allocations while processing\n", events, counted);
    assert_true(events > 20);
    assert_int_equal(counted, 0);
    fasc_destroy(&f);
    fasc_filterbank_destroy(&fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stages),
        cmocka_unit_test(nothing_allocated_while_processing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
#else

static int make_synth(void **obj)
{
    fasc_synth_config cfg;
    fasc_synth_config_default(&cfg);
    cfg.ecg = cfg.voluntary = cfg.movement = cfg.pops = true;
    return fasc_synth_create(&cfg, (fasc_synth **)obj);
}

static void free_synth(void **obj)
{
    fasc_synth_destroy((fasc_synth **)obj);
}

static int make_summary(void **obj)
{
    fasc_summary_config cfg;
    fasc_summary_config_default(&cfg);
    cfg.channels = 8;
    return fasc_summary_create(&cfg, (fasc_summary **)obj);
}

static void free_summary(void **obj)
{
    fasc_summary_destroy((fasc_summary **)obj);
}

static int make_spectrum(void **obj)
{
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.channels = 4;
    return fasc_spectrum_create(&cfg, (fasc_spectrum **)obj);
}

static void free_spectrum(void **obj)
{
    fasc_spectrum_destroy((fasc_spectrum **)obj);
}

static char wav_path[64], tsv_path[64];
static const char *edf_path; /* an EDF+ file of MNE-Python's (argument) */

static int open_wav(void **obj)
{
    return fasc_reader_open(wav_path, NULL, (fasc_reader **)obj, NULL, 0);
}

static int open_edf(void **obj)
{
    fasc_reader_options o;
    fasc_reader_options_default(&o);
    o.allow_any_rate = true; /* 250 Hz EEG */
    return fasc_reader_open(edf_path, &o, (fasc_reader **)obj, NULL, 0);
}

static void close_reader(void **obj)
{
    fasc_reader_close((fasc_reader **)obj);
}

static int open_writer(void **obj)
{
    char path[80];
    snprintf(path, sizeof path, "%s.out.wav", wav_path);
    return fasc_writer_open(path, 2048.0, 4, FASC_SAMPLE_PCM16, 0.0, (fasc_writer **)obj, NULL,
                            0);
}

static void abort_writer(void **obj)
{
    fasc_writer_abort((fasc_writer **)obj);
}

static int read_table(void **obj)
{
    fasc_event_table *t = __real_malloc(sizeof *t);
    const int rc = fasc_event_table_read(tsv_path, t, NULL, 0);
    if (rc == FASC_OK) {
        *obj = t;
    } else {
        assert_null(t->rows);
        free(t);
    }
    return rc;
}

static void free_table(void **obj)
{
    fasc_event_table_free(*obj);
    free(*obj);
    *obj = NULL;
}

/* A 4-channel 16-bit WAV and a truth table. */
static int make_files(void **state)
{
    (void)state;
    snprintf(wav_path, sizeof wav_path, "/tmp/fasc_alloc_%d.wav", (int)getpid());
    snprintf(tsv_path, sizeof tsv_path, "/tmp/fasc_alloc_%d.tsv", (int)getpid());
    fasc_writer *w = NULL;
    if (fasc_writer_open(wav_path, 2048.0, 4, FASC_SAMPLE_PCM16, 0.0, &w, NULL, 0) != FASC_OK)
        return -1;
    static float x[4][2048];
    const float *ch[4] = {x[0], x[1], x[2], x[3]};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 2048; i++)
            x[k][i] = (float)((i * (k + 3)) % 200) - 100.0f;
    if (fasc_writer_write(w, ch, 2048) != FASC_OK || fasc_writer_close(&w, NULL, 0) != FASC_OK)
        return -1;
    FILE *f = fopen(tsv_path, "w");
    if (!f)
        return -1;
    fputs("onset\tduration\tpeak\tchannel\tclass\tunit\tpeak_to_peak_uv\n"
          "1.0\t0.01\t1.005\tch2\tfasciculation\t3\t120.5\n"
          "2.0\t4.0\t4.0\tn/a\tvoluntary\tn/a\tn/a\n",
          f);
    return fclose(f);
}

static int remove_files(void **state)
{
    (void)state;
    char out[80];
    snprintf(out, sizeof out, "%s.out.wav", wav_path);
    unlink(wav_path);
    unlink(tsv_path);
    unlink(out);
    return 0;
}

static void constructors(void **state)
{
    (void)state;
    assert_true(sweep("fasc_synth_create", make_synth, free_synth, 0) >= 1);
    assert_true(sweep("fasc_summary_create", make_summary, free_summary, 0) >= 1);
    assert_true(sweep("fasc_spectrum_create", make_spectrum, free_spectrum, 0) >= 1);
}

static void files(void **state)
{
    (void)state;
    /* libsndfile and EDFlib allocate behind the readers' backs; those
     * failures are not injected, ours are */
    assert_true(sweep("fasc_reader_open (WAV)", open_wav, close_reader, 1) >= 1);
    assert_true(sweep("fasc_reader_open (EDF+)", open_edf, close_reader, 1) >= 1);
    assert_true(sweep("fasc_writer_open", open_writer, abort_writer, 1) >= 1);
    assert_true(sweep("fasc_event_table_read", read_table, free_table, 0) >= 1);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_alloc_fail EDF-FILE\n");
        return 2;
    }
    edf_path = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(constructors),
        cmocka_unit_test(files),
    };
    return cmocka_run_group_tests(tests, make_files, remove_files);
}
#endif
