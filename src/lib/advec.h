/* advec.h: vector streams (man/adv.5).
 *
 * Text (default, for eyes and awk):
 *     #adv 1 dim=784 shape=1x28x28
 *     3<TAB>0<TAB>0.0117647061<TAB>...
 *   '#' lines are comments; the first "#adv" line gives dim (and optionally
 *   shape=CxHxW).  Without one, dim is taken from the first row.  A row is an
 *   integer label then dim floats, TAB (or space) separated.  Floats are written
 *   with %.9g, so float32 values round-trip exactly.
 * Binary (-b): header of 24 bytes, little-endian:
 *     "ADVB", uint32 version (1), uint32 dim, uint32 C, H, W
 *   then records: int32 label, float32[dim].  No row count: streams stay streams;
 *   a repeated identical header mid-stream (cat a.bin b.bin) is accepted.
 * Every reader detects text or binary from the first bytes.  Values must be
 * finite: NaN or Inf is an error naming the file and line (text) or record. */
#ifndef AD_ADVEC_H
#define AD_ADVEC_H
#include <stdio.h>
#include <stddef.h>

#define ADV_MAX_DIM (1 << 24)     /* refuse absurd dimensions */

typedef struct {
	int dim;
	int shape[3];                 /* C, H, W; {dim, 1, 1} when the stream gives none */
	int has_shape;                /* 1 if the stream declared a shape */
} AdvInfo;

typedef struct AdvReader AdvReader;

/* Open path ("-" or NULL = stdin) and read the header (or first row).  NULL +
 * ad_error ("FILE: message") on failure, including an empty stream. */
AdvReader *adv_open(const char *path);
/* Same on an open stream; name is used in messages.  The reader does not close f. */
AdvReader *adv_open_stream(FILE *f, const char *name);
const AdvInfo *adv_info(const AdvReader *r);
/* Next row: 1 = read, 0 = end of stream, -1 = error (ad_error "FILE:LINE: ...").
 * x must hold dim floats. */
int adv_read(AdvReader *r, int *label, float *x);
/* Line (text) or record number (binary, from 1) of the last row read. */
long adv_lineno(const AdvReader *r);
int adv_is_binary(const AdvReader *r);
void adv_close(AdvReader *r);   /* closes the file unless it is stdin or came from adv_open_stream */

typedef struct AdvWriter AdvWriter;
/* Write the header to f (not closed by the writer).  binary = 1 for ADVB. */
AdvWriter *adv_writer(FILE *f, int binary, const AdvInfo *info);
/* 0, or -1 + ad_error on a write error. */
int adv_write(AdvWriter *w, int label, const float *x);
/* Flush; 0 or -1 + ad_error.  Frees w. */
int adv_writer_close(AdvWriter *w);

/* A whole stream in memory.  Rows are float32 in x, or, after adv_load_compact()
 * found at most 256 distinct values (pixel data), one byte per value in code with
 * the values in palette (x is then NULL): a quarter of the memory, the same floats.
 * Code that may meet either form reads rows with adv_row()/adv_rows(). */
typedef struct {
	AdvInfo info;
	long n;                 /* rows */
	int *label;             /* n */
	float *x;               /* n x dim, row-major (NULL when compact) */
	unsigned char *code;    /* n x dim palette indices (compact form only) */
	float *palette;         /* 256 values (compact form only) */
} AdvData;
/* Read every row of path (or stdin).  0, or -1 + ad_error. */
int adv_load(const char *path, AdvData *d);
void adv_data_free(AdvData *d);
/* Like adv_load(), but keeps the rows in the compact form when the stream holds
 * at most 256 distinct values (compared bit for bit), else as floats. */
int adv_load_compact(const char *path, AdvData *d);
/* Row i as floats into out (dim values). */
void adv_row(const AdvData *d, long i, float *out);
/* Rows first .. first+n-1: a pointer into x, or, for the compact form, the rows
 * unpacked into buf (n x dim floats). */
const float *adv_rows(const AdvData *d, long first, long n, float *buf);
/* Rows idx[0 .. n-1] into out (n x dim floats) and, unless label is NULL, their
 * labels into label; spread over the worker threads (pool.h). */
void adv_gather(const AdvData *d, const int *idx, int n, float *out, int *label);
/* Append one row (grows the arrays; float form only). */
void adv_data_push(AdvData *d, int label, const float *x);
/* Write every row; 0 or -1 + ad_error. */
int adv_save(FILE *f, int binary, const AdvData *d);

/* 1 if label can be written to a binary stream: its four bytes may not read
 * "ADVB" (1112949825) or "#adv" (1986289955): readers take those for a header. */
int adv_binary_label_ok(int label);
/* -1 + ad_error ("NAME:1: ... byte order mark ...") if the n bytes h start with a
 * UTF-8 byte order mark (or another 0xEF byte), else 0. */
int adv_check_bom(const unsigned char *h, size_t n, const char *name);

/* Parse "CxHxW" (or "HxW", C = 1), decimal digits only; 0 or -1. */
int adv_parse_shape(const char *s, int shape[3]);

#endif
