/* gemm.h: single-precision matrix multiply (row-major, BLAS-like argument order).
 *
 *   C = alpha * op(A) * op(B) + beta * C,   op(A) M x K, op(B) K x N, C M x N
 *
 * transA = 0: A is M x K with row stride lda; 1: A is stored K x M (A^T).
 * transB = 0: B is K x N with row stride ldb; 1: B is stored N x K.
 * beta = 0 overwrites C (its old contents are not read).  Threads: the work is
 * split over blocks of C (and, for a small C with a long K, over fixed K slices of
 * 256 whose partial products are added in slice order); every element is summed
 * over k in the same order whatever the split, so the result is bit-identical for
 * any nn_set_threads() value. */
#ifndef AD_GEMM_H
#define AD_GEMM_H
#include <stddef.h>

/* Scratch for the partial products of the K-split: the caller's (a model's),
 * grown on demand.  Zero-initialise; free with sgemm_work_free().  w = NULL: no
 * K-split (the same results, less parallelism for a small C with a long K). */
/* The fixed K slice: each element of C is the sum over k of slices of this many
 * products (from 0), the slices' sums added to C in order.  So a product over K
 * equals the same product over K ranges that begin and end on slice boundaries,
 * done one after the other with beta = 1. */
#define SGEMM_KSLICE 256

typedef struct {
	float *part;
	size_t npart;
} SgemmWork;
void sgemm_work_free(SgemmWork *w);

void sgemm(int transA, int transB, int M, int N, int K, float alpha,
           const float *A, int lda, const float *B, int ldb, float beta,
           float *C, int ldc, SgemmWork *w);

#endif
