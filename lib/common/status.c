#include "fasc/common.h"

const char *fasc_strerror(int status)
{
    switch ((fasc_status)status) {
    case FASC_OK: return "success";
    case FASC_ERR_INVALID_ARGUMENT: return "invalid argument";
    case FASC_ERR_NO_MEMORY: return "out of memory";
    case FASC_ERR_BUFFER_TOO_SMALL: return "buffer too small";
    case FASC_ERR_UNSUPPORTED: return "not supported";
    case FASC_ERR_IO: return "input/output error";
    case FASC_ERR_FORMAT: return "malformed or truncated data";
    case FASC_ERR_STATE: return "call not allowed in this state";
    }
    return "unknown error";
}

const char *fasc_version(void)
{
    return FASC_VERSION_STRING;
}
