/* driver.c: main() for the plain build of a fuzz target (fuzz.h): runs every file
 * named on the command line, and every file in the directories named, through
 * LLVMFuzzerTestOneInput once.  Prints "NAME: N inputs" and exits 0; a parser
 * bug shows as a crash (or, in the sanitizer build, a sanitizer report). */
#include "fuzz.h"
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static long count;

static void run_file(const char *p)
{
	FILE *f = fopen(p, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, k;
	if (!f) {
		fprintf(stderr, "%s: %s\n", p, strerror(errno));
		exit(1);
	}
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf) {
				fprintf(stderr, "%s: out of memory\n", p);
				exit(1);
			}
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k);
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", p);
		exit(1);
	}
	fclose(f);
	/* an exact-size copy, so that ASan sees a read past the input */
	uint8_t *in = malloc(n ? n : 1);
	if (!in) {
		fprintf(stderr, "%s: out of memory\n", p);
		exit(1);
	}
	if (n)
		memcpy(in, buf, n);
	free(buf);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%s\n", p);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	count++;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *p)
{
	struct stat st;
	if (stat(p, &st)) {
		if (errno == ENOENT)      /* a target without regression inputs yet */
			return;
		fprintf(stderr, "%s: %s\n", p, strerror(errno));
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(p);
		return;
	}
	DIR *d = opendir(p);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	if (!d) {
		fprintf(stderr, "%s: %s\n", p, strerror(errno));
		exit(1);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char **more = realloc(names, (n + 1) * sizeof *names);
		if (!more || !(more[n] = malloc(strlen(p) + strlen(e->d_name) + 2))) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
		names = more;
		sprintf(names[n++], "%s/%s", p, e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		run_path(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("%s: %ld inputs\n", name ? name + 1 : argv[0], count);
	return 0;
}
