/* The allocator wrap (-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc):
 * the program defines __wrap_*, which reach the C library through
 * __real_*. Shared by the fault-injection test and the performance
 * report, which count (and fail) the library's allocations. */
#ifndef FASC_ALLOC_WRAP_H
#define FASC_ALLOC_WRAP_H

#include <stddef.h>

/* default visibility: the project builds with hidden symbols, and the
 * linker checks the wraps against libfasc.so's references too */
#define WRAP __attribute__((visibility("default")))
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
WRAP void *__wrap_malloc(size_t n);
WRAP void *__wrap_calloc(size_t n, size_t size);
WRAP void *__wrap_realloc(void *p, size_t n);

#endif
