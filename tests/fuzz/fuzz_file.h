/* The fuzz input as a file, for the harnesses of readers that take a path. */
#ifndef FASC_FUZZ_FILE_H
#define FASC_FUZZ_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

/* Writes data to /tmp/fasc_fuzz_TAG_PID (path, 64 bytes); false when it
 * cannot. The caller unlinks it. */
static inline bool fuzz_write_file(const uint8_t *data, size_t size, const char *tag, char *path)
{
    snprintf(path, 64, "/tmp/fasc_fuzz_%s_%d", tag, (int)getpid());
    FILE *file = fopen(path, "wb");
    if (!file)
        return false;
    const bool written = fwrite(data, 1, size, file) == size;
    return fclose(file) == 0 && written;
}

#endif
