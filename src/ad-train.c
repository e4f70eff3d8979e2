/* ad-train: train an anomaly detector (AE, MemAE, DSVDD) on a vector stream
 * (man/ad-train.1).
 *
 * In the order of main(): parse() reads the options into an Options struct
 * whose set[] records which options were given; check() applies the rules
 * between options; build_configs() takes the library's defaults for the chosen
 * loss and model (loss_config_defaults, model_config_defaults) and puts the
 * given options on top.  The help text prints the same defaults. */
#include "aar.h"
#include "advec.h"
#include "longopt.h"
#include "loss.h"
#include "model.h"
#include "modelfile.h"
#include "nn.h"
#include "threshold.h"
#include "train.h"
#include "util.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	unsigned char set[128];  /* set['k']: -k was given */
	const char *out, *trace, *valf, *evalf, *train;
	int operands;            /* file operands (at most one) */
	int kind, loss_kind, score_mean, quiet, reject;
	long threads;
	TrainConfig tc;          /* train_config_defaults, then the options */
	LossConfig lc;           /* the loss options as given (see set[]) */
	ModelConfig mc;          /* the model options as given (see set[]) */
} Options;

/* ad-train's own defaults; the loss and model ones come from the library. */
static void options_defaults(Options *o)
{
	memset(o, 0, sizeof *o);
	o->kind = MODEL_AE;
	o->loss_kind = LOSS_HETERO;
	o->threads = sysconf(_SC_NPROCESSORS_ONLN);
	train_config_defaults(&o->tc);
	o->tc.reject_stat = TRAIN_STAT_AUTO;     /* train_lockin_resolve() */
	o->tc.warmup = TRAIN_WARMUP_AUTO;
}

static char usage[4096];

