/* libFuzzer harness: fasc-score's settings: its config file (key = value
 * lines) and, from the same bytes split at newlines, its command line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "score_options.h"

enum { MAX_ARGS = 32 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (!fuzz_write_file(data, size, "config", path))
        return 0;
    score_options o;
    char *args[] = {"fasc-score", "--config", path, "input.wav", NULL};
    if (score_options_parse(4, args, &o) == 0)
        score_options_free(&o);
    unlink(path);
    /* the bytes as arguments, one per line (not naming another config
     * file: /dev/zero would be read for ever) */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (strstr(text, "conf")) {
        free(text);
        return 0;
    }
    char *argv[MAX_ARGS + 2] = {"fasc-score"};
    int argc = 1;
    for (char *line = strtok(text, "\n"); line && argc < MAX_ARGS; line = strtok(NULL, "\n"))
        argv[argc++] = line;
    argv[argc] = NULL;
    if (score_options_parse(argc, argv, &o) == 0)
        score_options_free(&o);
    free(text);
    return 0;
}
