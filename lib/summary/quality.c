/* The quality grade of a channel or a recording (thresholds: summary.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "summary_internal.h"

enum { GOOD, FAIR, POOR };
static const char *const grade_names[] = {"good", "fair", "poor"};

typedef struct grading {
    fasc_quality *q;
    int level;
} grading;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void finding(grading *g, int level, const char *fmt, ...)
{
    if (level > g->level)
        g->level = level;
    if (g->q->reason_count >= FASC_SUMMARY_MAX_REASONS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->q->reasons[g->q->reason_count++], sizeof g->q->reasons[0], fmt, ap);
    va_end(ap);
}

void fasc_summary_grade(const fasc_summary *s, fasc_summary_figures *f, bool overall,
                        int poor_channels)
{
    memset(&f->quality, 0, sizeof f->quality);
    grading g = {&f->quality, GOOD};
    const double total_min = s->duration_s / 60.0;
    const double share = total_min > 0.0 ? f->scorable_min / total_min : 0.0;
    if (share < 0.2)
        finding(&g, POOR, "only %.0f %% of the recording is scorable rest", 100.0 * share);
    else if (share < 0.5)
        finding(&g, FAIR, "only %.0f %% of the recording is scorable rest", 100.0 * share);
    if (f->noise_rms_uv <= 0.0)
        finding(&g, POOR, "noise level never estimated (flat or too short)");
    else if (f->noise_rms_uv > 50.0)
        finding(&g, POOR, "noise %.1f uV RMS (above 50)", f->noise_rms_uv);
    else if (f->noise_rms_uv > 20.0)
        finding(&g, FAIR, "noise %.1f uV RMS (above 20)", f->noise_rms_uv);
    if (overall) {
        if (f->scorable_min < 5.0)
            finding(&g, FAIR, "%.1f min of scorable rest (5 or more recommended)",
                    f->scorable_min);
        if (s->nonfinite > 0)
            finding(&g, FAIR, "%llu non-finite samples replaced by 0",
                    (unsigned long long)s->nonfinite);
        if (s->dropped > 0)
            finding(&g, FAIR, "%llu events lost to a full queue", (unsigned long long)s->dropped);
        if (2 * poor_channels >= s->cfg.channels && poor_channels > 0)
            finding(&g, POOR, "%d of %d channels graded poor", poor_channels, s->cfg.channels);
    }
    f->quality.grade = grade_names[g.level];
}
