/* weigh.c: see weigh.h. */
#include "weigh.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define STOP_GRACE_MS 5000

struct Weigher {
	pid_t pid;
	int to, from;            /* pipe ends: its stdin, its stdout */
	struct sigaction old_pipe;
	char *cmd;
	/* output buffer (what we send) */
	char *obuf;
	size_t on, ocap, ooff;
	/* input buffer (what it answers) */
	char *ibuf;
	size_t in, icap, ioff;
	int eof;
	long line;               /* lines read so far */
	int have_header;
	int col_alpha, col_w, col_z, ncols;
	int col_th, col_ts, col_ct;        /* t_hard, t_soft, contam (ad-reject -A) */
	double th, ts, ct;                 /* their values in the last batch's first row */
	int sent_header;
	int reaped, status;
	volatile sig_atomic_t *stop;
	int timeout_ms;          /* -1: none */
};

void weigh_set_stop(Weigher *wg, volatile sig_atomic_t *stop) { wg->stop = stop; }

void weigh_set_timeout(Weigher *wg, double seconds)
{
	wg->timeout_ms = seconds > 0 ? (seconds * 1000 > 2e9 ? 2000000000 : (int)(seconds * 1000)) : -1;
}

/* The weigher failed to answer: reap it (after closing its input) and describe
 * how it ended. */
static const char *ended(Weigher *wg)
{
	static _Thread_local char msg[64];
	if (!wg->reaped) {
		if (wg->to >= 0)
			close(wg->to);
		wg->to = -1;
		while (waitpid(wg->pid, &wg->status, 0) < 0 && errno == EINTR)
			;
		wg->reaped = 1;
	}
	if (WIFSIGNALED(wg->status))
		snprintf(msg, sizeof msg, "killed by signal %d", WTERMSIG(wg->status));
	else if (WIFEXITED(wg->status) && WEXITSTATUS(wg->status) != 0)
		snprintf(msg, sizeof msg, "exited with status %d", WEXITSTATUS(wg->status));
	else
		snprintf(msg, sizeof msg, "ended");
	return msg;
}

static void out_append(Weigher *wg, const char *s, size_t n)
{
	if (wg->on + n > wg->ocap) {
		size_t cap = wg->ocap ? wg->ocap : 4096;
		while (cap < wg->on + n)
			cap *= 2;
		wg->obuf = ad_xrealloc(wg->obuf, cap);
		wg->ocap = cap;
	}
	memcpy(wg->obuf + wg->on, s, n);
	wg->on += n;
}

