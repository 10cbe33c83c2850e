#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("vpcflow %s\n", VPCFLOW_VERSION);
	return 0;
}
