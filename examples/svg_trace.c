#include "svg_trace.h"
#include "text_file.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 1200
#define LANE 140
#define LEFT 70
#define TOP 40

const char *svg_class_colour(fasc_class cls)
{
    switch (cls) {
    case FASC_CLASS_FASCICULATION: return "#d62728";
    case FASC_CLASS_VOLUNTARY: return "#1f77b4";
    case FASC_CLASS_ECG: return "#2ca02c";
    case FASC_CLASS_MOVEMENT: return "#9467bd";
    case FASC_CLASS_ELECTRODE_POP: return "#ff7f0e";
    default: return "#7f7f7f";
    }
}

/* Each pixel column draws the min and max of its samples, so a 5 ms spike
 * stays visible however many samples share a pixel. */
static void write_lane(FILE *f, const float *x, size_t n, double top, double scale)
{
    const int plot_w = WIDTH - LEFT - 20;
    fprintf(f, "<polyline fill=\"none\" stroke=\"#222\" stroke-width=\"0.7\" points=\"");
    for (int px = 0; px < plot_w; px++) {
        size_t a = (size_t)((double)px * n / plot_w), b = (size_t)((double)(px + 1) * n / plot_w);
        if (b <= a) b = a + 1;
        if (a >= n) break;
        if (b > n) b = n;
        float lo = x[a], hi = x[a];
        for (size_t i = a; i < b; i++) {
            if (x[i] < lo) lo = x[i];
            if (x[i] > hi) hi = x[i];
        }
        const double mid = top + LANE / 2.0;
        fprintf(f, "%d,%.1f %d,%.1f ", LEFT + px, mid - hi * scale, LEFT + px, mid - lo * scale);
    }
    fprintf(f, "\"/>\n");
}

int svg_trace_write(const char *path, const char *title, double fs,
                    const float *const *samples, int channels, size_t n,
                    const svg_mark *marks, size_t mark_count)
{
    text_file tf;
    if (text_file_open(&tf, path) != 0)
        return -1;
    FILE *f = tf.f;
    /* One vertical scale for all lanes: robust peak (99.9th percentile by
     * a coarse histogram would do; max of |x| clipped to 4x RMS is simpler
     * and keeps artefacts from flattening the EMG). */
    double ss = 0.0, peak = 0.0;
    for (int c = 0; c < channels; c++)
        for (size_t i = 0; i < n; i++) {
            ss += (double)samples[c][i] * samples[c][i];
            if (fabs(samples[c][i]) > peak) peak = fabs(samples[c][i]);
        }
    const double rms = sqrt(ss / ((double)n * channels + 1e-9));
    double range = peak < 6.0 * rms ? peak : 6.0 * rms;
    if (!(range > 0.0)) range = 1.0;
    const double scale = (LANE / 2.0 - 4.0) / range;
    const int height = TOP + LANE * channels + 50;
    const int plot_w = WIDTH - LEFT - 20;
    const double seconds = (double)n / fs;

    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, height);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>\n", LEFT, title);
    for (size_t k = 0; k < mark_count; k++) {
        const svg_mark *m = &marks[k];
        if (m->time_s < 0.0 || m->time_s > seconds)
            continue;
        const double x = LEFT + m->time_s / seconds * plot_w;
        const double y0 = m->channel < 0 ? TOP : TOP + LANE * m->channel;
        const double h = m->channel < 0 ? LANE * channels : LANE;
        if (m->duration_s > 0.2) {
            const double w = m->duration_s / seconds * plot_w;
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                       "opacity=\"0.12\"/>\n", x, y0, w, h, svg_class_colour(m->cls));
        } else {
            fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                       "stroke-width=\"1.2\" opacity=\"0.7\"/>\n", x, x, y0, y0 + h, svg_class_colour(m->cls));
        }
    }
    for (int c = 0; c < channels; c++) {
        const double top = TOP + LANE * c;
        fprintf(f, "<text x=\"8\" y=\"%.1f\">ch%d</text>\n", top + LANE / 2.0 + 4, c + 1);
        write_lane(f, samples[c], n, top, scale);
    }
    const double bottom = TOP + LANE * channels;
    for (int s = 0; s <= (int)seconds; s++) {
        const double x = LEFT + s / seconds * plot_w;
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d s</text>\n", x, bottom + 16, s);
    }
    fprintf(f, "<text x=\"%d\" y=\"%.1f\">scale: lane half-height = %.0f µV", LEFT, bottom + 38, range);
    for (int k = 0; k < FASC_CLASS_COUNT; k++)
        fprintf(f, "  <tspan fill=\"%s\">■ %s</tspan>", svg_class_colour((fasc_class)k),
                fasc_class_name((fasc_class)k));
    fprintf(f, "</text>\n</svg>\n");
    return text_file_commit(&tf);
}
