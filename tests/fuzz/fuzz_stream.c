#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fasc/filterbank.h"
#include "fasc/detector.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 8) return 0;
    int channels = 1 + data[0] % 12;
    double rates[4] = {500, 2048, 8000, 44100};
    double fs = rates[data[1] % 4];
    unsigned block = 1 + data[2] % 300;
    float scale = (data[3] % 3 == 0) ? 1e-30f : (data[3] % 3 == 1 ? 1.0f : 1e20f);
    data += 8; size -= 8;
    fasc_filterbank_config fc; fasc_filterbank_config_default(&fc); fc.channels = channels; fc.sample_rate = fs;
    fasc_filterbank *fb; if (fasc_filterbank_create(&fc, &fb)) return 0;
    fasc_detector_config dc; fasc_detector_config_default(&dc); dc.channels = channels; dc.sample_rate = fasc_filterbank_output_rate(fb);
    size_t ns; fasc_filterbank_prefilter(fb, dc.prefilter, FASC_DETECTOR_MAX_PREFILTER, &ns); dc.prefilter_sections = (int)ns;
    fasc_detector *det; if (fasc_detector_create(&dc, &det)) { fasc_filterbank_destroy(&fb); return 0; }
    int streams = fasc_filterbank_streams(fb);
    size_t frames = size / (2 * (size_t)channels);
    /* stretch the input: repeat it to reach a few seconds */
    size_t total = frames * 64 + (size_t)(fs * 2);
    float *in[12], *out[12 * 17]; for (int c = 0; c < channels; c++) in[c] = malloc(block * sizeof(float));
    for (int i = 0; i < streams * channels; i++) out[i] = malloc(block * sizeof(float));
    uint32_t rng = 1;
    for (size_t pos = 0; pos < total; pos += block) {
        size_t n = total - pos < block ? total - pos : block;
        for (int c = 0; c < channels; c++) for (size_t i = 0; i < n; i++) {
            size_t k = frames ? ((pos + i) % frames) * (size_t)channels + (size_t)c : 0;
            int16_t v = frames ? (int16_t)(data[2 * k] | (data[2 * k + 1] << 8)) : 0;
            rng = rng * 1664525u + 1013904223u;
            float x = (float)v * scale + (float)((int)(rng >> 16) - 32768) * 0.001f;
            if (v == 32767) x = NAN; else if (v == -32768) x = INFINITY;
            in[c][i] = x;
        }
        size_t produced;
        if (fasc_filterbank_process(fb, (const float *const *)in, n, out, block, &produced)) break;
        if (fasc_detector_process(det, (const float *const *)out, produced)) break;
        fasc_detection ev; static float snip[16 * 4096];
        while (fasc_detector_next(det, &ev, snip, sizeof snip / sizeof snip[0]) == 1) {}
    }
    fasc_detector_flush(det);
    fasc_detection ev; while (fasc_detector_next(det, &ev, NULL, 0) == 1) {}
    for (int c = 0; c < channels; c++) free(in[c]);
    for (int i = 0; i < streams * channels; i++) free(out[i]);
    fasc_detector_destroy(&det); fasc_filterbank_destroy(&fb);
    return 0;
}