Weigher *weigh_start(const char *cmd)
{
	int pin[2], pout[2];
	struct sigaction sa;
	Weigher *wg;
	if (pipe(pin) != 0)
		return ad_error("weigher: pipe: %s", strerror(errno)), NULL;
	if (pipe(pout) != 0) {
		close(pin[0]); close(pin[1]);
		return ad_error("weigher: pipe: %s", strerror(errno)), NULL;
	}
	fflush(NULL);
	wg = ad_xcalloc(1, sizeof *wg);
	wg->pid = fork();
	if (wg->pid < 0) {
		int e = errno;
		close(pin[0]); close(pin[1]); close(pout[0]); close(pout[1]);
		free(wg);
		return ad_error("weigher: fork: %s", strerror(e)), NULL;
	}
	if (wg->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		setpgid(0, 0);                /* its own process group: see weigh.h */
		signal(SIGTERM, SIG_DFL);
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0)
			_exit(127);
		close(pin[0]); close(pin[1]); close(pout[0]); close(pout[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(wg->pid, wg->pid);        /* (also in the child: whichever runs first) */
	close(pin[0]);
	close(pout[1]);
	wg->to = pin[1];
	wg->from = pout[0];
	/* never block in write(): a weigher that answers row by row fills its own
	 * output while we write, and must be read meanwhile */
	fcntl(wg->to, F_SETFL, fcntl(wg->to, F_GETFL) | O_NONBLOCK);
	wg->cmd = ad_xstrdup(cmd);
	wg->timeout_ms = (int)(WEIGH_TIMEOUT_DEFAULT * 1000);
	wg->col_alpha = wg->col_w = wg->col_z = -1;
	wg->col_th = wg->col_ts = wg->col_ct = -1;
	wg->th = wg->ts = wg->ct = NAN;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &wg->old_pipe);
	return wg;
}

/* Pump: write what is pending and read what is available until `want_line`
 * finds a complete line in the input buffer (returned NUL-terminated, without
 * the newline), or the output is fully sent when want_line is 0. */
static int pump(Weigher *wg, int want_line, char **line)
{
	for (;;) {
		struct pollfd p[2];
		int np = 0, ito = -1, ifrom = -1, rc;
		if (want_line) {
			/* (ibuf is NULL before the first read: memchr(NULL, c, 0) is undefined) */
			char *nl = wg->in > wg->ioff ? memchr(wg->ibuf + wg->ioff, '\n', wg->in - wg->ioff)
			                             : NULL;
			if (nl) {
				*nl = 0;
				*line = wg->ibuf + wg->ioff;
				wg->ioff = (size_t)(nl - wg->ibuf) + 1;
				wg->line++;
				return 1;
			}
			if (wg->eof) {
				if (wg->in > wg->ioff)
					return ad_error("weigher: line %ld: incomplete last line", wg->line + 1);
				return 0;
			}
		} else if (wg->ooff == wg->on) {
			return 1;
		} else if (wg->to < 0) {
			return ad_error("weigher: '%s' %s", wg->cmd, ended(wg));
		}
		if (wg->ooff < wg->on && wg->to >= 0) {
			p[np].fd = wg->to; p[np].events = POLLOUT; ito = np++;
		}
		if (!wg->eof) {
			p[np].fd = wg->from; p[np].events = POLLIN; ifrom = np++;
		}
		if (np == 0)
			return 0;
		/* after an interrupt, wait for the answer a few seconds more only */
		rc = poll(p, (nfds_t)np, wg->stop && *wg->stop ? STOP_GRACE_MS : wg->timeout_ms);
		if (rc == 0 && wg->stop && *wg->stop)
			return ad_error("weigher: interrupted while waiting for '%s' (a weigher "
			                "must answer every group at its empty line)", wg->cmd);
		if (rc == 0)
			return ad_error("weigher: no answer from '%s' for %g s (--weigh-timeout): "
			                "a weigher must answer every group at its empty line; a filter "
			                "that buffers its output never does (use mawk -W interactive, "
			                "sed -u, stdbuf -oL CMD, or fflush() in awk)", wg->cmd,
			                wg->timeout_ms / 1000.0);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return ad_error("weigher: poll: %s", strerror(errno));
		}
		if (ito >= 0 && (p[ito].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t k = write(wg->to, wg->obuf + wg->ooff,
			                  wg->on - wg->ooff > 65536 ? 65536 : wg->on - wg->ooff);
			if (k < 0 && errno != EINTR && errno != EAGAIN)
				return ad_error("weigher: '%s' %s before answering", wg->cmd, ended(wg));
			if (k > 0)
				wg->ooff += (size_t)k;
			if (wg->ooff == wg->on)
				wg->ooff = wg->on = 0;
		}
		if (ifrom >= 0 && (p[ifrom].revents & (POLLIN | POLLERR | POLLHUP))) {
			ssize_t k;
			if (wg->ioff > 0 && wg->ioff == wg->in)
				wg->ioff = wg->in = 0;
			if (wg->ioff > wg->icap / 2) {
				memmove(wg->ibuf, wg->ibuf + wg->ioff, wg->in - wg->ioff);
				wg->in -= wg->ioff;
				wg->ioff = 0;
			}
			if (wg->icap - wg->in < 4096) {
				wg->icap = wg->icap ? wg->icap * 2 : 65536;
				wg->ibuf = ad_xrealloc(wg->ibuf, wg->icap + 1);
			}
			k = read(wg->from, wg->ibuf + wg->in, wg->icap - wg->in);
			if (k < 0 && errno != EINTR && errno != EAGAIN)
				return ad_error("weigher: read: %s", strerror(errno));
			if (k == 0)
				wg->eof = 1;
			if (k > 0)
				wg->in += (size_t)k;
		}
	}
}

/* Split a line at TABs in place; returns the field count (at most max). */
static int split(char *s, char **f, int max)
{
	int n = 0;
	f[n++] = s;
	for (; *s; s++)
		if (*s == '\t') {
			*s = 0;
			if (n == max)
				return -1;
			f[n++] = s + 1;
		}
	return n;
}

#define MAXCOLS 64

static int parse_header(Weigher *wg, char *line)
{
	char *f[MAXCOLS];
	int n = split(line + 1, f, MAXCOLS);
	if (n < 0)
		return ad_error("weigher: line %ld: more than %d columns", wg->line, MAXCOLS);
	if (n < 2 || strcmp(f[0], "label") || strcmp(f[1], "score"))
		return ad_error("weigher: line %ld: header must start with #label<TAB>score",
		                wg->line);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(f[i], f[j]))
				return ad_error("weigher: line %ld: column name '%s' appears twice "
				                "(columns %d and %d): names must be unique", wg->line,
				                ad_printable(f[i]), j + 1, i + 1);
	for (int i = 2; i < n; i++) {
		if (!strcmp(f[i], "alpha")) wg->col_alpha = i;
		else if (!strcmp(f[i], "w")) wg->col_w = i;
		else if (!strcmp(f[i], "z")) wg->col_z = i;
		else if (!strcmp(f[i], "t_hard")) wg->col_th = i;
		else if (!strcmp(f[i], "t_soft")) wg->col_ts = i;
		else if (!strcmp(f[i], "contam")) wg->col_ct = i;
	}
	wg->ncols = n;
	wg->have_header = 1;
	return 0;
}

static int parse_num(Weigher *wg, const char *s, const char *col, double *v)
{
	if (ad_num_f64(s, AD_NUM_NUL, v) != AD_NUM_OK)
		return ad_error("weigher: line %ld: bad %s value '%s'", wg->line, col, s);
	return 0;
}

