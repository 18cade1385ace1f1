/* The README's API example, complete: synthesise 60 s of 8-channel sEMG
 * with fasciculations and heartbeats, stream it through the composed
 * detector, and print every classified event. */
#include <stdio.h>
#include <stdlib.h>

#include <fasc/fasc.h>
#include <fasc/synth.h>

int main(void)
{
    fasc_synth_config sc; fasc_synth_config_default(&sc); sc.ecg = true; sc.snr_db = 20;
    fasc_config cfg;      fasc_config_default(&cfg);      cfg.channels = 8;
    fasc_synth *gen; fasc *det;
    if (fasc_synth_create(&sc, &gen) || fasc_create(&cfg, &det)) return 1;
    float *x[8];
    for (int c = 0; c < 8; c++) x[c] = malloc(2048 * sizeof(float));
    fasc_event ev;
    for (int s = 0; s <= 60; s++) {                        /* 1 s blocks, µV */
        if (s < 60) {
            fasc_synth_generate(gen, x, 2048, NULL, NULL);
            fasc_process(det, (const float *const *)x, 2048);
        } else {
            fasc_flush(det);                               /* end of input */
        }
        while (fasc_next(det, &ev, NULL, 0) == 1)    /* channel -1: all of them */
            printf("%8.3f s  ch%-3d %-14s unit %d  %6.1f uV  conf %.2f\n",
                   ev.peak / 2048.0, ev.channel + 1, fasc_class_name(ev.cls), ev.unit,
                   ev.peak_to_peak_uv, ev.confidence);
    }

    /* Not in the README: the totals, and clean up. */
    fasc_channel_totals tot;
    fasc_classifier_totals(fasc_get_classifier(det), -1, &tot);
    printf("%llu fasciculations in %.1f s of scorable rest, %d distinct units\n",
           (unsigned long long)tot.fasciculations, tot.scorable_s,
           fasc_classifier_distinct_units(fasc_get_classifier(det)));
    for (int c = 0; c < 8; c++) free(x[c]);
    fasc_destroy(&det);
    fasc_synth_destroy(&gen);
    return 0;
}
