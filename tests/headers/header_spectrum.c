/* fasc/spectrum.h compiles on its own, in C11 with every warning. */
#include "fasc/spectrum.h"

int main(void)
{
    return 0;
}
