/* fasc/io.h compiles on its own, in C11 with every warning. */
#include "fasc/io.h"

int main(void)
{
    return 0;
}