static void make_usage(void)
{
	Options d;
	LossConfig lh, lm;
	ModelConfig ma, md, mm;
	options_defaults(&d);
	loss_config_defaults(&lh, LOSS_HETERO);
	loss_config_defaults(&lm, LOSS_MSE);
	model_config_defaults(&ma, MODEL_AE);
	model_config_defaults(&md, MODEL_DSVDD);
	model_config_defaults(&mm, MODEL_MEMAE);
	snprintf(usage, sizeof usage,
"usage: ad-train [-q] [-M model] [-A arch] [-L loss] [-n epochs] [-B batch]\n"
"                [-r lr] [-w wd] [-s seed] [-T threads] [-y valfile]\n"
"                [more options, see below] -o model [file]\n"
"\n"
"Train an anomaly detector on the vector stream FILE (default stdin) and write\n"
"the model file.  Long forms (--epochs 30 or --epochs=30) are aliases.\n"
"\n"
"  -o, --output FILE        model file to write (required)\n"
"  -M, --model KIND         ae, memae or dsvdd [%s]\n"
"  -A, --arch ARCH          conv:16-32-64, mlp:128-64-32, lenet... [model's]\n"
"  -L, --loss LOSS          mse, huber, ga, loe or hetero [%s]\n"
"  -S, --score MODE         per-sample score: sum or mean of squared errors [%s]\n"
"  -n, --epochs N           epochs [%d]\n"
"  -p, --pretrain-epochs N  DSVDD AE pretraining epochs [%d]\n"
"  -B, --batch N            batch size [%d]\n"
"  -r, --lr X               Adam learning rate [%g]\n"
"  -w, --wd X               weight decay [%g]\n"
"  -s, --seed N             seed of the initialisation and the shuffling [%llu]\n"
"  -T, --threads N          worker threads [online CPUs]\n"
"  -Q, --q X                rejection quantile q [hetero %g, others %g]\n"
"  -t, --ts X               soft-rejection weight t_s [hetero %g, others %g]\n"
"  -a, --alpha-r X          hetero: lowest GA shape alpha_r [%g]\n"
"  -c, --c X                GA scale c of hetero and huber [%.8g = sqrt(0.5)]\n"
"  -F, --loe-ratio X        LOE assumed contamination [%g]\n"
"  -U, --loe-warmup N       LOE warm-up epochs [%d]\n"
"  -H, --loe-hard           LOE hard variant (default soft)\n"
"  -j, --reject RULE        rejection of mse, huber, hetero: quantile (-Q) or aar\n"
"                           (adaptive, no assumed contamination) [quantile]\n"
"  -J, --aar-tau X          aar: hard rejection above this modified z-score [%g]\n"
"  -X, --aar-guard X        aar: soft threshold >= normal mean + X sd [%g]\n"
"  -W, --aar-warmup N       aar: epochs with hard rejection only [%d]\n"
"  -P, --weigh CMD          per-batch weights from the co-process sh -c CMD\n"
"  -I, --weigh-timeout S    give up on a weigher silent for S seconds [%g; 0 never]\n"
"  -x, --reject-stat STAT   weights from: score (Algorithm 1), resid (the score\n"
"                           less its batch line in input energy), resid:K (resid\n"
"                           up to epoch K, then score), or auto: the\n"
"                           lock-in remedy -x resid:%d -m %d for -M ae -L hetero on\n"
"                           pixel images, score otherwise [auto]\n"
"  -m, --mse-warmup N       epochs with w = 1, alpha = 2 before rejection\n"
"                           [%d where auto chose the remedy, else 0]\n"
"  -y, --val FILE           validation stream: keep the model of the lowest\n"
"                           validation loss (hard rejection, q = 0.5)\n"
"  -g, --trace FILE         per-epoch TSV trace ('-': standard output)\n"
"  -G, --trace-batches      trace every batch too\n"
"  -e, --eval FILE          labelled stream: AUROC in the trace (no selection)\n"
"  -E, --eval-every K       AUROC every K epochs [%d]\n"
"  -C, --checkpoint FILE    checkpoint file\n"
"  -K, --checkpoint-every N epochs between checkpoints [%d]\n"
"  -R, --resume FILE        continue from a checkpoint\n"
"  -d, --rep-dim N          DSVDD embedding size [model default]\n"
"  -N, --mem-slots N        MemAE memory slots [%d]\n"
"  -k, --shrink X           MemAE shrinkage threshold [1/slots]\n"
"  -Z, --entropy-weight X   MemAE entropy loss weight [%g]\n"
"  -l, --slope X            LeakyReLU slope [%g; DSVDD %g]\n"
"  -u, --relu               ReLU instead of LeakyReLU\n"
"  -q, --quiet              no progress lines, no summary\n"
"  -h, --help               this help;  -V, --version: the version\n"
"\n"
"e.g.  ad-train -L hetero -n 30 -y val.adv -o ae.model train.adv\n"
"      ad-train -P 'ad-zscore | ad-reject' -o ae.model train.adv\n"
"      ad-train -j aar -o ae.model train.adv\n"
"See also: ad-score(1), ad-zscore(1), ad-reject(1), ad-model(5).\n",
	         model_kind_name(d.kind), loss_kind_name(d.loss_kind),
	         d.score_mean ? "mean" : "sum", d.tc.epochs, d.tc.pretrain_epochs, d.tc.batch,
	         d.tc.lr, d.tc.wd, (unsigned long long)d.tc.seed, lh.q, lm.q, lh.ts, lm.ts,
	         lh.alpha_r, lh.c, lh.loe_ratio, lh.loe_warmup, lh.aar_tau, lh.aar_guard,
	         lh.aar_warmup, d.tc.weigh_timeout, TRAIN_REMEDY_RESID_EPOCHS, TRAIN_REMEDY_WARMUP,
	         TRAIN_REMEDY_WARMUP, d.tc.eval_every,
	         d.tc.checkpoint_every, mm.mem_slots, (double)mm.entropy_weight,
	         (double)ma.slope, (double)md.slope);
}

static const char optstring[] = ":o:M:A:L:S:n:p:B:r:w:s:T:Q:t:a:c:F:U:Hj:J:X:W:P:y:g:Ge:E:C:K:R:d:N:k:Z:l:uqhVm:x:I:";

static const AdLongOpt longs[] = {
	{ "output", 'o' }, { "model", 'M' }, { "arch", 'A' }, { "loss", 'L' },
	{ "score", 'S' }, { "epochs", 'n' }, { "pretrain-epochs", 'p' }, { "batch", 'B' },
	{ "lr", 'r' }, { "wd", 'w' }, { "seed", 's' }, { "threads", 'T' }, { "q", 'Q' }, { "quantile", 'Q' },
	{ "ts", 't' }, { "alpha-r", 'a' }, { "c", 'c' }, { "loe-ratio", 'F' },
	{ "loe-warmup", 'U' }, { "loe-hard", 'H' }, { "reject", 'j' }, { "aar-tau", 'J' },
	{ "aar-guard", 'X' }, { "aar-warmup", 'W' }, { "weigh", 'P' }, { "weigh-timeout", 'I' },
	{ "val", 'y' },
	{ "trace", 'g' }, { "trace-batches", 'G' }, { "eval", 'e' }, { "eval-every", 'E' },
	{ "checkpoint", 'C' }, { "checkpoint-every", 'K' }, { "resume", 'R' },
	{ "rep-dim", 'd' }, { "mem-slots", 'N' }, { "shrink", 'k' },
	{ "entropy-weight", 'Z' }, { "slope", 'l' }, { "relu", 'u' }, { "quiet", 'q' },
	{ "mse-warmup", 'm' }, { "reject-stat", 'x' },
	{ NULL, 0 }
};

