/* clones.h: AD_CLONES, the attribute that compiles a hot loop for AVX-512, AVX2 and
 * baseline x86-64, the CPU choosing one at run time (GCC and clang >= 14 on
 * x86-64; elsewhere nothing).  The clones compute the same values as the plain
 * code: float expressions are not reordered (no -ffast-math); only where a file
 * enables contraction (gemm.c) may a*b+c become one fused operation. */
#ifndef AD_CLONES_H
#define AD_CLONES_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#elif defined(__x86_64__) && defined(__clang__) && __clang_major__ >= 14
#define AD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define AD_CLONES
#endif

#endif
