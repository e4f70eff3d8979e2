/* source.h: data set readers behind one interface (the formats of ad-load).
 *
 * A source yields rows (integer label, dim floats) one at a time, in constant
 * memory where the format allows.  Each format is one entry of ad_formats[]:
 * a name (for -f), an optional magic-number test, the file-name endings that
 * imply it, and an open function that fills an AdSource.  Adding a format is
 * adding a reader file and one table entry in source.c. */
#ifndef AD_SOURCE_H
#define AD_SOURCE_H
#include "advec.h"
#include <stdint.h>
#include <stdio.h>

typedef struct {
	const char *labels;     /* separate labels file (IDX), or NULL */
	char delim;             /* CSV/TSV field delimiter; 0 = the format's default */
	int header;             /* CSV/TSV: the first line is a header */
	const char *labelcol;   /* CSV/TSV: label column, a number from 1 or a header
	                           name; NULL, "0" or "none" = no label column (label 0) */
	const char *xvar;       /* npz/mat: the data array (NULL = "X") */
	const char *yvar;       /* npz/mat: the label vector (NULL = "y"; "none" = labels 0) */
	int kdd_rev;            /* kdd: KDDCUP-Rev labels and subsampling (kdd.h) */
	uint64_t seed;          /* kdd: seed of the KDDCUP-Rev subsampling */
	const char *vocab_in;   /* kdd: read the one-hot vocabulary from this file */
	const char *vocab_out;  /* kdd: write the vocabulary used to this file */
	const char *keep;       /* CSV/TSV: columns to keep ("1,3-5,name"), or NULL = all */
	const char *drop;       /* CSV/TSV: columns to leave out, or NULL */
	int missing;            /* CSV/TSV: missing values: AD_MISSING_REFUSE, _IMPUTE, _SKIP */
	float impute;           /* CSV/TSV: the value of a missing field with _IMPUTE */
	const char *normal;     /* CSV/TSV/svmlight: the label text of normal rows (label
	                           0; any other label is 1), or NULL: integer labels */
	const struct AdLabelVocab *vocab; /* CSV/TSV/svmlight: text label -> integer
	                           (ad_vocab_load), or NULL */
	int dim;                /* svmlight: the dimension (0: the largest index seen) */
} AdSourceOpts;

enum { AD_MISSING_REFUSE, AD_MISSING_IMPUTE, AD_MISSING_SKIP };

/* A missing-value token of CSV/TSV: "", NA, N/A, NaN, nan, ?, null, NULL. */
int ad_is_missing(const char *field);
/* A written label vocabulary (ad-load -L): lines "label<TAB>integer", '#'
 * comments and empty lines skipped; a label "*" gives the integer of every
 * label not listed.  Labels are compared as text. */
typedef struct AdLabelVocab {
	size_t n;
	char **text;
	int *code;
	int has_default, def;
	const char *path;
} AdLabelVocab;
/* NULL + ad_error "FILE:LINE: ..." (a line without a TAB, a bad integer, a
 * label listed twice, an empty file). */
AdLabelVocab *ad_vocab_load(const char *path);
void ad_vocab_free(AdLabelVocab *v);
/* The label of a text field: with a vocabulary, its integer (-2 when the label
 * is not in it and there is no "*"); with normal set, 0 if the field equals it
 * (as text, or as numbers: "1.0" equals "1"), else 1; without either,
 * ad_parse_label (-1 when not an integer).  0, -1 or -2 (no message). */
int ad_text_label(const char *field, const char *normal, const AdLabelVocab *vocab,
                  int *out);

typedef struct AdSource AdSource;
struct AdSource {
	AdvInfo info;           /* dim and shape of every row */
	long line;              /* text formats that know it: the line of the row last
	                           read (from 1); 0: not known */
	const char *name;       /* display name of the input, for messages */
	void *state;            /* the reader's own */
	/* next row: 1 = read, 0 = end, -1 = error (ad_error "NAME...: ...") */
	int (*read)(AdSource *s, int *label, float *x);
	void (*close)(AdSource *s);   /* frees state; never closes the input FILE */
	/* set by ad_source_open */
	const char *path;       /* as given: a file name, or NULL / "-" for stdin */
	FILE *f;
	int own;
	const char *format;
};

typedef struct {
	const char *name;       /* the -f name */
	const char *what;       /* one line for the usage text */
	/* 1 if the first n bytes (n <= AD_SNIFF) carry this format's magic; NULL = none */
	int (*sniff)(const unsigned char *head, size_t n);
	const char *ext;        /* space-separated file-name endings implying the format */
	int labels_file;        /* accepts opts->labels */
	/* read the header; 0, or -1 + ad_error.  f is positioned at the start. */
	int (*open)(AdSource *s, FILE *f, const AdSourceOpts *o);
} AdFormat;

#define AD_SNIFF 4

extern const AdFormat ad_formats[];     /* ends with a {NULL} entry */
const AdFormat *ad_format_find(const char *name);

/* Open path ("-" or NULL = stdin) as format fmt (NULL = detect from the magic
 * number, then from the file name).  NULL + ad_error on failure. */
AdSource *ad_source_open(const char *path, const char *fmt, const AdSourceOpts *o);
int ad_source_read(AdSource *s, int *label, float *x);
void ad_source_close(AdSource *s);

/* For readers that load a whole data set into memory (NPY, .mat, ...): make s
 * serve the rows of d, which it takes over (freed by s->close). */
void ad_source_from_data(AdSource *s, AdvData *d);
/* The same, with the source line of each row (d->n values, taken over; NULL:
 * none) for s->line. */
void ad_source_from_data_lines(AdSource *s, AdvData *d, long *lines);

/* The readers (one file each). */
int ad_idx_sniff(const unsigned char *head, size_t n);
int ad_idx_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_cifar10_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_cifar100_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_csv_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_tsv_open(AdSource *s, FILE *f, const AdSourceOpts *o);
/* Whole-file formats (memsrc.c). */
int ad_npy_sniff(const unsigned char *head, size_t n);
int ad_npz_sniff(const unsigned char *head, size_t n);
int ad_mat_sniff(const unsigned char *head, size_t n);
int ad_npy_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_npz_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_mat_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_kdd_open(AdSource *s, FILE *f, const AdSourceOpts *o);
int ad_svmlight_open(AdSource *s, FILE *f, const AdSourceOpts *o);

/* Label parsing shared by the text readers: an integer, or a number with an
 * integral value ("1.0"), within int32.  0 or -1 (no message). */
int ad_parse_label(const char *s, int *out);

#endif
