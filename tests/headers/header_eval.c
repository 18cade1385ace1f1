/* fasc/eval.h compiles on its own, in C11 with every warning. */
#include "fasc/eval.h"

int main(void)
{
    return 0;
}
