/* bench: `usnf bench`, the engine's throughput measured without I/O. */
#ifndef USNF_SIM_BENCH_H
#define USNF_SIM_BENCH_H

/* `usnf bench forward [options]` (argv[0] is "bench").  Returns the exit status. */
int bench_main(int argc, char **argv);

#endif
