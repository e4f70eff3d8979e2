/* fuzz.h: what every fuzz target shares (tests/fuzz/README).
 *
 * A target is one file tests/fuzz/fuzz_NAME.c defining
 *     int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
 * that hands the bytes to one parser of libad, reads everything it yields, frees
 * everything and returns 0.  The same file builds two ways:
 *   - with clang -fsanitize=fuzzer,address,undefined (make fuzz): libFuzzer's main;
 *   - with any C compiler and driver.c (make check): a program that runs each file
 *     of the directories and files named on its command line once, so the corpus
 *     and the regression inputs stay tests without clang. */
#ifndef AD_FUZZ_H
#define AD_FUZZ_H
#include "util.h"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rows a target reads at most from one input, so that one input stays fast. */
#define FUZZ_MAX_ROWS 4096

/* A read-only stream over data[0..size) (fmemopen); an empty input gives an
 * empty stream.  Never NULL (aborts: a harness failure, not a finding). */
FILE *fuzz_stream(const uint8_t *data, size_t size);

/* The bytes as a file, for the readers that take a path: the same path for
 * the same slot (0 to 3) each call, one set per process, in $TMPDIR or /tmp,
 * removed at exit. */
const char *fuzz_file(int slot, const uint8_t *data, size_t size);

/* Two inputs from one: the bytes up to the first occurrence of the 4-byte
 * separator "\n--\n" and those after it (b is empty when there is none). */
void fuzz_split(const uint8_t *data, size_t size, const uint8_t **a, size_t *na,
                const uint8_t **b, size_t *nb);

/* Read every row of an opened AdSource (source.h) up to FUZZ_MAX_ROWS, checking
 * that each value is finite (the readers promise it), then close it. */
struct AdSource;
void fuzz_drain(struct AdSource *s);

#endif
