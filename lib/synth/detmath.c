#include "detmath.h"

#include <float.h>
#include <math.h>

static const double LN2_HI = 6.93147180369123816490e-01; /* upper bits of ln 2 */
static const double LN2_LO = 1.90821492927058770002e-10; /* ln 2 - LN2_HI */
static const double INV_LN2 = 1.44269504088896338700e+00;
static const double PI_2_HI = 1.57079632673412561417e+00; /* upper bits of pi/2 */
static const double PI_2_LO = 6.07710050650619224932e-11; /* pi/2 - PI_2_HI */
static const double INV_PI_2 = 6.36619772367581382433e-01;

/* Taylor coefficients 1/n!, folded by the compiler with IEEE rounding. */
#define F2 (1.0 / 2.0)
#define F3 (F2 / 3.0)
#define F4 (F3 / 4.0)
#define F5 (F4 / 5.0)
#define F6 (F5 / 6.0)
#define F7 (F6 / 7.0)
#define F8 (F7 / 8.0)
#define F9 (F8 / 9.0)
#define F10 (F9 / 10.0)
#define F11 (F10 / 11.0)
#define F12 (F11 / 12.0)
#define F13 (F12 / 13.0)
#define F14 (F13 / 14.0)
#define F15 (F14 / 15.0)
#define F16 (F15 / 16.0)
#define F17 (F16 / 17.0)
#define F18 (F17 / 18.0)
#define F19 (F18 / 19.0)

double fasc_sy_det_exp(double x)
{
    if (x != x)
        return x;
    if (x > 709.0)
        return HUGE_VAL;
    if (x < -745.0)
        return 0.0;
    /* x = k ln2 + r with |r| <= ln2/2; exp(r) by its Taylor series
     * (r^14/14! < 1e-17 for |r| <= 0.347). */
    const double kd = floor(x * INV_LN2 + 0.5);
    const double r = (x - kd * LN2_HI) - kd * LN2_LO;
    const double p = 1.0 + r * (1.0 + r * (F2 + r * (F3 + r * (F4 + r * (F5 + r * (F6
                   + r * (F7 + r * (F8 + r * (F9 + r * (F10 + r * (F11 + r * (F12
                   + r * F13))))))))))));
    return ldexp(p, (int)kd);
}

double fasc_sy_det_log(double x)
{
    if (!(x > 0.0))
        return x == 0.0 ? -HUGE_VAL : NAN;
    if (x > DBL_MAX)
        return x;
    int e;
    double m = frexp(x, &e); /* x = m 2^e, m in [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    /* log m = 2 atanh(s) = 2 (s + s^3/3 + ...), s = (m-1)/(m+1), |s| < 0.172
     * (s^25/25 < 1e-20). */
    const double s = (m - 1.0) / (m + 1.0);
    const double z = s * s;
    const double series = 1.0 + z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9
                        + z * (1.0 / 11 + z * (1.0 / 13 + z * (1.0 / 15 + z * (1.0 / 17
                        + z * (1.0 / 19 + z * (1.0 / 21 + z * (1.0 / 23)))))))))));
    return 2.0 * s * series + e * LN2_LO + e * LN2_HI;
}

/* sin and cos of |r| <= pi/4 by their Taylor series (r^19/19! < 1e-18). */
static double sin_kernel(double r)
{
    const double z = r * r;
    return r * (1.0 - z * (F3 - z * (F5 - z * (F7 - z * (F9 - z * (F11 - z * (F13
           - z * (F15 - z * (F17 - z * F19)))))))));
}

static double cos_kernel(double r)
{
    const double z = r * r;
    return 1.0 - z * (F2 - z * (F4 - z * (F6 - z * (F8 - z * (F10 - z * (F12
           - z * (F14 - z * (F16 - z * F18))))))));
}

/* Reduces x to r in [-pi/4, pi/4] and returns the quadrant (0..3). The
 * generator keeps its phase arguments small (below ~1e4 rad), where this
 * two-constant reduction is accurate. */
static int reduce_quadrant(double x, double *r)
{
    const double k = floor(x * INV_PI_2 + 0.5);
    *r = (x - k * PI_2_HI) - k * PI_2_LO;
    return (int)(k - 4.0 * floor(k / 4.0));
}

double fasc_sy_det_sin(double x)
{
    double r;
    switch (reduce_quadrant(x, &r)) {
    case 0: return sin_kernel(r);
    case 1: return cos_kernel(r);
    case 2: return -sin_kernel(r);
    default: return -cos_kernel(r);
    }
}

double fasc_sy_det_cos(double x)
{
    double r;
    switch (reduce_quadrant(x, &r)) {
    case 0: return cos_kernel(r);
    case 1: return -sin_kernel(r);
    case 2: return -cos_kernel(r);
    default: return sin_kernel(r);
    }
}
