/* fasc/classifier.h compiles on its own, in C11 with every warning. */
#include "fasc/classifier.h"

int main(void)
{
    return 0;
}
