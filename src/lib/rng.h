/* rng.h: the one deterministic random number generator of adpipe
 * (xoshiro256** seeded through splitmix64).  The same seed gives the same
 * sequence on every machine and libc. */
#ifndef AD_RNG_H
#define AD_RNG_H
#include <stdint.h>
#include <stddef.h>

typedef struct { uint64_t s[4]; } Rng;

void rng_seed(Rng *r, uint64_t seed);
/* An independent stream derived from (seed, stream id): e.g. one per purpose. */
void rng_seed2(Rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_u64(Rng *r);
/* uniform in [0, 1) with 53 random bits */
double rng_uniform(Rng *r);
/* uniform integer in [0, n) without modulo bias; n > 0 */
uint64_t rng_below(Rng *r, uint64_t n);
/* standard normal (Box-Muller, deterministic pairing) */
double rng_normal(Rng *r);
/* Fisher-Yates shuffle of an int array */
void rng_shuffle(Rng *r, int *a, size_t n);

#endif
