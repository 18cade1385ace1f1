/* fasc/summary.h compiles on its own, in C11 with every warning. */
#include "fasc/summary.h"

int main(void)
{
    return 0;
}
