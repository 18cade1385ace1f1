/* Read-only queries of fasc_detector. */
#include "det_internal.h"

size_t fasc_detector_queued(const fasc_detector *det)
{
    return det ? det->qcount : 0;
}

uint64_t fasc_detector_dropped(const fasc_detector *det)
{
    return det ? det->dropped : 0;
}

fasc_index fasc_detector_latency(const fasc_detector *det)
{
    return det ? det->d.d_max + det->d.tail : 0;
}

fasc_index fasc_detector_config_latency(const fasc_detector_config *cfg)
{
    det_design d;
    if (fasc_det_design(cfg, &d) != FASC_OK)
        return -1;
    return d.d_max + d.tail;
}

size_t fasc_detector_snippet_length(const fasc_detector *det)
{
    return det ? (size_t)det->d.snip_len : 0;
}

size_t fasc_detector_snippet_capacity(const fasc_detector *det)
{
    return det ? FASC_DETECTOR_MAX_EVENT_CHANNELS * (size_t)det->d.snip_len : 0;
}

double fasc_detector_noise_sd(const fasc_detector *det, int channel)
{
    if (!det || channel < 0 || channel >= det->d.channels)
        return 0.0;
    const det_channel *ch = &det->ch[channel];
    return ch->noise_count >= (uint32_t)det->d.warm_n ? ch->sigma : 0.0;
}

uint64_t fasc_detector_nonfinite_count(const fasc_detector *det, int channel)
{
    if (!det || channel < 0 || channel >= det->d.channels)
        return 0;
    return det->ch[channel].nonfinite;
}

int fasc_detector_channels(const fasc_detector *det)
{
    return det ? det->d.channels : 0;
}

uint64_t fasc_detector_rejected(const fasc_detector *det)
{
    return det ? det->suppressed : 0;
}