static void parse(int argc, char **argv, Options *o)
{
	TrainConfig *tc = &o->tc;
	LossConfig *l = &o->lc;
	ModelConfig *mc = &o->mc;
	int c;
	opterr = 0;
	while ((c = getopt(argc, argv, optstring)) != -1) {
		if (c > 0 && c < (int)sizeof o->set)
			o->set[c] = 1;
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'M':
			if ((o->kind = model_kind_parse(optarg)) < 0)
				ad_usage_error(usage, "-M: unknown model '%s' (ae, memae, dsvdd)", optarg);
			break;
		case 'A':
			if (strlen(optarg) >= sizeof mc->arch)
				ad_usage_error(usage, "-A: architecture string too long");
			memcpy(mc->arch, optarg, strlen(optarg) + 1);
			break;
		case 'L':
			if ((o->loss_kind = loss_kind_parse(optarg)) < 0)
				ad_usage_error(usage, "-L: unknown loss '%s' (mse, huber, ga, loe, hetero)",
				               optarg);
			break;
		case 'S':
			if (!strcmp(optarg, "sum")) o->score_mean = 0;
			else if (!strcmp(optarg, "mean")) o->score_mean = 1;
			else ad_usage_error(usage, "-S: bad value '%s' (expected sum or mean)", optarg);
			break;
		case 'n': tc->epochs = (int)ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'p': tc->pretrain_epochs = (int)ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'B': tc->batch = (int)ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'r': tc->lr = ad_opt_double(usage, c, optarg, 0, 1e30); break;
		case 'w': tc->wd = ad_opt_double(usage, c, optarg, 0, 1e6); break;
		case 's': tc->seed = (uint64_t)ad_opt_long(usage, c, optarg, 0, 2147483647L); break;
		case 'T': o->threads = ad_opt_long(usage, c, optarg, 1, POOL_MAX_THREADS); break;
		case 'Q': l->q = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 't': l->ts = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'a': l->alpha_r = ad_opt_double(usage, c, optarg, -1e6, 2); break;
		case 'c': l->c = ad_opt_double(usage, c, optarg, 1e-12, 1e12); break;
		case 'F': l->loe_ratio = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'U': l->loe_warmup = (int)ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'H': l->loe_hard = 1; break;
		case 'j':
			if (!strcmp(optarg, "quantile")) o->reject = LOSS_REJECT_QUANTILE;
			else if (!strcmp(optarg, "aar")) o->reject = LOSS_REJECT_AAR;
			else ad_usage_error(usage, "-j: unknown rejection rule '%s' (quantile, aar)",
			                    optarg);
			break;
		case 'J': l->aar_tau = ad_opt_double(usage, c, optarg, 0, 1e6); break;
		case 'X': l->aar_guard = ad_opt_double(usage, c, optarg, -1e6, 1e6); break;
		case 'W': l->aar_warmup = (int)ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'm': tc->warmup = (int)ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'x':
			tc->resid_epochs = 0;
			if (!strcmp(optarg, "score"))
				tc->reject_stat = TRAIN_STAT_SCORE;
			else if (!strcmp(optarg, "resid"))
				tc->reject_stat = TRAIN_STAT_RESID;
			else if (!strncmp(optarg, "resid:", 6)) {
				tc->reject_stat = TRAIN_STAT_RESID;
				tc->resid_epochs = (int)ad_opt_long(usage, c, optarg + 6, 1, 1000000);
			} else if (!strcmp(optarg, "auto"))
				tc->reject_stat = TRAIN_STAT_AUTO;
			else
				ad_usage_error(usage, "-x: unknown statistic '%s' (score, resid, resid:K or auto)",
				               optarg);
			break;
		case 'P': tc->weigh = optarg; break;
		case 'I': tc->weigh_timeout = ad_opt_double(usage, c, optarg, 0, 1e9); break;
		case 'y': o->valf = optarg; break;
		case 'g': o->trace = optarg; break;
		case 'G': tc->trace_batches = 1; break;
		case 'e': o->evalf = optarg; break;
		case 'E': tc->eval_every = (int)ad_opt_long(usage, c, optarg, 1, 1000000); break;
		case 'C': tc->checkpoint = optarg; break;
		case 'K': tc->checkpoint_every = (int)ad_opt_long(usage, c, optarg, 1, 1000000); break;
		case 'R': tc->resume = optarg; break;
		case 'd': mc->rep_dim = (int)ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'N': mc->mem_slots = (int)ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'k': mc->shrink = (float)ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'Z': mc->entropy_weight = (float)ad_opt_double(usage, c, optarg, 0, 1e6); break;
		case 'l': mc->slope = (float)ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'u': mc->relu = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	o->operands = argc - optind;
	{
		/* "-q 0.5": -q is quiet here, as in ad-reject's old usage it was the quantile */
		double v;
		if (o->quiet && o->operands > 1 && !ad_parse_double(argv[optind], -1e300, 1e300, &v))
			ad_usage_error(usage, "-q is quiet and takes no value ('%s'): the rejection "
			               "quantile is -Q (--quantile)", argv[optind]);
	}
	o->train = optind < argc ? argv[optind] : "-";
}

/* The rules between options (man/ad-train.1): each loss or model option is
 * refused with a loss or model it does not apply to. */
static void check(const Options *o)
{
	const unsigned char *set = o->set;
	int loss = o->loss_kind;
	if (!o->out)
		ad_usage_error(usage, "no model file given (-o FILE)");
	if (o->trace && !strcmp(o->trace, "-") && !strcmp(o->out, "-"))
		ad_usage_error(usage, "-g - and -o - would both write to standard output: give "
		               "one of them a file");
	if (o->operands > 1)
		ad_usage_error(usage, "too many operands");
	if (set['P'] && loss != LOSS_HETERO && loss != LOSS_MSE && loss != LOSS_HUBER)
		ad_usage_error(usage, "-P (--weigh) works with the mse, huber and hetero losses only");
	if (o->reject == LOSS_REJECT_AAR && loss != LOSS_HETERO && loss != LOSS_MSE &&
	    loss != LOSS_HUBER)
		ad_usage_error(usage, "-j aar applies to the mse, huber and hetero losses");
	if (o->reject == LOSS_REJECT_AAR && set['Q'])
		ad_usage_error(usage, "-Q does not apply to -j aar (adaptive rejection)");
	if ((set['J'] || set['X'] || set['W']) && o->reject != LOSS_REJECT_AAR)
		ad_usage_error(usage, "-J, -X and -W apply to -j aar only");
	if (set['I'] && !set['P'])
		ad_usage_error(usage, "-I (--weigh-timeout) applies with -P (--weigh) only");
	if (set['a'] && loss != LOSS_HETERO)
		ad_usage_error(usage, "-a (--alpha-r) applies to the hetero loss only");
	if ((set['F'] || set['U'] || set['H']) && loss != LOSS_LOE)
		ad_usage_error(usage, "-F, -U and -H apply to the loe loss only");
	if ((set['m'] || set['x']) && loss != LOSS_HETERO && loss != LOSS_MSE && loss != LOSS_HUBER)
		ad_usage_error(usage, "-m and -x apply to the hetero, mse and huber losses only");
	if ((set['m'] || set['x']) && set['P'])
		ad_usage_error(usage, "-m and -x do not apply with -P (the weigher computes the weights)");
	if ((set['Q'] || set['t']) && (loss == LOSS_GA || loss == LOSS_LOE))
		ad_usage_error(usage, "-Q and -t do not apply to the %s loss", loss_kind_name(loss));
	if ((set['p'] || set['d']) && o->kind != MODEL_DSVDD)
		ad_usage_error(usage, "-p and -d apply to the dsvdd model only");
	if ((set['N'] || set['k'] || set['Z']) && o->kind != MODEL_MEMAE)
		ad_usage_error(usage, "-N, -k and -Z apply to the memae model only");
}

/* The loss and model configurations: the library's defaults for the chosen
 * kinds, then every option that was given.  The MemAE shrinkage left unset stays
 * the default 1/N of the slots in use (model.h). */
static void build_configs(const Options *o, const AdvData *d, TrainConfig *tc,
                          ModelConfig *mc)
{
	const unsigned char *set = o->set;
	const LossConfig *l = &o->lc;
	*tc = o->tc;
	loss_config_defaults(&tc->loss, o->loss_kind);
	tc->loss.score_mean = o->score_mean;
	if (set['Q']) tc->loss.q = l->q;
	if (set['t']) tc->loss.ts = l->ts;
	if (set['a']) tc->loss.alpha_r = l->alpha_r;
	if (set['c']) tc->loss.c = l->c;
	if (set['F']) tc->loss.loe_ratio = l->loe_ratio;
	if (set['U']) tc->loss.loe_warmup = l->loe_warmup;
	if (set['H']) tc->loss.loe_hard = l->loe_hard;
	tc->loss.reject = o->reject;
	if (o->reject == LOSS_REJECT_AAR && !set['t'])
		tc->loss.ts = AAR_TS;         /* the soft weight of every loss under aar */
	if (set['J']) tc->loss.aar_tau = l->aar_tau;
	if (set['X']) tc->loss.aar_guard = l->aar_guard;
	if (set['W']) tc->loss.aar_warmup = l->aar_warmup;
	train_lockin_resolve(tc, o->kind, d);

	model_config_defaults(mc, o->kind);
	if (set['A']) memcpy(mc->arch, o->mc.arch, sizeof mc->arch);
	if (set['l']) mc->slope = o->mc.slope;
	if (set['u']) mc->relu = o->mc.relu;
	if (set['N']) mc->mem_slots = o->mc.mem_slots;
	if (set['k']) mc->shrink = o->mc.shrink;
	if (set['Z']) mc->entropy_weight = o->mc.entropy_weight;
	if (set['d']) mc->rep_dim = o->mc.rep_dim;
	mc->dim = d->info.dim;
	memcpy(mc->shape, d->info.shape, sizeof mc->shape);
	mc->seed = tc->seed;
}

/* A stream, held at one byte per value when it is pixel data (at most 256
 * distinct values); the dimension must be the training data's (dim > 0). */
static void load(const char *path, AdvData *d, int dim)
{
	if (adv_load_compact(path, d))
		ad_die("%s", ad_errmsg());
	if (dim > 0 && d->info.dim != dim)
		ad_die("%s: dimension %d, the training data has %d", path, d->info.dim, dim);
}

/* Before any data is read: no output may be an input (ad.7; the checkpoint may
 * be the file resumed from), and the model and checkpoint must be writable
 * where they go (the trace is opened before the first epoch too). */
static void check_outputs(const Options *o)
{
	const char *out[] = { o->out, o->tc.checkpoint, o->trace };
	const char *in[] = { o->train, o->valf, o->evalf };
	const char *out2[] = { o->out, o->trace };
	const char *in2[] = { o->tc.resume };
	if (ad_check_outputs(out, 3, in, 3) || ad_check_outputs(out2, 2, in2, 1) ||
	    mf_check_writable(o->out) || (o->tc.checkpoint && mf_check_writable(o->tc.checkpoint)))
		ad_die("%s", ad_errmsg());
}

/* The first SIGINT or SIGTERM stops after the current batch; a second one ends
 * the process at once (the outputs are written atomically: nothing half-written). */
static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	if (stop_signal)
		_exit(128 + sig);
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* The trace file, appended to when resuming; "-" is standard output. */
static FILE *open_trace(const char *path, int append)
{
	FILE *f = !strcmp(path, "-") ? stdout : fopen(path, append ? "a" : "w");
	if (!f)
		ad_die("%s: %s", path, strerror(errno));
	return f;
}

/* One line at the end: epochs, time, speed, the model kept. */
static void summary(const TrainResult *res, double sec)
{
	fprintf(stderr, "%s: %d epochs in %.1f s (%.0f samples/s); ", ad_progname,
	        res->epochs_done, sec, sec > 0 ? (double)res->samples / sec : 0.0);
	if (res->best_epoch > 0)
		fprintf(stderr, "kept epoch %d, validation loss %.6g\n", res->best_epoch,
		        res->best_val);
	else
		fprintf(stderr, "kept the last epoch, training loss %.6g\n", res->last_loss);
}

/* The model file with the training rows' score distribution and its
 * clean-weighted part (threshold.h), for ad-score -c and -r; scoring reads the
 * model and changes no weight.  w: the rows' rejection weights (train.h). */
static void save_model(const Options *o, Model *m, const AdvData *data, const char *settings,
                       const double *w)
{
	ScoreDist dist;
	if (scoredist_training(&dist, m, data, o->score_mean, w))
		ad_die("%s", ad_errmsg());
	if (modelfile_save_dist(o->out, m, o->score_mean, settings, &dist))
		ad_die("%s", ad_errmsg());
	scoredist_free(&dist);
}

int main(int argc, char **argv)
{
	Options o;
	TrainConfig tc;
	TrainResult res;
	ModelConfig mc;
	AdvData data, val = { 0 }, eval = { 0 };
	Model *m;
	char settings[1024];
	int rc;
	double t0;

	ad_setprogname(argv[0]);
	make_usage();
	argv = ad_longopts(&argc, argv, optstring, longs, usage);
	ad_stdopts(argc, argv, usage);
	options_defaults(&o);
	parse(argc, argv, &o);
	check(&o);
	check_outputs(&o);

	load(o.train, &data, 0);
	if (o.valf)
		load(o.valf, &val, data.info.dim);
	if (o.evalf)
		load(o.evalf, &eval, data.info.dim);
	build_configs(&o, &data, &tc, &mc);
	tc.val = o.valf ? &val : NULL;
	tc.eval = o.evalf ? &eval : NULL;
	if (!(m = model_new(&mc)))
		ad_die("%s", ad_errmsg());
	nn_set_threads((int)(o.threads > 0 ? o.threads : 1));
	if (o.trace) {
		tc.trace = open_trace(o.trace, tc.resume != NULL);
		/* a file appended to has its header already; standard output is new */
		tc.trace_header = tc.trace == stdout || ftell(tc.trace) == 0;
	}
	tc.progress = o.quiet ? TRAIN_PROGRESS_NONE
	            : isatty(2) ? TRAIN_PROGRESS_TTY : TRAIN_PROGRESS_LOG;
	tc.stop = &stop_signal;
	tc.row_weight = ad_xmalloc(ad_mul((size_t)data.n, sizeof *tc.row_weight));
	catch_signals();

	t0 = ad_now();
	rc = train_run(m, &data, &tc, &res);
	t0 = ad_now() - t0;
	if (tc.trace && (tc.trace == stdout ? fflush(stdout) != 0 || ferror(stdout)
	                                    : fclose(tc.trace) != 0) && rc == 0)
		ad_die("%s: write error", strcmp(o.trace, "-") ? o.trace : "standard output");
	if (rc < 0)
		ad_die("%s", ad_errmsg());
	train_settings(&tc, m, &res, settings, sizeof settings);
	if (rc == 1) {
		/* Ctrl-C (SIGINT): the model so far is written too (the best by the
		 * validation loss with -y); SIGTERM (a batch system) leaves only the
		 * checkpoint, so that no unfinished model passes for a finished one */
		char what[512] = "no model written";
		if (stop_signal == SIGINT) {
			save_model(&o, m, &data, settings, tc.row_weight);
			if (res.best_epoch)
				snprintf(what, sizeof what, "the model of epoch %d (lowest validation "
				         "loss so far) written to %s", res.best_epoch, o.out);
			else
				snprintf(what, sizeof what, "the model so far (%d of %d epochs finished) "
				         "written to %s",
				         res.epochs_done, (o.kind == MODEL_DSVDD ? tc.pretrain_epochs : 0) +
				         tc.epochs, o.out);
		}
		if (tc.checkpoint && stop_signal != SIGINT)
			ad_warn("interrupted by signal %d; checkpoint written to %s (resume with -R %s)",
			        (int)stop_signal, tc.checkpoint, tc.checkpoint);
		else if (tc.checkpoint)
			ad_warn("interrupted by signal %d; %s; checkpoint written to %s (resume with -R %s)",
			        (int)stop_signal, what, tc.checkpoint, tc.checkpoint);
		else
			ad_warn("interrupted by signal %d; %s", (int)stop_signal, what);
		return 128 + (int)stop_signal;
	}
	save_model(&o, m, &data, settings, tc.row_weight);
	if (!o.quiet)
		summary(&res, t0);
	model_free(m);
	free(tc.row_weight);
	adv_data_free(&data);
	if (o.valf)
		adv_data_free(&val);
	if (o.evalf)
		adv_data_free(&eval);
	return 0;
}
