/* rng.c: xoshiro256** with splitmix64 seeding.  See rng.h. */
#include "rng.h"
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void rng_seed(Rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

void rng_seed2(Rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull);
	rng_seed(r, splitmix64(&x));
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_u64(Rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_uniform(Rng *r)
{
	return (rng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t rng_below(Rng *r, uint64_t n)
{
	uint64_t lim = -n % n; /* 2^64 mod n */
	uint64_t x;
	do
		x = rng_u64(r);
	while (x < lim);
	return x % n;
}

double rng_normal(Rng *r)
{
	double u1, u2;
	do
		u1 = rng_uniform(r);
	while (u1 <= 0.0);
	u2 = rng_uniform(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
}

void rng_shuffle(Rng *r, int *a, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(r, i);
		int t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}
