/* Leave-one-out medians across channels: med[c] is the median of x over
 * every channel but c (the common-median reference's; median.c). The
 * classifier uses it too, to know what that reference leaves of a
 * heartbeat on each lead. */
#ifndef FASC_DETECTOR_LOO_MEDIAN_H
#define FASC_DETECTOR_LOO_MEDIAN_H

/* x, scratch and med hold n >= 3 values; scratch is overwritten. */
void fasc_det_loo_medians_ref(const float *x, float *scratch, int n, float *med);

#endif
