/* mat.h: a reader of MATLAB Level 5 MAT-files (the format of "save -v6" and
 * "save -v7", as ODDS ships its data sets).
 *
 * The 128-byte header (either byte order), then data elements: miMATRIX, and
 * miCOMPRESSED (zlib, inflate.h) holding an miMATRIX; small data elements.  Numeric
 * classes double, single, int8..uint64 and logical, whatever storage type the file
 * uses for them; real 2-D matrices only (complex, sparse, cell, struct and char
 * variables are skipped, or refused when asked for by name).  MATLAB stores columns
 * first: row i of X is X(i, :).  MATLAB v4 and v7.3 (HDF5) files are refused. */
#ifndef AD_MAT_H
#define AD_MAT_H
#include "advec.h"
#include <stddef.h>

/* Read variable xname (rows = samples) and, unless yname is NULL, the label vector
 * yname (one integer per row) from path ("-" = stdin; gzip accepted).
 * 0, or -1 + ad_error("FILE: ..."). */
int ad_mat_load(const char *path, const char *xname, const char *yname, AdvData *d);
/* The same on the file's bytes b[0..n); file names it in messages. */
int ad_mat_parse(const unsigned char *b, size_t n, const char *file, const char *xname,
                 const char *yname, AdvData *d);

#endif
