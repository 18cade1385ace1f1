/* Every EDF/EDF+/BDF/BDF+ file in shared/data/edf (third-party files, see
 * its README): each is read to the end or refused with a reason, and the
 * facts the README states hold. The outcome table goes to the test log. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fasc/io.h"
#include "reader_util.h"

typedef struct outcome {
    int status;       /* of the default open */
    int status_any;   /* with allow_any_rate, and of reading to the end */
    char err[320];
    char format[16];
    int channels;
    double rate;
    int64_t frames;
    int64_t read;
    double peak;
    char labels[256];
    char notes[1024];
} outcome;

static char data_dir[512];

static int setup(void **state)
{
    (void)state;
    const char *shared = getenv("FASC_SHARED_DATA");
    if (!shared)
        return -1;
    snprintf(data_dir, sizeof data_dir, "%s/edf", shared);
    return 0;
}

static void join_labels(fasc_reader *r, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (int c = 0; c < fasc_reader_channels(r) && used + 1 < len; c++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", c ? "|" : "",
                                 fasc_reader_label(r, c));
}

static void join_notes(fasc_reader *r, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < fasc_reader_note_count(r) && used + 1 < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " / " : "",
                                 fasc_reader_note(r, i));
}

static void run_file(const char *name, outcome *o)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    memset(o, 0, sizeof *o);
    fasc_reader *r = NULL;
    o->status = fasc_reader_open(path, NULL, &r, o->err, sizeof o->err);
    fasc_reader_close(&r);
    fasc_reader_options opts;
    fasc_reader_options_default(&opts);
    opts.allow_any_rate = true;
    char err[320];
    o->status_any = fasc_reader_open(path, &opts, &r, err, sizeof err);
    if (o->status != FASC_OK)
        assert_non_null(strstr(o->err, path)); /* every refusal names the file */
    if (o->status_any != FASC_OK) {
        assert_null(r);
        return;
    }
    snprintf(o->format, sizeof o->format, "%s", fasc_reader_format(r));
    o->channels = fasc_reader_channels(r);
    o->rate = fasc_reader_sample_rate(r);
    o->frames = fasc_reader_frames(r);
    join_labels(r, o->labels, sizeof o->labels);
    join_notes(r, o->notes, sizeof o->notes);
    o->status_any = fr_drain(r, 777, &o->read, &o->peak);
    for (int c = 0; c < o->channels; c++) {
        assert_null(strstr(fasc_reader_label(r, c), "Annotations"));
        assert_int_equal(fasc_reader_nonfinite(r, c), 0);
    }
    fasc_reader_close(&r);
}

/* What each file must give, from the folder's README (rates, record
 * counts, units, labels, EDF+D gaps) and EDFlib's verdicts. status is the
 * default open, status_any the open with allow_any_rate followed by
 * reading to the end. text must occur in the error (refused) or in the
 * notes or labels (opened). */
typedef struct fact {
    const char *file;
    int status, status_any;
    const char *format;
    int channels;
    double rate;
    long long frames;
    const char *text;
    double peak_min, peak_max; /* µV; both 0: not checked */
} fact;

enum { OK = FASC_OK, RATE = FASC_ERR_UNSUPPORTED, BAD = FASC_ERR_FORMAT };

