/* Prints the number of annotations EDFlib reads from an EDF+ file (for the
 * tool tests: every event must survive the round trip). */
#include <stdio.h>
#include <stdlib.h>

#include <edflib.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    struct edf_hdr_struct *hdr = calloc(1, sizeof *hdr);
    if (!hdr || edfopen_file_readonly(argv[1], hdr, EDFLIB_READ_ALL_ANNOTATIONS) != 0) {
        fprintf(stderr, "%s: EDFlib cannot open it\n", argv[1]);
        free(hdr);
        return 1;
    }
    printf("%lld\n", hdr->annotations_in_file);
    edfclose_file(hdr->handle);
    free(hdr);
    return 0;
}
