/* gzfile.h: open an input file, decompressing gzip data transparently.
 *
 * ad_fopen_read() reads the first byte of the file (and the second after a 0x1f); if
 * they are the gzip magic (1f 8b) it returns a stream that yields the decompressed
 * bytes (inflate.h), otherwise the file itself with the bytes pushed back, so plain
 * input costs nothing and a pipe is read line by line as before.
 * Corrupt or truncated gzip data sets ferror() on the stream; ad_ferror_msg() then
 * gives the reason ("corrupt gzip data: CRC-32 check failed").  Every reader
 * of the library opens its input here, so every reader accepts .gz input.
 * (gzfile sits above util.h in the layers: util includes no project header.) */
#ifndef AD_GZFILE_H
#define AD_GZFILE_H
#include <stdio.h>

/* Open a file for reading; "-" or NULL means stdin.  NULL + ad_error("PATH:
 * strerror") on failure.  fclose() the result when done: for stdin that
 * releases the wrapper (if any) and leaves stdin open; the result may be stdin
 * itself. */
FILE *ad_fopen_read(const char *path);
/* After ferror(f) on a stream from ad_fopen_read: what went wrong, either
 * "read error: STRERROR" or "corrupt gzip data: REASON".  Report it as
 * ad_error("%s: %s", name, ad_ferror_msg(f)). */
const char *ad_ferror_msg(FILE *f);
/* 1 if f was opened by ad_fopen_read and is decompressing gzip data. */
int ad_gz_is_compressed(FILE *f);

#endif
