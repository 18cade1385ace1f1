/* fasc/fasc.h compiles on its own, in C11 with every warning. */
#include "fasc/fasc.h"

int main(void)
{
    return 0;
}
