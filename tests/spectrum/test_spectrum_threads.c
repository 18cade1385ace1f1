/* Estimators created, used and destroyed in several threads at once: FFTW's
 * planner is not thread-safe, so this relies on the library's planner lock. */
#include "fasc/spectrum.h"

#include <pthread.h>
#include <string.h>

#include "signals.h"

enum { THREADS = 4, ROUNDS = 12, SAMPLES = 6000 };

typedef struct worker {
    const float *x;
    int failures;
} worker;

static int psd_of(const float *x, size_t segment, float *psd, size_t capacity)
{
    fasc_spectrum_config cfg;
    fasc_spectrum_config_default(&cfg);
    cfg.sample_rate = 1000.0;
    cfg.segment_length = segment;
    fasc_spectrum *sp = NULL;
    if (fasc_spectrum_create(&cfg, &sp) != FASC_OK)
        return -1;
    const float *ch[1] = {x};
    int st = fasc_spectrum_process(sp, ch, SAMPLES);
    if (st == FASC_OK)
        st = fasc_spectrum_psd(sp, 0, psd, capacity);
    fasc_spectrum_destroy(&sp);
    return st;
}

/* Varied lengths make every thread plan anew rather than share a plan. */
static size_t segment_for(size_t round)
{
    return 64 + 37 * round;
}

static void *work(void *arg)
{
    worker *w = arg;
    float got[1024], want[1024];
    for (size_t r = 0; r < ROUNDS; r++) {
        if (psd_of(w->x, segment_for(r), got, 1024) != FASC_OK ||
            psd_of(w->x, segment_for(r), want, 1024) != FASC_OK ||
            memcmp(got, want, (segment_for(r) / 2 + 1) * sizeof got[0]) != 0)
            w->failures++;
    }
    return NULL;
}

static void concurrent_estimators_agree_with_themselves(void **state)
{
    (void)state;
    float *x = zeros(SAMPLES);
    add_noise(x, SAMPLES, 1.0, 3);
    worker workers[THREADS];
    pthread_t threads[THREADS];
    for (size_t t = 0; t < THREADS; t++) {
        workers[t] = (worker){x, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
    }
    for (size_t t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(threads[t], NULL), 0);
        assert_int_equal(workers[t].failures, 0);
    }
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(concurrent_estimators_agree_with_themselves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
