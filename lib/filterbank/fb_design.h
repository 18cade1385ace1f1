/* Internal design helpers shared by the design functions and the bank. */
#ifndef FASC_FB_DESIGN_H
#define FASC_FB_DESIGN_H

#include <stddef.h>

/* How many of f0, 2 f0, ..., harmonics * f0 lie strictly below fs / 2. */
size_t fasc_fb_harmonics_below_nyquist(double f0_hz, int harmonics, double fs_hz);

/* Linear-phase anti-alias FIR for decimation by `factor`: Kaiser-windowed
 * sinc, flat to 0.4 and at least 80 dB down from 0.6 of the output rate.
 * Returns the (odd) tap count; writes the taps if `taps` is not NULL. */
int fasc_fb_decimator_taps(int factor, double *taps);

#endif
