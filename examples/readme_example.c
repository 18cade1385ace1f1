/* The README's API example, complete: synthesise one second of 8-channel
 * sEMG and run it through the default filter bank. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <fasc/filterbank.h>
#include <fasc/synth.h>

int main(void)
{
    fasc_synth_config sc;      fasc_synth_config_default(&sc);      sc.channels = 8;
    fasc_filterbank_config fc; fasc_filterbank_config_default(&fc); fc.channels = 8;
    fasc_synth *gen;  fasc_filterbank *fb;
    if (fasc_synth_create(&sc, &gen) || fasc_filterbank_create(&fc, &fb)) return 1;
    float *in[8], *out[8 * 5];              /* broadband + 4 bands per channel */
    for (int i = 0; i < 40; i++) out[i] = malloc(2048 * sizeof(float));
    for (int c = 0; c < 8; c++) in[c] = malloc(2048 * sizeof(float));
    fasc_synth_generate(gen, in, 2048, NULL, NULL);                  /* 1 s, µV */
    fasc_filterbank_process(fb, (const float *const *)in, 2048, out, 2048, NULL);

    /* Not in the README: report and clean up. */
    double ss = 0.0;
    for (int i = 1024; i < 2048; i++)
        ss += (double)out[0][i] * out[0][i];
    printf("ch1 broadband RMS over the second half: %.2f µV (noise set to %.2f µV)\n",
           sqrt(ss / 1024.0), fasc_synth_noise_rms_uv(gen));
    for (int i = 0; i < 40; i++) free(out[i]);
    for (int c = 0; c < 8; c++) free(in[c]);
    fasc_filterbank_destroy(&fb);
    fasc_synth_destroy(&gen);
    return 0;
}
