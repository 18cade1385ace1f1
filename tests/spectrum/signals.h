/* Deterministic test signals and a tolerance check for the spectrum tests
 * (header-only). */
#ifndef FASC_TEST_SPECTRUM_SIGNALS_H
#define FASC_TEST_SPECTRUM_SIGNALS_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#define TEST_PI 3.14159265358979323846

typedef struct test_rng {
    uint64_t state;
} test_rng;

/* splitmix64 (Steele, Lea & Flood 2014): tiny, seedable, good enough here. */
static inline uint64_t test_rng_next(test_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1]: never 0, so log() below stays finite. */
static inline double test_rng_uniform(test_rng *r)
{
    return ((double)(test_rng_next(r) >> 11) + 1.0) * 0x1.0p-53;
}

/* Standard normal by Box–Muller (one value per call). */
static inline double test_rng_gauss(test_rng *r)
{
    const double u = test_rng_uniform(r), v = test_rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * TEST_PI * v);
}

static inline void add_noise(float *x, size_t n, double sigma, uint64_t seed)
{
    test_rng r = {seed};
    for (size_t i = 0; i < n; i++)
        x[i] += (float)(sigma * test_rng_gauss(&r));
}

/* A tone at or above Nyquist is left out, as a recorder's anti-alias
 * filter would remove it. */
static inline void add_tone(float *x, size_t n, double fs, double freq,
                            double amplitude, double phase)
{
    if (freq >= fs / 2.0)
        return;
    for (size_t i = 0; i < n; i++)
        x[i] += (float)(amplitude *
                        sin(2.0 * TEST_PI * freq * (double)i / fs + phase));
}

/* Mains interference: fundamental plus 3rd and 5th harmonics, the odd
 * harmonics that dominate real line noise. */
static inline void add_mains(float *x, size_t n, double fs, double freq,
                             double amplitude)
{
    add_tone(x, n, fs, freq, amplitude, 0.3);
    add_tone(x, n, fs, 3.0 * freq, 0.4 * amplitude, 1.1);
    add_tone(x, n, fs, 5.0 * freq, 0.2 * amplitude, 2.0);
}

static inline float *zeros(size_t n)
{
    float *x = calloc(n ? n : 1, sizeof *x);
    if (!x)
        abort();  /* a test without memory cannot say anything */
    return x;
}

/* cmocka 1.1's assert_float_equal compares in single precision and its
 * message omits the tolerance; this one says what differed, by how much. */
#define assert_close(got, want, tol) \
    assert_close_at((got), (want), (tol), #got, __FILE__, __LINE__)

static inline void assert_close_at(double got, double want, double tol,
                                   const char *what, const char *file, int line)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s:%d: %s = %.9g, expected %.9g within %.3g\n", file,
                    line, what, got, want, tol);
        fail();
    }
}

#endif /* FASC_TEST_SPECTRUM_SIGNALS_H */
