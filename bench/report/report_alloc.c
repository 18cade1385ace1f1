/* The interposed allocator: malloc, calloc and realloc are wrapped at link
 * time (-Wl,--wrap, see meson.build), so every allocation the core makes
 * (libfasc.a is linked in) passes here and can be counted. */
#include <stddef.h>

#include "../../tests/fault/alloc_wrap.h"
#include "report.h"


static int counting;
static long counted;

void report_alloc_count(int on)
{
    if (on)
        counted = 0;
    counting = on;
}

long report_alloc_counted(void)
{
    return counted;
}

WRAP void *__wrap_malloc(size_t n)
{
    counted += counting;
    return __real_malloc(n);
}

WRAP void *__wrap_calloc(size_t n, size_t size)
{
    counted += counting;
    return __real_calloc(n, size);
}

WRAP void *__wrap_realloc(void *p, size_t n)
{
    counted += counting;
    return __real_realloc(p, n);
}
