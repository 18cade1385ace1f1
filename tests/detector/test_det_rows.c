/* The detector's input transposition (eight planar streams into
 * lane-interleaved ring rows): the AVX2 form, where the CPU has it, moves
 * exactly the values the plain form does, at every ring position (blocks
 * that wrap included), every offset into the streams and every length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/detector/det_internal.h"

enum { HROWS = 64, STREAM = 200 };

static void best_equals_plain(void **state)
{
    (void)state;
    static float data[DET_LANES][STREAM];
    uint32_t seed = 11u;
    for (int l = 0; l < DET_LANES; l++)
        for (int j = 0; j < STREAM; j++) {
            seed = seed * 1664525u + 1013904223u;
            data[l][j] = (float)(int32_t)seed * 1e-6f;
        }
    const float *src[DET_LANES];
    for (int l = 0; l < DET_LANES; l++)
        src[l] = data[l];
    const det_rows_fn best = fasc_det_rows8_best();
    static float a[HROWS * DET_LANES], b[HROWS * DET_LANES];
    for (size_t t0 = 0; t0 < 2 * HROWS; t0 += 5)
        for (size_t pos = 0; pos < 9; pos += 4)
            for (int len = 0; len <= HROWS && pos + (size_t)len <= STREAM; len += 3) {
                memset(a, 0, sizeof a);
                memset(b, 0, sizeof b);
                fasc_det_rows8_generic(src, pos, a, HROWS - 1, t0, len);
                best(src, pos, b, HROWS - 1, t0, len);
                assert_memory_equal(a, b, sizeof a);
            }
    /* and the plain form puts each sample where it belongs */
    memset(a, 0, sizeof a);
    fasc_det_rows8_generic(src, 3, a, HROWS - 1, 60, 10);
    for (int j = 0; j < 10; j++)
        for (int l = 0; l < DET_LANES; l++)
            assert_true(a[((60 + j) & (HROWS - 1)) * DET_LANES + l] == data[l][3 + j]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(best_equals_plain)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
