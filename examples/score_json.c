/* fasc-score's JSON outputs: the events sidecar and the summary. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "score_run.h"

/* Prints root to path (a temporary file of the caller); frees root. */
static int save(cJSON *root, const char *path)
{
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    FILE *f = fopen(path, "w");
    int rc = -1;
    if (f) {
        const int bad = fputs(text, f) < 0 || fputc('\n', f) == EOF;
        rc = fclose(f) != 0 || bad ? -1 : 0;
    }
    free(text);
    return rc;
}

static void column(cJSON *root, const char *name, const char *long_name, const char *description,
                   const char *units)
{
    cJSON *c = cJSON_AddObjectToObject(root, name);
    cJSON_AddStringToObject(c, "LongName", long_name);
    cJSON_AddStringToObject(c, "Description", description);
    if (units)
        cJSON_AddStringToObject(c, "Units", units);
}

int score_write_sidecar(const char *path)
{
    cJSON *root = cJSON_CreateObject();
    column(root, "onset", "Onset", "Start of the event or epoch, from the first sample of the recording", "s");
    column(root, "duration", "Duration", "Length of the event or epoch", "s");
    column(root, "peak", "Peak time", "Largest absolute deflection on the main channel (epochs: their onset)", "s");
    column(root, "channel", "Main channel", "Label of the channel with the largest peak-to-peak amplitude; n/a for epochs of all channels", NULL);
    cJSON *cls = cJSON_AddObjectToObject(root, "class");
    cJSON_AddStringToObject(cls, "LongName", "Event class");
    cJSON_AddStringToObject(cls, "Description", "What the classifier decided the event is");
    cJSON *levels = cJSON_AddObjectToObject(cls, "Levels");
    cJSON_AddStringToObject(levels, "fasciculation", "Isolated spontaneous discharge of a motor unit at rest");
    cJSON_AddStringToObject(levels, "voluntary", "Voluntary contraction epoch or a discharge inside one (excluded from scoring)");
    cJSON_AddStringToObject(levels, "ecg", "Heartbeat (QRS complex) or a discharge-like ECG deflection");
    cJSON_AddStringToObject(levels, "movement", "Movement artefact (excluded from scoring)");
    cJSON_AddStringToObject(levels, "electrode_pop", "Electrode pop: a step on one channel with slow decay (excluded)");
    cJSON_AddStringToObject(levels, "noise", "Deflection no motor-unit potential has (too short, too many phases)");
    column(root, "unit", "Motor unit", "Number of the fasciculating motor unit (same number, same unit); n/a for other classes", NULL);
    column(root, "peak_to_peak_uv", "Peak-to-peak amplitude", "Maximum minus minimum on the main channel within the event; n/a for epochs", "uV");
    column(root, "phases", "Phases", "Baseline crossings + 1 of the main-channel waveform; n/a for epochs", NULL);
    column(root, "confidence", "Confidence", "Margin of the deciding statistic over its threshold, mapped to 0..1", NULL);
    cJSON *gen = cJSON_AddObjectToObject(root, "GeneratedBy");
    cJSON_AddStringToObject(gen, "Name", "fasc-score (libfasc)");
    cJSON_AddStringToObject(gen, "Version", fasc_version());
    return save(root, path);
}

static void add_quality(cJSON *o, const fasc_quality *q)
{
    cJSON_AddStringToObject(o, "quality", q->grade);
    cJSON *reasons = cJSON_AddArrayToObject(o, "quality_reasons");
    for (int i = 0; i < q->reason_count; i++)
        cJSON_AddItemToArray(reasons, cJSON_CreateString(q->reasons[i]));
}

static cJSON *figures_json(const fasc_summary_figures *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "fasciculations", (double)f->fasciculations);
    cJSON_AddNumberToObject(o, "rate_per_min", f->rate_per_min);
    cJSON_AddNumberToObject(o, "scorable_min", f->scorable_min);
    cJSON_AddNumberToObject(o, "excluded_min", f->excluded_min);
    cJSON_AddNumberToObject(o, "units", f->units);
    cJSON_AddNumberToObject(o, "doublets", (double)f->doublets);
    cJSON_AddNumberToObject(o, "noise_rms_uv", f->noise_rms_uv);
    add_quality(o, &f->quality);
    return o;
}

static void add_units(cJSON *root, const score_run *run)
{
    cJSON *units = cJSON_AddArrayToObject(root, "units");
    for (size_t i = 0; i < fasc_summary_unit_count(run->summary); i++) {
        fasc_summary_unit u;
        fasc_summary_unit_at(run->summary, i, &u);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "unit", u.id);
        cJSON_AddStringToObject(o, "channel", run->labels[u.main_channel]);
        cJSON_AddNumberToObject(o, "discharges", (double)u.discharges);
        cJSON_AddNumberToObject(o, "rate_per_min", u.rate_per_min);
        cJSON_AddNumberToObject(o, "doublets", (double)u.doublets);
        cJSON_AddNumberToObject(o, "median_peak_to_peak_uv", u.median_peak_to_peak_uv);
        cJSON_AddItemToArray(units, o);
    }
}

