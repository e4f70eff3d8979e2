/* weigh.c: see weigh.h. */
#include "weigh.h"
#include "scores.h"
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
	/* input buffer (what it answers), read as a score table by r */
	char *ibuf;
	size_t in, icap, ioff;
	int eof;
	ScoreReader *r;
	ScoreGroup g;
	int have_header;
	long col_alpha, col_w, col_z;
	long col_th, col_ts, col_ct;       /* t_hard, t_soft, contam (ad-reject -A) */
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

static ScoreLineFn next_line;

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
	wg->r = scores_open_fn(next_line, wg, "weigher");
	wg->col_alpha = wg->col_w = wg->col_z = -1;
	wg->col_th = wg->col_ts = wg->col_ct = -1;
	wg->th = wg->ts = wg->ct = NAN;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &wg->old_pipe);
	return wg;
}

/* Pump: write what is pending and read what is available until want_line
 * finds a complete line in the input buffer (*line, *len: its text with the
 * newline; at the end of the input the rest without one), or the output is
 * fully sent when want_line is 0.  1, 0 at the end of the input, -1 + ad_error. */
static int pump(Weigher *wg, int want_line, const char **line, size_t *len)
{
	for (;;) {
		struct pollfd p[2];
		int np = 0, ito = -1, ifrom = -1, rc;
		if (want_line) {
			/* (ibuf is NULL before the first read: memchr(NULL, c, 0) is undefined) */
			char *nl = wg->in > wg->ioff ? memchr(wg->ibuf + wg->ioff, '\n', wg->in - wg->ioff)
			                             : NULL;
			if (nl || (wg->eof && wg->in > wg->ioff)) {
				*line = wg->ibuf + wg->ioff;
				*len = nl ? (size_t)(nl - *line) + 1 : wg->in - wg->ioff;
				wg->ioff += *len;
				return 1;
			}
			if (wg->eof)
				return 0;
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
				wg->ibuf = ad_xrealloc(wg->ibuf, wg->icap);
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

/* The weigher's answer as lines for the score-table reader (ScoreLineFn). */
static long next_line(void *ctx, char **line, size_t *cap)
{
	Weigher *wg = ctx;
	const char *s;
	size_t len;
	int rc = pump(wg, 1, &s, &len);
	if (rc <= 0)
		return rc;
	if (len + 1 > *cap) {
		*cap = len + 1;
		*line = ad_xrealloc(*line, *cap);
	}
	memcpy(*line, s, len);
	(*line)[len] = '\0';
	return (long)len;
}

/* The columns of the weigher's header, once its first row is in. */
static int take_header(Weigher *wg)
{
	static const char *const want[] = { "alpha", "w", "z", "t_hard", "t_soft", "contam" };
	long *col[] = { &wg->col_alpha, &wg->col_w, &wg->col_z, &wg->col_th, &wg->col_ts, &wg->col_ct };
	size_t n = scores_ncol(wg->r);
	if (!scores_has_header(wg->r))
		return ad_error("weigher:1: expected the header line #label<TAB>score...");
	if (n < 2 || strcmp(scores_colname(wg->r, 0), "label") ||
	    strcmp(scores_colname(wg->r, 1), "score"))
		return ad_error("weigher:1: header must start with #label<TAB>score");
	for (size_t k = 0; k < sizeof want / sizeof *want; k++)
		for (size_t i = 2; i < n; i++)
			if (!strcmp(scores_colname(wg->r, i), want[k]))
				*col[k] = (long)i;
	wg->have_header = 1;
	return 0;
}

/* Value of column col (-1: absent, then dflt) in row i of the answer. */
static double value(const Weigher *wg, size_t i, long col, double dflt)
{
	return col < 0 ? dflt : scores_get(&wg->g, i, (size_t)col);
}

int weigh_batch(Weigher *wg, const int *label, const double *s, int B,
                double *alpha, double *w, double *z)
{
	const ScoreGroup *g = &wg->g;
	char num[SCORES_DOUBLE_LEN];
	int rc;
	if (!wg->sent_header) {
		out_append(wg, "#label\tscore\n", 13);
		wg->sent_header = 1;
	}
	for (int i = 0; i < B; i++) {
		int k = snprintf(num, sizeof num, "%d\t", label[i]);
		out_append(wg, num, (size_t)k);
		out_append(wg, num, scores_format_double(num, s[i]));
		out_append(wg, "\n", 1);
	}
	out_append(wg, "\n", 1);
	/* the answer: B rows and an empty line (one more row is an error) */
	rc = scores_next(wg->r, (size_t)B + 1, &wg->g);
	if (rc < 0)
		return -1;
	if (g->nrow > (size_t)B)
		return ad_error("weigher:%ld: more rows than the %d sent", g->line[B], B);
	if (rc == 0 || !g->blank)
		return ad_error("weigher: '%s' %s before answering", wg->cmd, ended(wg));
	if (g->nrow < (size_t)B)
		return ad_error("weigher:%ld: empty line after %zu of %d rows (rows dropped?)",
		                scores_lineno(wg->r), g->nrow, B);
	if (!wg->have_header && take_header(wg))
		return -1;
	for (int i = 0; i < B; i++) {
		if (scores_get(g, (size_t)i, 0) != label[i] || scores_get(g, (size_t)i, 1) != s[i]) {
			scores_format_double(num, s[i]);
			return ad_error("weigher:%ld: row %d of the batch does not match what was "
			                "sent (label %d, score %s)", g->line[i], i + 1, label[i], num);
		}
		alpha[i] = value(wg, (size_t)i, wg->col_alpha, 2.0);
		w[i] = value(wg, (size_t)i, wg->col_w, 1.0);
		z[i] = value(wg, (size_t)i, wg->col_z, NAN);
		if (w[i] < 0)
			return ad_error("weigher:%ld: negative weight %g", g->line[i], w[i]);
	}
	wg->th = value(wg, 0, wg->col_th, NAN);
	wg->ts = value(wg, 0, wg->col_ts, NAN);
	wg->ct = value(wg, 0, wg->col_ct, NAN);
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
	const char *line;
	size_t len;
	if (!wg)
		return 0;
	/* send anything pending (nothing normally), then EOF */
	if (!quiet && pump(wg, 0, &line, &len) < 0)
		rc = -1;
	if (wg->to >= 0)
		close(wg->to);
	wg->to = -1;
	if (!quiet && rc == 0) {      /* to its end: empty lines and comments only */
		int k;
		while ((k = scores_next(wg->r, 1, &wg->g)) > 0)
			if (wg->g.nrow > 0) {
				rc = ad_error("weigher:%ld: output after the last batch", wg->g.line[0]);
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
	scores_group_free(&wg->g);
	scores_close(wg->r);
	free(wg->cmd);
	free(wg->obuf);
	free(wg->ibuf);
	free(wg);
	return rc;
}
