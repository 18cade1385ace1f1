/* fasc/synth.h compiles on its own, in C11 with every warning. */
#include "fasc/synth.h"

int main(void)
{
    return 0;
}
