/* NAME.report.svg: one page a clinician can read in a browser. Top to
 * bottom: key figures; fasciculations per channel over time (a raster,
 * one tick per discharge coloured by motor unit) over the excluded epochs
 * shaded in their class colour; fasciculations per minute of scorable rest
 * as bars; the waveforms of each fasciculating unit overlaid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score_run.h"
#include "svg_trace.h"

#define W 1200
#define LEFT 90
#define RIGHT 20
#define PLOT_W (W - LEFT - RIGHT)
#define BARS_H 140
#define PANEL_W 180
#define PANEL_H 120
#define PANELS_PER_ROW 6
#define MAX_PANELS 18

static const char *const unit_palette[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
                                           "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

static const char *unit_colour(int unit)
{
    return unit > 0 ? unit_palette[(unit - 1) % 10] : "#d62728";
}

/* A discharge's colour in the raster: its unit's if the unit is distinct
 * (in the summary's list), grey otherwise. */
static const char *tick_colour(const fasc_summary *s, int unit)
{
    fasc_summary_unit u;
    for (size_t i = 0; unit > 0 && fasc_summary_unit_at(s, i, &u) == FASC_OK; i++)
        if (u.id == unit)
            return unit_colour(unit);
    return "#888";
}

/* Text with the five XML specials escaped. */
static void put_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A round step for about `ticks` ticks over `span`. */
static double nice_step(double span, int ticks)
{
    const double raw = span / ticks;
    const double p = pow(10.0, floor(log10(raw)));
    const double m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

typedef struct page {
    FILE *f;
    const score_run *run;
    double seconds;
    double raster_top, lane_h;
} page;

static double x_of(const page *p, double t)
{
    return LEFT + (p->seconds > 0 ? t / p->seconds : 0.0) * PLOT_W;
}

static void header(page *p)
{
    fasc_summary_figures f;
    fasc_summary_figures_of(p->run->summary, -1, &f);
    fprintf(p->f, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">", LEFT);
    put_text(p->f, p->run->path);
    fprintf(p->f, "</text>\n<text x=\"%d\" y=\"46\">%.1f min, %d channels, %.0f Hz: "
                  "%llu fasciculations, %.2f per minute of %.1f scorable min, %d units, "
                  "%llu doublets, noise %.1f uV RMS, quality %s</text>\n",
            LEFT, p->seconds / 60.0, p->run->channels, p->run->rate,
            (unsigned long long)f.fasciculations, f.rate_per_min, f.scorable_min, f.units,
            (unsigned long long)f.doublets, f.noise_rms_uv, f.quality.grade);
    for (int i = 0; i < f.quality.reason_count && i < 2; i++) {
        fprintf(p->f, "<text x=\"%d\" y=\"%d\" fill=\"#a33\">", LEFT, 64 + 16 * i);
        put_text(p->f, f.quality.reasons[i]);
        fprintf(p->f, "</text>\n");
    }
}

static void time_axis(const page *p, double y)
{
    const double step = nice_step(p->seconds > 0 ? p->seconds : 1.0, 10);
    const bool minutes = step >= 60.0;
    for (double t = 0; t <= p->seconds + 1e-9; t += step)
        fprintf(p->f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g %s</text>\n",
                x_of(p, t), y, minutes ? t / 60.0 : t, minutes ? "min" : "s");
}

static void raster(page *p)
{
    const int nc = p->run->channels;
    const double top = p->raster_top, h = p->lane_h * nc;
    fprintf(p->f, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">Fasciculations per channel "
                  "(colour: motor unit, grey: none; shaded: excluded epochs)</text>\n", LEFT, top - 8);
    fprintf(p->f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"none\" "
                  "stroke=\"#999\"/>\n", LEFT, top, PLOT_W, h);
    size_t n;
    const fasc_summary_span *sp = fasc_summary_excluded(p->run->summary, &n);
    for (size_t i = 0; i < n; i++) {
        const double y = sp[i].channel < 0 ? top : top + p->lane_h * sp[i].channel;
        const double x0 = x_of(p, sp[i].onset_s), x1 = x_of(p, sp[i].offset_s);
        fprintf(p->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                      "opacity=\"0.2\"/>\n", x0, y, x1 - x0 > 0.5 ? x1 - x0 : 0.5,
                sp[i].channel < 0 ? h : p->lane_h, svg_class_colour(sp[i].cls));
    }
    const fasc_summary_fp *fp = fasc_summary_fasciculations(p->run->summary, &n);
    for (size_t i = 0; i < n; i++) {
        const double x = x_of(p, fp[i].peak_s), y = top + p->lane_h * fp[i].channel;
        fprintf(p->f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                x, x, y + 1, y + p->lane_h - 1, tick_colour(p->run->summary, fp[i].unit));
    }
    const int every = nc <= 32 ? 1 : (nc + 31) / 32;
    for (int c = 0; c < nc; c += every) {
        fprintf(p->f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"%d\">", LEFT - 6,
                top + p->lane_h * (c + 0.5) + 4, p->lane_h < 12 ? 9 : 11);
        put_text(p->f, p->run->labels[c]);
        fprintf(p->f, "</text>\n");
    }
    time_axis(p, top + h + 16);
}

static void rate_bars(const page *p, double top)
{
    const size_t n = fasc_summary_epoch_count(p->run->summary);
    double peak = 1.0;
    for (size_t i = 0; i < n; i++) {
        fasc_summary_epoch e;
        fasc_summary_epoch_at(p->run->summary, i, &e);
        if (e.rate_per_min > peak)
            peak = e.rate_per_min;
    }
    fprintf(p->f, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">Fasciculations per minute of "
                  "scorable rest, per minute of recording</text>\n", LEFT, top - 8);
    fprintf(p->f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n", LEFT,
            LEFT + PLOT_W, top + BARS_H, top + BARS_H);
    fprintf(p->f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">0</text>\n",
            LEFT - 6, top + 10, peak, LEFT - 6, top + BARS_H);
    for (size_t i = 0; i < n; i++) {
        fasc_summary_epoch e;
        fasc_summary_epoch_at(p->run->summary, i, &e);
        const double x0 = x_of(p, e.start_s), x1 = x_of(p, e.start_s + e.length_s);
        const double h = e.rate_per_min / peak * (BARS_H - 4);
        fprintf(p->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                x0 + 1, top + BARS_H - h, x1 - x0 - 2 > 1 ? x1 - x0 - 2 : 1, h,
                e.scorable_min > 0 ? "#d62728" : "#ccc");
    }
    time_axis(p, top + BARS_H + 16);
}

typedef struct overlay {
    FILE *f;
    double x0, y0, scale;
    double fs;
    const char *colour;
    double opacity;
    size_t drawn;
} overlay;

static void draw_wave(void *user, const float *row, size_t length)
{
    overlay *o = user;
    fprintf(o->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-opacity=\"%.2f\" points=\"",
            o->colour, o->opacity);
    for (size_t i = 0; i < length; i++)
        fprintf(o->f, "%.1f,%.1f ", o->x0 + (double)i * (PANEL_W - 10) / (double)length,
                o->y0 + PANEL_H / 2.0 - row[i] * o->scale);
    fprintf(o->f, "\"/>\n");
    o->drawn++;
}

static void largest(void *user, const float *row, size_t length)
{
    double *peak = user;
    for (size_t i = 0; i < length; i++)
        if (fabs(row[i]) > *peak)
            *peak = fabs(row[i]);
}

/* The classifier's running template of the unit, in black over its
 * discharges, aligned on the peak (its window is shorter than theirs). */
static void draw_template(const page *p, int id, overlay *o)
{
    float t[4096];
    const long n = fasc_classifier_unit_template(fasc_get_classifier(p->run->det), id, t, 4096);
    if (n <= 0 || o->fs <= 0.0 || p->run->snippet_length == 0)
        return;
    const long shift = lround(p->run->opt->cfg.detector.snippet_pre_s * o->fs) -
                       lround(p->run->opt->cfg.classifier.unit_pre_s * o->fs);
    const double dx = (PANEL_W - 10) / (double)p->run->snippet_length;
    fprintf(o->f, "<polyline fill=\"none\" stroke=\"#000\" stroke-width=\"1.6\" points=\"");
    for (long j = 0; j < n; j++)
        if (j + shift >= 0 && j + shift < (long)p->run->snippet_length)
            fprintf(o->f, "%.1f,%.1f ", o->x0 + (double)(j + shift) * dx,
                    o->y0 + PANEL_H / 2.0 - t[j] * o->scale);
    fprintf(o->f, "\"/>\n");
}

static void unit_panel(const page *p, int slot, int id, const char *title)
{
    const double x0 = LEFT + (slot % PANELS_PER_ROW) * (PANEL_W + 4);
    const double y0 = p->raster_top + (slot / PANELS_PER_ROW) * (PANEL_H + 24);
    double peak = 1.0;
    score_run_unit_snippets(p->run, id, largest, &peak);
    overlay o = {p->f, x0 + 5, y0, (PANEL_H / 2.0 - 6) / peak, fasc_working_rate(p->run->det),
                 unit_colour(id), 0.3, 0};
    fprintf(p->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"none\" "
                  "stroke=\"#ccc\"/>\n<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", x0, y0,
            PANEL_W, PANEL_H, x0 + 4, y0 - 4);
    put_text(p->f, title);
    fprintf(p->f, "</text>\n");
    score_run_unit_snippets(p->run, id, draw_wave, &o);
    if (id > 0)
        draw_template(p, id, &o);
    fprintf(p->f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#666\">+/-%.0f uV, "
                  "%.0f ms</text>\n", x0 + 4, y0 + PANEL_H - 4, peak,
            o.fs > 0 ? 1000.0 * (double)p->run->snippet_length / o.fs : 0.0);
}

static int units_by_count(const void *a, const void *b)
{
    const fasc_summary_unit *x = a, *y = b;
    return (x->discharges < y->discharges) - (x->discharges > y->discharges);
}

/* Returns the height used. */
static double unit_panels(page *p, double top)
{
    fprintf(p->f, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">Waveforms of each "
                  "fasciculating unit (main channel: up to %d discharges, template in black)</text>\n",
            LEFT, top - 8, SCORE_SNIPPETS_PER_UNIT);
    p->raster_top = top + 16;
    size_t n = fasc_summary_unit_count(p->run->summary);
    fasc_summary_unit units[MAX_PANELS * 4];
    if (n > sizeof units / sizeof units[0])
        n = sizeof units / sizeof units[0];
    for (size_t i = 0; i < n; i++)
        fasc_summary_unit_at(p->run->summary, i, &units[i]);
    qsort(units, n, sizeof units[0], units_by_count);
    if (n > MAX_PANELS)
        n = MAX_PANELS;
    char title[160];
    for (size_t i = 0; i < n; i++) {
        snprintf(title, sizeof title, "unit %d, %s: %llu, %.2f/min", units[i].id,
                 p->run->labels[units[i].main_channel], (unsigned long long)units[i].discharges,
                 units[i].rate_per_min);
        unit_panel(p, (int)i, units[i].id, title);
    }
    size_t fp_count;
    fasc_summary_fasciculations(p->run->summary, &fp_count);
    if (n == 0 && fp_count > 0) {
        unit_panel(p, 0, 0, "fasciculations (no units assigned)");
        n = 1;
    } else if (n == 0) {
        fprintf(p->f, "<text x=\"%d\" y=\"%.1f\">no fasciculations</text>\n", LEFT, top + 20);
    }
    const size_t rows = n ? (n + PANELS_PER_ROW - 1) / PANELS_PER_ROW : 1;
    return 16 + (double)rows * (PANEL_H + 24);
}

int score_write_report(const char *path, const score_run *run)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    page p = {f, run, fasc_summary_duration_s(run->summary), 110, 0};
    const int nc = run->channels;
    p.lane_h = nc * 14 <= 420 ? 14 : 420.0 / nc;
    if (p.lane_h < 2)
        p.lane_h = 2;
    const double raster_h = p.lane_h * nc;
    const double bars_top = p.raster_top + raster_h + 60;
    const double units_top = bars_top + BARS_H + 60;
    const size_t units = fasc_summary_unit_count(run->summary);
    const size_t rows = units ? ((units < MAX_PANELS ? units : MAX_PANELS) + PANELS_PER_ROW - 1) /
                                    PANELS_PER_ROW
                              : 1;
    const double height = units_top + 16 + (double)rows * (PANEL_H + 24) + 20;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, height);
    header(&p);
    raster(&p);
    rate_bars(&p, bars_top);
    unit_panels(&p, units_top);
    fprintf(f, "</svg>\n");
    const int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}
