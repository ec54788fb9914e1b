/*
 * Lets Intel MKL take its fast code paths on AMD CPUs.
 *
 * DJL's libtorch 2.7.1 links MKL statically and exports MKL's CPU-vendor check. MKL asks it before
 * choosing a kernel and, on a CPU that is not Intel's, falls back to generic code whatever the CPU
 * supports: on this project's AMD EPYC (AVX-512) a 24x96 by 96x25600 sgemm took 1.9 ms against 0.7 ms
 * with this answer, and the one-thread forward pass of the default model 30 against 20 CPU-ms per image
 * (BENCHMARKS.md, Saliency). MKL still picks the instruction set by what the CPU reports, so the
 * answer only lifts the vendor test. Loaded with LD_PRELOAD (./wsol does it on AMD CPUs when this
 * library was built; WSOL_MKL_INTEL_PATH=0 turns it off), it is found before libtorch's own copy.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
