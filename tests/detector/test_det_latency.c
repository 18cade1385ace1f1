/* Every event is queued by the process call that consumes input sample
 * offset + fasc_detector_latency() at the latest (block length 1, a dense
 * mix of single spikes, pairs, long artefacts and doublets). */
#include "fasc/detector.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "dtu.h"

enum { FS = 2048, N = 4 * FS, C = 6 };

static void latency_bound(void **state)
{
    (void)state;
    fasc_detector_config cfg = dtu_config(C);
    float *x = dtu_noise(C, N, 3u, 5.0f);
    uint32_t s = 5u;
    for (int k = 0; k < 50; k++) {
        s = s * 1664525u + 1013904223u;
        size_t at = FS + (s >> 8) % (N - FS - 300);
        int c = (int)((s >> 3) % C);
        dtu_spike(x, N, c, at, 60.0f, 1);
        if (k % 3 == 0 && c + 1 < C)
            dtu_spike(x, N, c + 1, at + 3, 50.0f, -1);
        if (k % 5 == 0) /* a 100 ms burst: cut at max_event_s */
            for (int j = 0; j < 20; j++)
                dtu_spike(x, N, c, at + 10 + 10 * (size_t)j, 40.0f, 1);
    }
    fasc_detector *det = NULL;
    assert_int_equal(fasc_detector_create(&cfg, &det), FASC_OK);
    const fasc_index latency = fasc_detector_latency(det);
    /* 10 ms centring + 3 ms group window + 60 ms longest run + 4 ms, and
     * 60 ms more while an earlier neighbouring event is verified first */
    assert_int_equal(latency, 10 + 6 + 123 + 8 + 123);
    dtu_events e = {0};
    dtu_feed(det, &e, x, N, 1u, 1, 0);
    assert_true(e.n > 30);
    fasc_index worst = 0;
    int long_events = 0;
    for (size_t i = 0; i < e.n; i++) {
        fasc_index lag = e.avail[i] - 1 - e.ev[i].offset;
        worst = lag > worst ? lag : worst;
        long_events += (e.ev[i].flags & FASC_DETECTION_LONG) != 0;
        if (lag > latency)
            fail_msg("event %zu (offset %ld) queued after input %ld: %ld > %ld",
                     i, (long)e.ev[i].offset, (long)e.avail[i] - 1, (long)lag,
                     (long)latency);
    }
    assert_true(long_events > 0);
    printf("worst observed lag %ld of %ld samples\n", (long)worst, (long)latency);
    dtu_free(&e);
    fasc_detector_destroy(&det);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(latency_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
