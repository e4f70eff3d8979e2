/* runstat.c: run a command and report its wall time, CPU time and peak RSS
 * (for tests/bench/bench.sh; not part of make check).
 *
 *   runstat OUT command [args...]
 * runs the command with its standard streams untouched, then writes one line to
 * the file OUT: "wall_s user_s sys_s maxrss_kib exit_status".  Exit status: the
 * command's (or 127 when it cannot be started). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: runstat OUT command [args...]\n");
		return 2;
	}
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("runstat: exec");
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("runstat: wait4");
		return 127;
	}
	double wall = now() - t0;
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	FILE *f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 127;
	}
	fprintf(f, "%.6f %.6f %.6f %ld %d\n", wall,
	        ru.ru_utime.tv_sec + 1e-6 * ru.ru_utime.tv_usec,
	        ru.ru_stime.tv_sec + 1e-6 * ru.ru_stime.tv_usec, ru.ru_maxrss, rc);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 127;
	}
	return rc;
}