static void add_epochs(cJSON *root, const score_run *run)
{
    cJSON *epochs = cJSON_AddArrayToObject(root, "epochs");
    for (size_t i = 0; i < fasc_summary_epoch_count(run->summary); i++) {
        fasc_summary_epoch e;
        fasc_summary_epoch_at(run->summary, i, &e);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "start_s", e.start_s);
        cJSON_AddNumberToObject(o, "length_s", e.length_s);
        cJSON_AddNumberToObject(o, "scorable_min", e.scorable_min);
        cJSON_AddNumberToObject(o, "fasciculations", (double)e.fasciculations);
        cJSON_AddNumberToObject(o, "rate_per_min", e.rate_per_min);
        cJSON_AddNumberToObject(o, "peak_to_peak_q1_uv", e.p2p_q1_uv);
        cJSON_AddNumberToObject(o, "peak_to_peak_q3_uv", e.p2p_q3_uv);
        cJSON_AddNumberToObject(o, "peak_to_peak_iqr_uv", e.p2p_iqr_uv);
        cJSON_AddItemToArray(epochs, o);
    }
}

static void add_param(void *user, const char *name, double value)
{
    cJSON_AddNumberToObject((cJSON *)user, name, value);
}

static void add_interference(cJSON *root, const score_run *run)
{
    cJSON *mains = cJSON_AddObjectToObject(root, "mains");
    const fasc_mains used = fasc_filterbank_mains(fasc_get_filterbank(run->det));
    cJSON_AddNumberToObject(mains, "notch_hz", used == FASC_MAINS_50HZ ? 50 : used == FASC_MAINS_60HZ ? 60 : 0);
    if (run->mains_measured) {
        cJSON_AddNumberToObject(mains, "detected_hz", run->mains.frequency);
        cJSON_AddNumberToObject(mains, "line_rms_uv", sqrt(run->mains.line_power));
        cJSON_AddNumberToObject(mains, "harmonics_rms_uv", sqrt(run->mains.harmonic_power));
    }
    cJSON *ecg = cJSON_AddObjectToObject(root, "ecg");
    const double minutes = fasc_summary_duration_s(run->summary) / 60.0;
    /* Present: at least 20 beats a minute were found (a heart at rest beats 50-100). */
    cJSON_AddBoolToObject(ecg, "present", minutes > 0 && (double)run->heartbeats / minutes >= 20.0);
    cJSON_AddNumberToObject(ecg, "heartbeats", (double)run->heartbeats);
    cJSON_AddNumberToObject(ecg, "heart_rate_bpm", run->heart_rate_bpm);
}

int score_write_summary(const char *path, const score_run *run)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "file", run->path);
    cJSON_AddStringToObject(root, "format", fasc_reader_format(run->reader));
    cJSON_AddNumberToObject(root, "sample_rate_hz", run->rate);
    cJSON_AddNumberToObject(root, "duration_min", fasc_summary_duration_s(run->summary) / 60.0);
    cJSON_AddNumberToObject(root, "channels_scored", run->channels);
    cJSON_AddStringToObject(root, "software", "libfasc");
    cJSON_AddStringToObject(root, "version", fasc_version());
    fasc_summary_figures f;
    fasc_summary_figures_of(run->summary, -1, &f);
    cJSON_AddItemToObject(root, "overall", figures_json(&f));
    cJSON *channels = cJSON_AddArrayToObject(root, "channels");
    for (int c = 0; c < run->channels; c++) {
        fasc_summary_figures_of(run->summary, c, &f);
        cJSON *o = figures_json(&f);
        cJSON_AddStringToObject(o, "label", run->labels[c]);
        cJSON_AddItemToArray(channels, o);
    }
    add_units(root, run);
    add_epochs(root, run);
    add_interference(root, run);
    cJSON *classes = cJSON_AddObjectToObject(root, "events_by_class");
    for (int k = 0; k < FASC_CLASS_COUNT; k++)
        cJSON_AddNumberToObject(classes, fasc_class_name((fasc_class)k),
                                (double)fasc_summary_class_count(run->summary, (fasc_class)k));
    cJSON_AddNumberToObject(root, "nonfinite_samples", (double)run->nonfinite);
    cJSON_AddNumberToObject(root, "dropped_events", (double)fasc_dropped(run->det));
    cJSON *notes = cJSON_AddArrayToObject(root, "notes");
    for (size_t i = 0; i < fasc_reader_note_count(run->reader); i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(fasc_reader_note(run->reader, i)));
    score_options_visit(run->opt, add_param, cJSON_AddObjectToObject(root, "settings"));
    return save(root, path);
}
