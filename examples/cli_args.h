/* Argument parsing the command-line tools share. */
#ifndef FASC_EXAMPLES_CLI_ARGS_H
#define FASC_EXAMPLES_CLI_ARGS_H

#include "fasc/filterbank.h"

/* The whole text as a finite number: 0, or -1. */
int cli_parse_double(const char *text, double *out);

/* "auto", "50", "60" or "off": 0, or -1. */
int cli_parse_mains(const char *text, fasc_mains *out);

/* Prints "TOOL: <fmt with arg> (see --help)" on stderr; returns 2, the
 * usage-error exit code. */
int cli_usage_error(const char *tool, const char *fmt, const char *arg);

#endif
