/* fasc/detector.h compiles on its own, in C11 with every warning. */
#include "fasc/detector.h"

int main(void)
{
    return 0;
}
