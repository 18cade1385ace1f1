/* The one lock around EDFlib's process-wide table of open files. */
#include <pthread.h>

#include "reader_internal.h"

static pthread_mutex_t edf_table_lock = PTHREAD_MUTEX_INITIALIZER;

void fasc_edf_lock(void)
{
    pthread_mutex_lock(&edf_table_lock);
}

void fasc_edf_unlock(void)
{
    pthread_mutex_unlock(&edf_table_lock);
}
