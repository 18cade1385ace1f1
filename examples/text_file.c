#include "text_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void release(text_file *tf)
{
    free(tf->path);
    free(tf->temp);
    memset(tf, 0, sizeof *tf);
}

int text_file_open(text_file *tf, const char *path)
{
    memset(tf, 0, sizeof *tf);
    const size_t n = strlen(path) + 1;
    tf->path = malloc(n);
    tf->temp = malloc(n + 5);
    if (!tf->path || !tf->temp) {
        release(tf);
        errno = ENOMEM;
        return -1;
    }
    memcpy(tf->path, path, n);
    /* A device, a pipe or a link (/dev/full, a FIFO, /dev/stdout) is
     * written directly: a temporary file renamed over it would replace it. */
    struct stat st;
    tf->direct = lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
    snprintf(tf->temp, n + 5, "%s.part", path);
    tf->f = fopen(tf->direct ? tf->path : tf->temp, "w");
    if (!tf->f) {
        const int e = errno;
        release(tf);
        errno = e;
        return -1;
    }
    return 0;
}

int text_file_finish(text_file *tf)
{
    if (!tf->f) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    const int bad = fflush(tf->f) != 0 || ferror(tf->f);
    int e = errno;
    const int close_failed = fclose(tf->f) != 0;
    if (!e)
        e = errno;
    tf->f = NULL;
    errno = e ? e : EIO;
    return bad || close_failed ? -1 : 0;
}

int text_file_publish(text_file *tf)
{
    if (tf->direct && !tf->f) {
        release(tf);
        return 0;
    }
    if (tf->f || !tf->temp || rename(tf->temp, tf->path) != 0) {
        if (!tf->temp || tf->f)
            errno = EINVAL;
        return -1;
    }
    release(tf);
    return 0;
}

int text_file_commit(text_file *tf)
{
    if (text_file_finish(tf) != 0 || text_file_publish(tf) != 0) {
        const int e = errno;
        text_file_abort(tf);
        errno = e;
        return -1;
    }
    return 0;
}

void text_file_abort(text_file *tf)
{
    if (tf->f)
        fclose(tf->f);
    if (tf->temp && !tf->direct)
        remove(tf->temp);
    release(tf);
}
