/* fasc/filterbank.h compiles on its own, in C11 with every warning. */
#include "fasc/filterbank.h"

int main(void)
{
    return 0;
}
