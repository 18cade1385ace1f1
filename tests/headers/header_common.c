/* fasc/common.h compiles on its own, in C11 with every warning. */
#include "fasc/common.h"

int main(void)
{
    return 0;
}
