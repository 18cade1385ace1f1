/**
 * @file common.h
 * Shared definitions of libfasc: export macro, status codes, units, version.
 *
 * Units and time base, for every module: samples are `float` in microvolts
 * (µV); times are 64-bit sample indices from the start of the stream
 * (`fasc_index`), at the input sample rate unless a header says otherwise.
 * Sample buffers are planar: `const float *const *channels`, one pointer per
 * channel.
 */
#ifndef FASC_COMMON_H
#define FASC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "fasc/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(FASC_BUILDING_DLL)
#define FASC_API __declspec(dllexport)
#elif defined(__GNUC__)
#define FASC_API __attribute__((visibility("default")))
#else
#define FASC_API
#endif

/** Absolute sample index (time base of every stage). */
typedef int64_t fasc_index;

/** Status codes: 0 is success, every error is negative. */
typedef enum fasc_status {
    FASC_OK = 0,
    FASC_ERR_INVALID_ARGUMENT = -1, /**< NULL pointer or value out of range */
    FASC_ERR_NO_MEMORY = -2,        /**< allocation failed */
    FASC_ERR_BUFFER_TOO_SMALL = -3, /**< caller-provided memory too small */
    FASC_ERR_UNSUPPORTED = -4,      /**< valid request this build cannot do */
    FASC_ERR_IO = -5,               /**< read or write failed */
    FASC_ERR_FORMAT = -6,           /**< malformed or truncated input data */
    FASC_ERR_STATE = -7             /**< call not allowed in this state */
} fasc_status;

/** Maximum channel count of any libfasc object. */
#define FASC_MAX_CHANNELS 256

/** Lowest and highest sample rates (Hz) accepted by every stage. */
#define FASC_MIN_SAMPLE_RATE 500.0
#define FASC_MAX_SAMPLE_RATE 48000.0

/**
 * Event classes, shared by the synthetic truth, the classifier and the event
 * files. Names (fasc_class_name) are the labels used in TSV files.
 */
typedef enum fasc_class {
    FASC_CLASS_FASCICULATION = 0,
    FASC_CLASS_VOLUNTARY = 1,
    FASC_CLASS_ECG = 2,
    FASC_CLASS_MOVEMENT = 3,
    FASC_CLASS_ELECTRODE_POP = 4,
    FASC_CLASS_NOISE = 5
} fasc_class;

/** Number of event classes. */
#define FASC_CLASS_COUNT 6

/** The label of a class ("fasciculation", "ecg", ...); NULL if out of range. */
FASC_API const char *fasc_class_name(fasc_class cls);

/**
 * Parses a class label (exact, lower case). Returns FASC_OK and sets *cls,
 * or FASC_ERR_INVALID_ARGUMENT for an unknown label or NULL pointers.
 */
FASC_API int fasc_class_from_name(const char *name, fasc_class *cls);

/**
 * A static, human-readable English description of a status code.
 * Never returns NULL; unknown codes give "unknown error".
 */
FASC_API const char *fasc_strerror(int status);

/** The library's version string, equal to FASC_VERSION_STRING at build. */
FASC_API const char *fasc_version(void);

#ifdef __cplusplus
}
#endif

#endif /* FASC_COMMON_H */
