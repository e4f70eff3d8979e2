/* gzfile.h: open an input file, decompressing gzip data transparently.
 *
 * ad_gzopen() reads the first byte of the file (and the second after a 0x1f); if
 * they are the gzip magic (1f 8b) it returns a stream that yields the decompressed
 * bytes (inflate.h), otherwise the file itself with the bytes pushed back, so plain
 * input costs nothing and a pipe is read line by line as before.
 * Corrupt or truncated gzip data sets ferror() on the stream; ad_ferror_msg() then
 * gives the reason ("corrupt gzip data: CRC-32 check failed").  util.c's
 * ad_fopen_read() goes through here, so every reader accepts .gz input. */
#ifndef AD_GZFILE_H
#define AD_GZFILE_H
#include <stdio.h>

/* path "-" or NULL is stdin.  NULL + ad_error("PATH: strerror") on failure.
 * fclose() the result when done: for stdin that releases the wrapper (if any)
 * and leaves stdin open; the result may be stdin itself. */
FILE *ad_gzopen(const char *path);
/* 1 if f was opened by ad_gzopen and is decompressing gzip data. */
int ad_gz_is_compressed(FILE *f);

#endif
