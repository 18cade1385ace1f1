#include <string.h>

#include "fasc/common.h"

static const char *const class_names[FASC_CLASS_COUNT] = {
    "fasciculation", "voluntary", "ecg", "movement", "electrode_pop", "noise",
};

const char *fasc_class_name(fasc_class cls)
{
    if ((int)cls < 0 || (int)cls >= FASC_CLASS_COUNT)
        return NULL;
    return class_names[cls];
}

int fasc_class_from_name(const char *name, fasc_class *cls)
{
    if (!name || !cls)
        return FASC_ERR_INVALID_ARGUMENT;
    for (int i = 0; i < FASC_CLASS_COUNT; i++) {
        if (strcmp(name, class_names[i]) == 0) {
            *cls = (fasc_class)i;
            return FASC_OK;
        }
    }
    return FASC_ERR_INVALID_ARGUMENT;
}
