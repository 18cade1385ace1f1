/* One discharge read twice is one event: a candidate whose peak lies
 * within the refractory time of a discharge already accepted on its main
 * channel or a neighbour is its repeat, on either side of that peak (the
 * readings are timed after their runs are found, at zero phase or on a
 * template's main phase, so the second can land a sample before the
 * first: seed 4 of the classifier benchmark gave two fasciculations of
 * one unit on ch5 a sample apart). A smaller after-effect counts only
 * after the discharge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/detector/det_internal.h"
#include "dtu.h"

enum { C = 7 };

static fasc_detection candidate(int main_channel, fasc_index peak, float p2p)
{
    fasc_detection ev;
    memset(&ev, 0, sizeof ev);
    ev.main_channel = main_channel;
    ev.peak = peak;
    ev.onset = peak - 20;
    ev.offset = peak + 20;
    ev.peak_to_peak_uv = p2p;
    ev.channel_count = 1;
    ev.channels[0] = main_channel;
    ev.channel_peak[0] = peak;
    ev.channel_peak_to_peak_uv[0] = p2p;
    return ev;
}

static void repeats_on_either_side(void **state)
{
    (void)state;
    const fasc_detector_config cfg = dtu_config(C);
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    const fasc_index at = 100000;
    const int r = det->d.refractory_n, sh = det->d.shadow_n;
    assert_true(r > 2 && sh > r + 2);
    det->ch[3].last_peak = at;
    det->ch[3].last_p2p = 100.0f;
    struct {
        int channel;
        fasc_index peak;
        float p2p;
        bool repeat;
    } const cases[] = {
        {3, at, 100.0f, true},
        {3, at + 1, 100.0f, true},
        {3, at - 1, 100.0f, true}, /* the reading a sample early */
        {3, at - (r - 1), 100.0f, true},
        {3, at + (r - 1), 100.0f, true},
        {3, at - r, 100.0f, false},
        {3, at + r, 100.0f, false},
        {2, at - 1, 90.0f, true}, /* on a neighbour */
        {4, at + 2, 90.0f, true},
        {5, at, 100.0f, false}, /* two channels away */
        {3, at + r + 1, 40.0f, true}, /* a smaller after-effect */
        {3, at - r - 1, 40.0f, false}, /* a smaller one before is no after-effect */
        {3, at + sh, 40.0f, false},
        {3, at - 5000, 100.0f, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const fasc_detection ev = candidate(cases[i].channel, cases[i].peak, cases[i].p2p);
        if (fasc_det_repeats_accepted(det, &ev) != cases[i].repeat)
            fail_msg("channel %d, peak %+ld from the accepted one, %.0f uV: %s expected",
                     cases[i].channel, (long)(cases[i].peak - at), (double)cases[i].p2p,
                     cases[i].repeat ? "a repeat" : "no repeat");
    }
    fasc_detector_destroy(&det);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repeats_on_either_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
