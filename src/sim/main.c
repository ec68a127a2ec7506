/* usnf: the command-line program (sim, bench and the command language). */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "usnf: not built yet\n");
	return 2;
}
