/* numarray.h: typed numeric arrays as file formats store them (NumPy .npy, MATLAB
 * .mat), read element by element as double, and turned into an AdvData (X rows as
 * vectors, y as labels).  Shared by npy.c and mat.c. */
#ifndef AD_NUMARRAY_H
#define AD_NUMARRAY_H
#include "advec.h"
#include <stddef.h>
#include <stdio.h>

enum { AD_NUM_I8, AD_NUM_U8, AD_NUM_I16, AD_NUM_U16, AD_NUM_I32, AD_NUM_U32, AD_NUM_I64,
       AD_NUM_U64, AD_NUM_F32, AD_NUM_F64, AD_NUM_BOOL };

/* Bytes per element of a type. */
size_t ad_num_size(int type);
/* Element p of type, little-endian unless big. */
double ad_num_get(const unsigned char *p, int type, int big);

typedef struct {
	const unsigned char *data;   /* rows * cols elements */
	int type, big;
	long rows, cols;             /* a 1-D array is rows x 1 */
	int colmajor;                /* element (i, j) at j * rows + i (else i * cols + j) */
} AdNumArray;

double ad_numarray_at(const AdNumArray *a, long i, long j);

/* Fill d (memset by the caller or not: it is overwritten) with the rows of x and
 * labels from y (a vector of x->rows elements, or NULL for labels 0).  Values must be
 * finite and within float range; labels integers in int range.  Errors name file and
 * the variable: "FILE: X row 3, column 7: NaN".  0, or -1 + ad_error. */
int ad_numarray_to_adv(const char *file, const char *xname, const AdNumArray *x,
                       const char *yname, const AdNumArray *y, AdvData *d);

/* Read a whole file (or stdin; gzip data decompressed) into a malloc'd buffer.
 * 0, or -1 + ad_error("FILE: ..."). */
int ad_slurp(const char *path, unsigned char **buf, size_t *n);
/* The same on an open stream (not closed); name for messages. */
int ad_slurp_file(FILE *f, const char *name, unsigned char **buf, size_t *n);

/* A whole-file format of named arrays: ad_npz_parse (npy.h), ad_mat_parse (mat.h). */
typedef int AdArraysParse(const unsigned char *b, size_t n, const char *file,
                          const char *xname, const char *yname, AdvData *d);
/* Read path whole (ad_slurp) and parse it into d, zeroed first: the load
 * functions of those formats.  0, or -1 + ad_error. */
int ad_slurp_parse(const char *path, AdArraysParse *parse, const char *xname,
                   const char *yname, AdvData *d);

#endif
