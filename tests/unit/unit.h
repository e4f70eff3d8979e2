/* unit.h: a tiny harness for the C unit tests.  Each test_*.c is one program
 * that returns non-zero if any CHECK failed. */
#ifndef AD_UNIT_H
#define AD_UNIT_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int unit_failures, unit_checks;

#define CHECK(cond) do { unit_checks++; if (!(cond)) { unit_failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
/* |a - b| <= tol (absolute) */
#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); unit_checks++; \
	if (!(fabs(a_ - b_) <= (tol))) { unit_failures++; \
	fprintf(stderr, "%s:%d: %s = %.10g, expected %.10g (tol %g)\n", __FILE__, __LINE__, \
	#a, a_, b_, (double)(tol)); } } while (0)
/* CHECK, and stop the program (failed) when cond is false: for what the rest
 * of the test cannot do without, such as a pointer it goes on to use. */
#define REQUIRE(cond) do { CHECK(cond); if (!(cond)) { (void)UNIT_DONE(); exit(1); } } while (0)
#define UNIT_DONE() (printf("%s: %d checks, %d failed\n", __FILE__, unit_checks, unit_failures), \
	unit_failures != 0)
#endif