static const fact facts[] = {
    {"bci2000_overlapping_annotations.edf", BAD, BAD, NULL, 0, 0, 0, "EDFlib rejects", 0, 0},
    {"edfio_SC4001EC-Hypnogram.bdf", BAD, BAD, NULL, 0, 0, 0, "annotation-only", 0, 0},
    {"edfio_short_psg.bdf", RATE, OK, "BDF", 3, 100, 30000, "EMG submental (1 Hz)", 0, 0},
    {"edfreader_bdfPlusC.bdf", RATE, OK, "BDF+C", 11, 200, 4000, "sine 8.5 Hz", 50, 1000},
    {"edfreader_bdfPlusD.bdf", RATE, RATE, NULL, 0, 0, 0, "(EDF+D) with 7 gaps", 0, 0},
    {"edfreader_edfAnnonC.edf", OK, OK, "EDF+C", 1, 30000, 36000, "Channel 2 (20000 Hz)", 0, 0},
    {"edfreader_edfPlusD.edf", RATE, RATE, NULL, 0, 0, 0, "discontinuous recording (EDF+D) with 5 gaps", 0, 0},
    {"mne_duplicate_channel_labels.edf", RATE, OK, "EDF+C", 3, 250, 2500, "EEG F1-Ref|EEG F2-Ref|EEG F1-Ref#2", 0, 0},
    {"mne_subsecond_starttime.edf", OK, OK, "EDF+C", 3, 512, 2560, "Fp1|F7|T3", 0, 8711},
    {"mne_test.bdf", BAD, BAD, NULL, 0, 0, 0, "EDFlib rejects", 0, 0},
    {"mne_test_bdf_stim_channel.bdf", OK, OK, "BDF", 4, 500, 5000, "C3|C4|Cz|Status", 0, 0},
    {"mne_test_edf_stim_channel.edf", RATE, OK, "EDF", 25, 128, 1228, "DIG DTRIG", 0, 0},
    {"mne_test_reduced.edf", OK, OK, "EDF+C", 126, 512, 3072, "A1 (1 Hz), A2 (2 Hz)", 0, 0},
    {"mne_test_uneven_samp.edf", RATE, OK, "EDF", 1, 100, 11000, "0.2Hz Blk 1/0uV (12.8 Hz)", 4.9e6, 5.1e6},
    {"mne_test_utf8_annotations.edf", RATE, OK, "EDF+C", 11, 200, 2000, "squarewave", 50, 1000},
    {"nihonkohden_MB0400FU.EDF", RATE, RATE, NULL, 0, 0, 0, "(EDF+D), although without gaps", 0, 0},
    {"nihonkohden_chtypes_edf.edf", RATE, OK, "EDF+C", 42, 200, 1000, "POL E", 0, 0},
    {"openbci_multiple_annotation_chans.bdf", RATE, OK, "BDF+C", 19, 125, 30875, "acc1 (G)", 0, 187500},
    {"pyedflib_test_generator_datarec_generator_2.bdf", OK, OK, "BDF+C", 1, 500, 15000, "white noise (499.5 Hz)", 0, 0},
    {"pyedflib_test_legacy.edf", RATE, OK, "EDF", 11, 200, 120000, "file skipped: EDF Annotations", 50, 1000},
    {"sleepedf_SC4001EC-Hypnogram.edf", BAD, BAD, NULL, 0, 0, 0, "annotation-only", 0, 0},
    {"sleepedf_short_psg.edf", RATE, OK, "EDF", 3, 100, 30000, "EMG submental (1 Hz)", 0, 0},
    {"teuniz_test_generator_2.edf", RATE, OK, "EDF+C", 11, 200, 120000, "sine 50 Hz", 50, 1000},
};

static const fact *fact_for(const char *name)
{
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if (strcmp(facts[i].file, name) == 0)
            return &facts[i];
    fail_msg("%s: no expected outcome in this test; add one", name);
    return NULL;
}

static void check_fact(const char *name, const outcome *o)
{
    const fact *f = fact_for(name);
    if (o->status != f->status || o->status_any != f->status_any)
        fail_msg("%s: status %d / %d, expected %d / %d (%s)", name, o->status, o->status_any,
                 f->status, f->status_any, o->err);
    if (f->status == RATE && f->status_any == OK) {
        char rate[32];
        snprintf(rate, sizeof rate, "rate %g Hz", f->rate);
        assert_non_null(strstr(o->err, rate));
    }
    if (f->status_any != OK) {
        if (!strstr(o->err, f->text))
            fail_msg("%s: error '%s' lacks '%s'", name, o->err, f->text);
        return;
    }
    assert_string_equal(o->format, f->format);
    assert_int_equal(o->channels, f->channels);
    assert_true(fabs(o->rate - f->rate) < 1e-9);
    assert_int_equal(o->frames, f->frames);
    if (!strstr(o->notes, f->text) && !strstr(o->labels, f->text))
        fail_msg("%s: neither notes '%s' nor labels '%s' have '%s'", name, o->notes, o->labels,
                 f->text);
    if (f->peak_max > 0.0 && !(o->peak >= f->peak_min && o->peak <= f->peak_max))
        fail_msg("%s: peak %g uV outside %g..%g", name, o->peak, f->peak_min, f->peak_max);
}

static bool is_edf_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".edf") == 0 || strcmp(dot, ".EDF") == 0 || strcmp(dot, ".bdf") == 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void every_file(void **state)
{
    (void)state;
    DIR *d = opendir(data_dir);
    assert_non_null(d);
    char *names[64];
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (is_edf_name(e->d_name) && n < 64)
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    print_message("%-48s %-6s %-6s %4s %9s %9s %12s  %s\n", "file", "open", "any", "ch", "rate",
                  "frames", "peak uV", "reason / notes");
    for (int i = 0; i < n; i++) {
        outcome o;
        run_file(names[i], &o);
        print_message("%-48s %-6d %-6d %4d %9g %9lld %12.1f  %s\n", names[i], o.status,
                      o.status_any, o.channels, o.rate, (long long)o.read, o.peak,
                      o.status != FASC_OK ? strchr(o.err, ' ') + 1 : "");
        if (o.notes[0])
            print_message("    notes: %s\n", o.notes);
        if (o.status_any == FASC_OK)
            assert_int_equal(o.read, o.frames);
        check_fact(names[i], &o);
        free(names[i]);
    }
    assert_int_equal(n, (int)(sizeof facts / sizeof facts[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_file),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
