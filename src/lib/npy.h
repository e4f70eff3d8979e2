/* npy.h: NumPy .npy arrays and .npz archives (as ADBench ships its data sets).
 *
 * .npy: the "\x93NUMPY" magic, format version 1.0, 2.0 or 3.0, then a Python dict
 * literal header {'descr': '<f8', 'fortran_order': False, 'shape': (n, d)}.
 * dtypes: f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, little- or big-endian.  Shapes: (n,) is
 * n rows of 1 value; (n, d) n rows of d; (n, a, b[, c]) n rows of a*b[*c] values
 * in C order (the vector stream then carries the shape: 1xaxb, or axbxc).
 * Fortran order is read transposed for 1-D and 2-D arrays.
 * .npz: a zip archive (zip.h) of .npy members; arrays are picked by name, with or
 * without the ".npy" suffix. */
#ifndef AD_NPY_H
#define AD_NPY_H
#include "advec.h"
#include "numarray.h"
#include <stddef.h>

/* Parse the .npy image buf[0..n); a points into buf.  Messages are
 * "FILE: what: ...".  ndim and shape (up to 4) describe the array as stored. */
int ad_npy_parse(const unsigned char *buf, size_t n, const char *file, const char *what,
                 AdNumArray *a, int *ndim, long shape[4]);
/* X from xpath, labels from the vector in ypath (NULL: labels 0).  0 or -1. */
int ad_npy_load(const char *xpath, const char *ypath, AdvData *d);
/* Arrays xname and yname (NULL: labels 0) from the .npz archive path.  0 or -1. */
int ad_npz_load(const char *path, const char *xname, const char *yname, AdvData *d);
/* The same on bytes already read: the .npz archive b[0..n), or the .npy image
 * xb[0..xn) (labels from the file ypath, or NULL); file names it in messages. */
int ad_npz_parse(const unsigned char *b, size_t n, const char *file, const char *xname,
                 const char *yname, AdvData *d);
int ad_npy_parse_xy(const unsigned char *xb, size_t xn, const char *file, const char *ypath,
                    AdvData *d);

#endif