static int next_line(Weigher *wg, char **line)
{
	int rc = pump(wg, 1, line);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return ad_error("weigher: '%s' %s before answering", wg->cmd, ended(wg));
	return 0;
}

int weigh_batch(Weigher *wg, const int *label, const double *s, int B,
                double *alpha, double *w, double *z)
{
	char tmp[64];
	char *line, *f[MAXCOLS];
	if (!wg->sent_header) {
		out_append(wg, "#label\tscore\n", 13);
		wg->sent_header = 1;
	}
	for (int i = 0; i < B; i++) {
		int k = snprintf(tmp, sizeof tmp, "%d\t%.17g\n", label[i], s[i]);
		out_append(wg, tmp, (size_t)k);
	}
	out_append(wg, "\n", 1);
	for (int i = 0; i < B; i++) {
		int n;
		double v;
		char *end;
		long lab;
		do {
			if (next_line(wg, &line))
				return -1;
			if (line[0] == '#' && !wg->have_header) {
				if (parse_header(wg, line))
					return -1;
				line = NULL;
			} else if (line[0] == '#') {
				line = NULL;        /* a repeated header or comment */
			} else if (!wg->have_header) {
				return ad_error("weigher: line %ld: expected the header line "
				                "#label<TAB>score...", wg->line);
			}
		} while (!line);
		if (!line[0])
			return ad_error("weigher: line %ld: empty line after %d of %d rows "
			                "(rows dropped?)", wg->line, i, B);
		n = split(line, f, MAXCOLS);
		if (n != wg->ncols)
			return ad_error("weigher: line %ld: %d columns, the header has %d",
			                wg->line, n < 0 ? MAXCOLS + 1 : n, wg->ncols);
		errno = 0;
		lab = strtol(f[0], &end, 10);
		if (*end || !*f[0] || lab != label[i] ||
		    parse_num(wg, f[1], "score", &v) || v != s[i])
			return ad_error("weigher: line %ld: row %d of the batch does not match "
			                "what was sent (label %d, score %.17g)", wg->line, i + 1,
			                label[i], s[i]);
		alpha[i] = 2.0;
		w[i] = 1.0;
		z[i] = NAN;
		if (wg->col_alpha >= 0 && parse_num(wg, f[wg->col_alpha], "alpha", &alpha[i]))
			return -1;
		if (wg->col_w >= 0 && parse_num(wg, f[wg->col_w], "w", &w[i]))
			return -1;
		if (wg->col_z >= 0 && parse_num(wg, f[wg->col_z], "z", &z[i]))
			return -1;
		if (w[i] < 0)
			return ad_error("weigher: line %ld: negative weight %g", wg->line, w[i]);
		if (i == 0) {
			int cols[3] = { wg->col_th, wg->col_ts, wg->col_ct };
			double *vals[3] = { &wg->th, &wg->ts, &wg->ct };
			static const char *const names[3] = { "t_hard", "t_soft", "contam" };
			for (int k = 0; k < 3; k++) {
				*vals[k] = NAN;
				if (cols[k] >= 0 && parse_num(wg, f[cols[k]], names[k], vals[k]))
					return -1;
			}
		}
	}
	if (next_line(wg, &line))
		return -1;
	if (line[0])
		return ad_error("weigher: line %ld: more rows than the %d sent", wg->line, B);
	return 0;
}

void weigh_last_aar(const Weigher *wg, double *t_hard, double *t_soft, double *contam)
{
	*t_hard = wg->th;
	*t_soft = wg->ts;
	*contam = wg->ct;
}

int weigh_close(Weigher *wg, int quiet)
{
	int status = 0, rc = 0;
	char *line;
	if (!wg)
		return 0;
	/* send anything pending (nothing normally), then EOF */
	if (!quiet && pump(wg, 0, &line) < 0)
		rc = -1;
	if (wg->to >= 0)
		close(wg->to);
	if (!quiet && rc == 0) {
		int k;
		while ((k = pump(wg, 1, &line)) > 0)
			if (line[0] && line[0] != '#') {
				rc = ad_error("weigher: line %ld: output after the last batch", wg->line);
				break;
			}
		if (k < 0)
			rc = -1;
	}
	close(wg->from);
	if (wg->reaped) {
		status = wg->status;
	} else {
		if (quiet)
			kill(-wg->pid, SIGTERM);      /* the whole pipeline of the weigher */
		while (waitpid(wg->pid, &status, 0) < 0)
			if (errno != EINTR) {
				status = -1;
				break;
			}
	}
	sigaction(SIGPIPE, &wg->old_pipe, NULL);
	if (!quiet && rc == 0) {
		if (status == -1)
			rc = ad_error("weigher: cannot wait for '%s'", wg->cmd);
		else if (WIFSIGNALED(status))
			rc = ad_error("weigher: '%s' killed by signal %d", wg->cmd, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			rc = ad_error("weigher: '%s' exited with status %d", wg->cmd,
			              WEXITSTATUS(status));
	}
	free(wg->cmd);
	free(wg->obuf);
	free(wg->ibuf);
	free(wg);
	return rc;
}
