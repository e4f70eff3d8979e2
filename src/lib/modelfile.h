/* modelfile.h: the binary model file (man/ad-model.5) and the byte-level
 * helpers it shares with the training checkpoint.
 *
 * Layout, every integer and float little-endian, written byte by byte:
 *     "ADPM"  magic                     u32 version (1, 2 or 3)
 *     u32 kind                          str arch
 *     u32 dim, C, H, W                  u64 init seed
 *     f32 slope   u32 relu   u32 mem_slots   f32 shrink   f32 entropy_weight
 *     u32 rep_dim u32 phase  u32 score_mean
 *     str settings ("key=value\n" lines: how the model was trained)
 *     u32 ntensors, then per tensor: str name, u64 count, count x f32
 *     version 2 and 3: u64 training rows, u64 of them labelled anomalies,
 *       u32 training data CRC, u32 k, k x f64 score quantiles (threshold.h)
 *     version 3 only: u64 clean rows, f64 clean weight, u32 ck, ck x f64
 *       clean-weighted score quantiles (threshold.h)
 *     u32 CRC-32 of every byte before it
 * where str = u32 length + bytes (no NUL).  Files are written to a temporary
 * file in the same directory, fsync'ed and renamed over the target, so a crash
 * or a full disk leaves the old file (or none), never half a model. */
#ifndef AD_MODELFILE_H
#define AD_MODELFILE_H
#include "model.h"
#include "threshold.h"
#include <stddef.h>
#include <stdint.h>

#define MF_VERSION 3             /* newest; versions 1 (no score distribution) and 2 (no
                                    clean-weighted part) are read too */
#define MF_MAX_SETTINGS 65536
#define MF_MAX_TENSORS 65536
#define MF_MAX_NAME 255
#define MF_MAX_FILE ((size_t)1 << 32)   /* refuse bigger files (4 GiB) */

/* Growable byte buffer (writer). */
typedef struct {
	unsigned char *p;
	size_t n, cap;
} MfBuf;
void mf_put_bytes(MfBuf *b, const void *p, size_t n);
void mf_put_u32(MfBuf *b, uint32_t v);
void mf_put_u64(MfBuf *b, uint64_t v);
void mf_put_f32(MfBuf *b, float v);
void mf_put_f64(MfBuf *b, double v);
void mf_put_str(MfBuf *b, const char *s);
void mf_put_f32s(MfBuf *b, const float *x, size_t n);
void mf_free(MfBuf *b);
/* Append the CRC-32 of the buffer and write it atomically to path (temp file in
 * the same directory, fsync, rename).  0, or -1 + ad_error; on failure the old
 * file at path is untouched and no temp file is left.  "-" is standard output. */
int mf_write_atomic(const char *path, MfBuf *b);
/* Can mf_write_atomic() write path?  Creates and removes the temporary file it
 * would use (or, for an existing file that is not a regular one, checks write
 * access), so that a tool learns of a missing directory or a read-only place
 * before hours of work, not after.  0, or -1 + ad_error("PATH: ..."). */
int mf_check_writable(const char *path);

/* Reader over a loaded file.  Every get checks the bounds and names what was
 * being read when the data ran out. */
typedef struct {
	unsigned char *p;
	size_t n, off;
	const char *path;
} MfRd;
/* Read the whole file, check the size bound, the 4-byte magic, the version and
 * the CRC-32 (the last 4 bytes).  0, or -1 + ad_error "FILE: what failed". */
int mf_read_file(const char *path, const char magic[4], uint32_t version, MfRd *r);
/* The same accepting the versions lo..hi; the one found in *version (may be NULL). */
int mf_read_file_versions(const char *path, const char magic[4], uint32_t lo, uint32_t hi,
                          MfRd *r, uint32_t *version);
int mf_get_u32(MfRd *r, uint32_t *v, const char *what);
int mf_get_u64(MfRd *r, uint64_t *v, const char *what);
int mf_get_f32(MfRd *r, float *v, const char *what);
int mf_get_f64(MfRd *r, double *v, const char *what);
/* String of at most max bytes into a malloc'ed NUL-terminated copy. */
int mf_get_str(MfRd *r, char **s, size_t max, const char *what);
int mf_get_f32s(MfRd *r, float *x, size_t n, const char *what);
void mf_rd_free(MfRd *r);

/* Model section (kind ... tensors), shared by model files and checkpoints. */
void mf_put_model(MfBuf *b, Model *m, int score_mean, const char *settings);
/* Builds the model from the section; settings (malloc'ed) and score_mean out. */
Model *mf_get_model(MfRd *r, int *score_mean, char **settings);

/* A whole model file: version 1 (no score distribution; the old format byte for
 * byte), or version 3 with the training score distribution and its clean-weighted part
 * (dist->ck may be 0: no clean part).  Version 2 files are no longer written. */
int modelfile_save(const char *path, Model *m, int score_mean, const char *settings);
int modelfile_save_dist(const char *path, Model *m, int score_mean, const char *settings,
                        const ScoreDist *dist);
/* NULL + ad_error naming the file and what failed (magic, version, a size, a
 * tensor name, the CRC).  settings may be NULL. */
Model *modelfile_load(const char *path, int *score_mean, char **settings);
/* The same, also giving the score distribution (zeroed for a version 1 file;
 * free it with scoredist_free) and the format version; both may be NULL. */
Model *modelfile_load_dist(const char *path, int *score_mean, char **settings,
                           ScoreDist *dist, uint32_t *version);

#endif
