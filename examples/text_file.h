/* Text output files that appear under their name only when complete:
 * written to NAME.part, renamed by text_file_commit. A target that exists
 * and is neither a regular file nor a folder (a device, a FIFO, a symbolic
 * link such as /dev/stdout) is written directly. Shared by the tools. */
#ifndef FASC_EXAMPLES_TEXT_FILE_H
#define FASC_EXAMPLES_TEXT_FILE_H

#include <stdio.h>

typedef struct text_file {
    FILE *f;
    char *path;
    char *temp;
    int direct; /* writing to the target itself (not a regular file) */
} text_file;

/* Creates PATH.part. 0, or -1 with errno set (tf is then empty). */
int text_file_open(text_file *tf, const char *path);

/* Flushes, closes and renames into place. 0, or -1 with errno set (the
 * temporary file is removed). Frees tf either way. */
int text_file_commit(text_file *tf);

/* Two steps of commit, for several files that should appear together:
 * finish flushes and closes (the file stays at PATH.part), publish renames
 * it into place and frees tf. Each returns 0, or -1 with errno set (then
 * call text_file_abort). */
int text_file_finish(text_file *tf);
int text_file_publish(text_file *tf);

/* Closes and removes the temporary file, frees tf; safe on an empty tf. */
void text_file_abort(text_file *tf);

#endif
