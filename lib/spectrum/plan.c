/* FFTW plan creation and destruction under a process-wide lock. FFTW's
 * planner keeps global state and "only fftw_execute is thread-safe" (FFTW
 * 3.3 manual, section 5.4). fftwf_make_planner_thread_safe() would need
 * libfftw3f_threads, which pkg-config's fftw3f does not link; a static
 * mutex is simpler and covers every libfasc object. */
#include <pthread.h>

#include "spectrum_internal.h"

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

fftwf_plan fasc_spectrum_plan_r2c(int n, float *in, fftwf_complex *out)
{
    pthread_mutex_lock(&planner_lock);
    fftwf_plan plan = fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
    return plan;
}

void fasc_spectrum_plan_destroy(fftwf_plan plan)
{
    if (!plan)
        return;
    pthread_mutex_lock(&planner_lock);
    fftwf_destroy_plan(plan);
    pthread_mutex_unlock(&planner_lock);
}
