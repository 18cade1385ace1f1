/* Accuracy of the default filter bank + detector on fasc-synth recordings
 * at rest (8 channels on a line, 5 minutes, 20 FPs per minute, seeds 1-3 or
 * those given as `--seeds FIRST-LAST`, e.g. 4-7 to check on recordings not
 * used while developing):
 * sensitivity, precision and detections per minute over SNR, then at 20 dB
 * with the noise doubling half-way (two recordings of one seed spliced at
 * 2.5 min) and with 50 Hz mains on. Matching: peaks within 5 ms, same or
 * neighbouring channel, one-to-one (fasc_eval_match, as fasc-eval). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tests/detector/det_pipeline.h"

enum { CHANNELS = 8 };
static const double minutes = 5.0;
static int first_seed = 1, last_seed = 3;

static int row(const char *label, double snr, double snr2, double mains)
{
    double sens = 0, prec = 0, per_min = 0;
    size_t truth = 0, found = 0;
    const int seeds = last_seed - first_seed + 1;
    for (int k = 0; k < seeds; k++) {
        pipe_config pc = {CHANNELS, minutes * 60.0, snr, snr2, (uint64_t)(first_seed + k), mains};
        pipe_result r;
        if (pipe_run(&pc, &r) != 0)
            return 1;
        pipe_score s = pipe_evaluate(&r, pc.seconds, 2048.0);
        sens += s.sensitivity / seeds;
        prec += s.precision / seeds;
        per_min += s.per_minute / seeds;
        truth += r.truth.n;
        found += r.det.n;
        pipe_free(&r);
    }
    printf("%-24s %8zu %8zu %12.3f %10.3f %10.1f\n", label, truth, found, sens, prec, per_min);
    return 0;
}

int main(int argc, char **argv)
{
    static const double snrs[] = {6, 10, 14, 20, 26};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc &&
            sscanf(argv[i + 1], "%d-%d", &first_seed, &last_seed) == 2 && first_seed >= 1 &&
            last_seed >= first_seed) {
            i++;
            continue;
        }
        fprintf(stderr, "usage: %s [--seeds FIRST-LAST]   (default 1-3)\n", argv[0]);
        return strcmp(argv[i], "--help") == 0 ? 0 : 2;
    }
    printf("default filter bank + detector on fasc-synth at rest: %d channels, %.0f min,"
           " seeds %d-%d (means)\n", CHANNELS, minutes, first_seed, last_seed);
    printf("%-24s %8s %8s %12s %10s %10s\n", "recording", "true", "found", "sensitivity",
           "precision", "det/min");
    char label[64];
    for (size_t i = 0; i < sizeof snrs / sizeof snrs[0]; i++) {
        snprintf(label, sizeof label, "%.0f dB", snrs[i]);
        if (row(label, snrs[i], NAN, 0.0))
            return 1;
    }
    if (row("20 dB, noise x2 at 2.5 min", 20.0, 20.0 - 6.0206, 0.0) ||
        row("20 dB, 50 Hz mains", 20.0, NAN, 50.0))
        return 1;
    return 0;
}
