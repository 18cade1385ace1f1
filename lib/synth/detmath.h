/* Elementary functions built from +, -, *, / and IEEE sqrt only, so that the
 * generator's output is bit-identical on every conforming machine (platform
 * libm implementations differ in their last bits). Accurate to ~1e-15. */
#ifndef FASC_SYNTH_DETMATH_H
#define FASC_SYNTH_DETMATH_H

double fasc_sy_det_exp(double x);
double fasc_sy_det_log(double x);   /* x > 0 */
double fasc_sy_det_sin(double x);
double fasc_sy_det_cos(double x);

#endif
