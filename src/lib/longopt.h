/* longopt.h: long option names as aliases of getopt letters.
 *
 * ad_longopts() rewrites argv in place before getopt() runs: "--name VALUE" and
 * "--name=VALUE" become "-x" "VALUE", a flag "--name" becomes "-x".  It scans
 * the options only (up to "--" or the first operand, skipping the arguments of
 * the letters that take one, as optstring says), so operands are never touched
 * and getopt keeps the POSIX syntax.  --help and --version are left for
 * ad_stdopts(); an unknown "--name" or a missing value is a usage error there
 * or here. */
#ifndef AD_LONGOPT_H
#define AD_LONGOPT_H

typedef struct {
	const char *name;    /* without the dashes */
	char letter;
} AdLongOpt;

/* tab ends with { NULL, 0 }.  argv may grow by one word per "--name=VALUE":
 * the result is a new malloc'ed array (the strings are argv's or new); *argc is
 * updated. */
char **ad_longopts(int *argc, char **argv, const char *optstring, const AdLongOpt *tab,
                   const char *usage);

#endif
