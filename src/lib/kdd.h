/* kdd.h: KDD Cup 1999 connection records to vectors.
 *
 * Input: CSV lines of 41 features and a label ("normal.", "smurf.", ...; the dot is
 * optional), as kddcup.data_10_percent and "corrected" ship them (gzip accepted).
 *
 * Encoding.  The seven fields that kddcup.names calls symbolic (protocol_type,
 * service, flag, land, logged_in, is_host_login, is_guest_login) are one-hot
 * encoded, one indicator column per value of the vocabulary, in place of the field;
 * a field whose vocabulary has a single value is constant and gets no column.  The
 * other 34 fields are numbers, kept as they are.  The vocabulary is the sorted set
 * of values seen in the data, or read from a file (so that test data encodes like
 * the training data); on kddcup.data_10_percent that gives 3 + 66 + 11 + 2 + 2 + 0
 * + 2 indicator columns and 34 numbers: 120 dimensions.  A value missing from a
 * vocabulary read from a file encodes as an all-zero group and is counted.
 *
 * Labels.  AD_KDD_LABELS_KDD (the paper's KDDCUP): "normal" = 1 (anomaly), any
 * attack = 0, every row.  AD_KDD_LABELS_REV (KDDCUP-Rev): normal = 0, attack = 1,
 * every normal row and floor(normals / 4) attack rows (so attacks are 20% of the
 * result), drawn uniformly without replacement: the attack rows, in file order, are
 * shuffled by rng_shuffle() from rng_seed(seed) and the first floor(normals / 4)
 * are kept; rows are written in file order.  With fewer attacks than that, all are
 * kept. */
#ifndef AD_KDD_H
#define AD_KDD_H
#include "advec.h"
#include <stdint.h>
#include <stdio.h>

enum { AD_KDD_LABELS_KDD, AD_KDD_LABELS_REV };

typedef struct {
	int labels;                  /* AD_KDD_LABELS_KDD or AD_KDD_LABELS_REV */
	uint64_t seed;               /* for AD_KDD_LABELS_REV */
	const char *vocab_in;        /* read the vocabulary from this file; NULL: from the data */
	const char *vocab_out;       /* write the vocabulary used to this file; NULL: don't */
} AdKddOpts;

typedef struct {
	long rows;                   /* records read */
	long normal, attacks, attacks_kept;
	long unknown_rows;           /* rows with a value not in the vocabulary */
	char unknown_example[96];    /* "service 'foo'" for the first one */
} AdKddStats;

/* Read path ("-" = stdin) into d.  0, or -1 + ad_error("FILE:LINE: ..."). */
int ad_kdd_load(const char *path, const AdKddOpts *o, AdvData *d, AdKddStats *st);
/* The same on an open stream (not closed); name for messages. */
int ad_kdd_read(FILE *f, const char *name, const AdKddOpts *o, AdvData *d, AdKddStats *st);

#endif
