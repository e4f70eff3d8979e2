/* ad-train: train an anomaly detector (AE, MemAE, DSVDD) on a vector stream. */
#include "advec.h"
#include "longopt.h"
#include "loss.h"
#include "model.h"
#include "modelfile.h"
#include "nn.h"
#include "train.h"
#include "util.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
"usage: ad-train [-q] [-M model] [-A arch] [-L loss] [-n epochs] [-B batch]\n"
"                [-r lr] [-w wd] [-s seed] [-T threads] [-y valfile]\n"
"                [more options, see below] -o model [file]\n"
"\n"
"Train an anomaly detector on the vector stream FILE (default stdin) and write\n"
"the model file.  Long forms (--epochs 30 or --epochs=30) are aliases.\n"
"\n"
"  -o, --output FILE        model file to write (required)\n"
"  -M, --model KIND         ae, memae or dsvdd [ae]\n"
"  -A, --arch ARCH          conv:16-32-64, mlp:128-64-32, lenet... [model's]\n"
"  -L, --loss LOSS          mse, huber, ga, loe or hetero [hetero]\n"
"  -S, --score MODE         per-sample score: sum or mean of squared errors [sum]\n"
"  -n, --epochs N           epochs [30]\n"
"  -p, --pretrain-epochs N  DSVDD AE pretraining epochs [150]\n"
"  -B, --batch N            batch size [100]\n"
"  -r, --lr X               Adam learning rate [0.0001]\n"
"  -w, --wd X               weight decay [1e-06]\n"
"  -s, --seed N             seed of the initialisation and the shuffling [1]\n"
"  -T, --threads N          worker threads [online CPUs]\n"
"  -Q, --q X                rejection quantile q [hetero 0.5, others 1]\n"
"  -t, --ts X               soft-rejection weight t_s [hetero 0.1, others 1]\n"
"  -a, --alpha-r X          hetero: lowest GA shape alpha_r [1.5]\n"
"  -c, --c X                GA scale c of hetero and huber [sqrt(0.5)]\n"
"  -F, --loe-ratio X        LOE assumed contamination [0.1]\n"
"  -U, --loe-warmup N       LOE warm-up epochs [2]\n"
"  -H, --loe-hard           LOE hard variant (default soft)\n"
"  -P, --weigh CMD          per-batch weights from the co-process sh -c CMD\n"
"  -y, --val FILE           validation stream: keep the model of the lowest\n"
"                           validation loss (hard rejection, q = 0.5)\n"
"  -g, --trace FILE         per-epoch TSV trace\n"
"  -G, --trace-batches      trace every batch too\n"
"  -e, --eval FILE          labelled stream: AUROC in the trace (no selection)\n"
"  -E, --eval-every K       AUROC every K epochs [1]\n"
"  -C, --checkpoint FILE    checkpoint file\n"
"  -K, --checkpoint-every N epochs between checkpoints [1]\n"
"  -R, --resume FILE        continue from a checkpoint\n"
"  -d, --rep-dim N          DSVDD embedding size [model default]\n"
"  -N, --mem-slots N        MemAE memory slots [100]\n"
"  -k, --shrink X           MemAE shrinkage threshold [1/slots]\n"
"  -Z, --entropy-weight X   MemAE entropy loss weight [0.0002]\n"
"  -l, --slope X            LeakyReLU slope [0.2; DSVDD 0.01]\n"
"  -u, --relu               ReLU instead of LeakyReLU\n"
"  -q, --quiet              no progress line\n"
"  -h, --help               this help;  -V, --version: the version\n"
"\n"
"e.g.  ad-train -L hetero -n 30 -y val.adv -o ae.model train.adv\n"
"      ad-train -P 'ad-zscore | ad-reject' -o ae.model train.adv\n"
"See also: ad-score(1), ad-zscore(1), ad-reject(1), ad-model(5).\n";

static const char optstring[] = ":o:M:A:L:S:n:p:B:r:w:s:T:Q:t:a:c:F:U:HP:y:g:Ge:E:C:K:R:d:N:k:Z:l:uqhV";

static const AdLongOpt longs[] = {
	{ "output", 'o' }, { "model", 'M' }, { "arch", 'A' }, { "loss", 'L' },
	{ "score", 'S' }, { "epochs", 'n' }, { "pretrain-epochs", 'p' }, { "batch", 'B' },
	{ "lr", 'r' }, { "wd", 'w' }, { "seed", 's' }, { "threads", 'T' }, { "q", 'Q' },
	{ "ts", 't' }, { "alpha-r", 'a' }, { "c", 'c' }, { "loe-ratio", 'F' },
	{ "loe-warmup", 'U' }, { "loe-hard", 'H' }, { "weigh", 'P' }, { "val", 'y' },
	{ "trace", 'g' }, { "trace-batches", 'G' }, { "eval", 'e' }, { "eval-every", 'E' },
	{ "checkpoint", 'C' }, { "checkpoint-every", 'K' }, { "resume", 'R' },
	{ "rep-dim", 'd' }, { "mem-slots", 'N' }, { "shrink", 'k' },
	{ "entropy-weight", 'Z' }, { "slope", 'l' }, { "relu", 'u' }, { "quiet", 'q' },
	{ NULL, 0 }
};

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

static void load(const char *path, AdvData *d)
{
	/* pixel data (at most 256 distinct values) is held at one byte per value */
	if (adv_load_compact(path, d))
		ad_die("%s", ad_errmsg());
}

int main(int argc, char **argv)
{
	TrainConfig tc;
	TrainResult res;
	ModelConfig mc;
	AdvData data, val, eval;
	Model *m;
	const char *out = NULL, *arch = NULL, *trace = NULL, *valf = NULL, *evalf = NULL;
	int kind = MODEL_AE, loss = LOSS_HETERO, quiet = 0, c, rc;
	int rep_dim = 0, mem_slots = 0, relu = 0;
	double q = -1, ts = -1, alpha_r = -1, gc = -1, loe_ratio = -1, slope = -1, shrink = -1;
	double entropy = -1;
	long loe_warmup = -1, threads = sysconf(_SC_NPROCESSORS_ONLN);
	int score_mean = 0, loe_hard = 0;
	char settings[1024];
	struct sigaction sa;

	ad_setprogname(argv[0]);
	argv = ad_longopts(&argc, argv, optstring, longs, usage);
	ad_stdopts(argc, argv, usage);
	train_config_defaults(&tc);
	opterr = 0;
	while ((c = getopt(argc, argv, optstring)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'M':
			if ((kind = model_kind_parse(optarg)) < 0)
				ad_usage_error(usage, "-M: unknown model '%s' (ae, memae, dsvdd)", optarg);
			break;
		case 'A':
			if (strlen(optarg) >= sizeof mc.arch)
				ad_usage_error(usage, "-A: architecture string too long");
			arch = optarg;
			break;
		case 'L':
			if ((loss = loss_kind_parse(optarg)) < 0)
				ad_usage_error(usage, "-L: unknown loss '%s' (mse, huber, ga, loe, hetero)",
				               optarg);
			break;
		case 'S':
			if (!strcmp(optarg, "sum")) score_mean = 0;
			else if (!strcmp(optarg, "mean")) score_mean = 1;
			else ad_usage_error(usage, "-S: bad value '%s' (expected sum or mean)", optarg);
			break;
		case 'n': tc.epochs = (int)ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'p': tc.pretrain_epochs = (int)ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'B': tc.batch = (int)ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'r': tc.lr = ad_opt_double(usage, c, optarg, 0, 1e30); break;
		case 'w': tc.wd = ad_opt_double(usage, c, optarg, 0, 1e6); break;
		case 's': tc.seed = (uint64_t)ad_opt_long(usage, c, optarg, 0, 2147483647L); break;
		case 'T': threads = ad_opt_long(usage, c, optarg, 1, 1024); break;
		case 'Q': q = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 't': ts = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'a': alpha_r = ad_opt_double(usage, c, optarg, -1e6, 2); break;
		case 'c': gc = ad_opt_double(usage, c, optarg, 1e-12, 1e12); break;
		case 'F': loe_ratio = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'U': loe_warmup = ad_opt_long(usage, c, optarg, 0, 1000000); break;
		case 'H': loe_hard = 1; break;
		case 'P': tc.weigh = optarg; break;
		case 'y': valf = optarg; break;
		case 'g': trace = optarg; break;
		case 'G': tc.trace_batches = 1; break;
		case 'e': evalf = optarg; break;
		case 'E': tc.eval_every = (int)ad_opt_long(usage, c, optarg, 1, 1000000); break;
		case 'C': tc.checkpoint = optarg; break;
		case 'K': tc.checkpoint_every = (int)ad_opt_long(usage, c, optarg, 1, 1000000); break;
		case 'R': tc.resume = optarg; break;
		case 'd': rep_dim = (int)ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'N': mem_slots = (int)ad_opt_long(usage, c, optarg, 1, 1 << 20); break;
		case 'k': shrink = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'Z': entropy = ad_opt_double(usage, c, optarg, 0, 1e6); break;
		case 'l': slope = ad_opt_double(usage, c, optarg, 0, 1); break;
		case 'u': relu = 1; break;
		case 'q': quiet = 1; break;
		case 'h': ad_help(usage);
		case 'V': ad_version();
		default: ad_bad_option(usage);
		}
	}
	if (!out)
		ad_usage_error(usage, "no model file given (-o FILE)");
	if (argc - optind > 1)
		ad_usage_error(usage, "too many operands");
	if (tc.weigh && loss != LOSS_HETERO)
		ad_usage_error(usage, "-P (--weigh) works with the hetero loss only");
	if (loss != LOSS_HETERO && alpha_r != -1)
		ad_usage_error(usage, "-a (--alpha-r) applies to the hetero loss only");
	if (loss != LOSS_LOE && (loe_ratio != -1 || loe_warmup != -1 || loe_hard))
		ad_usage_error(usage, "-F, -U and -H apply to the loe loss only");
	if ((loss == LOSS_GA || loss == LOSS_LOE) && (q != -1 || ts != -1))
		ad_usage_error(usage, "-Q and -t do not apply to the %s loss", loss_kind_name(loss));
	if (kind != MODEL_DSVDD && (tc.pretrain_epochs != 150 || rep_dim))
		ad_usage_error(usage, "-p and -d apply to the dsvdd model only");
	if (kind != MODEL_MEMAE && (mem_slots || shrink != -1 || entropy != -1))
		ad_usage_error(usage, "-N, -k and -Z apply to the memae model only");

	loss_config_defaults(&tc.loss, loss);
	tc.loss.score_mean = score_mean;
	if (q != -1) tc.loss.q = q;
	if (ts != -1) tc.loss.ts = ts;
	if (alpha_r != -1) tc.loss.alpha_r = alpha_r;
	if (gc != -1) tc.loss.c = gc;
	if (loe_ratio != -1) tc.loss.loe_ratio = loe_ratio;
	if (loe_warmup != -1) tc.loss.loe_warmup = (int)loe_warmup;
	tc.loss.loe_hard = loe_hard;

	load(optind < argc ? argv[optind] : "-", &data);
	if (valf)
		load(valf, &val);
	if (evalf)
		load(evalf, &eval);
	if (valf && val.info.dim != data.info.dim)
		ad_die("%s: dimension %d, the training data has %d", valf, val.info.dim, data.info.dim);
	if (evalf && eval.info.dim != data.info.dim)
		ad_die("%s: dimension %d, the training data has %d", evalf, eval.info.dim,
		       data.info.dim);
	tc.val = valf ? &val : NULL;
	tc.eval = evalf ? &eval : NULL;

	model_config_defaults(&mc, kind);
	if (arch)
		memcpy(mc.arch, arch, strlen(arch) + 1);
	mc.dim = data.info.dim;
	memcpy(mc.shape, data.info.shape, sizeof mc.shape);
	mc.seed = tc.seed;
	if (slope != -1) mc.slope = (float)slope;
	if (relu) mc.relu = 1;
	if (mem_slots) mc.mem_slots = mem_slots;
	if (shrink != -1) mc.shrink = (float)shrink;
	if (entropy != -1) mc.entropy_weight = (float)entropy;
	if (rep_dim) mc.rep_dim = rep_dim;
	if (!(m = model_new(&mc)))
		ad_die("%s", ad_errmsg());
	nn_set_threads((int)(threads > 0 ? threads : 1));

	if (trace) {
		FILE *f = fopen(trace, tc.resume ? "a" : "w");
		if (!f)
			ad_die("%s: %s", trace, strerror(errno));
		tc.trace = f;
		tc.trace_header = ftell(f) == 0;
	}
	tc.progress = !quiet && isatty(2);
	tc.stop = &stop_signal;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	rc = train_run(m, &data, &tc, &res);
	if (tc.trace && fclose(tc.trace) != 0 && rc == 0)
		ad_die("%s: write error", trace);
	if (rc < 0)
		ad_die("%s", ad_errmsg());
	if (rc == 1) {
		if (tc.checkpoint)
			ad_warn("interrupted by signal %d; checkpoint written to %s (resume with -R %s)",
			        (int)stop_signal, tc.checkpoint, tc.checkpoint);
		else
			ad_warn("interrupted by signal %d; no model written", (int)stop_signal);
		return 128 + (int)stop_signal;
	}
	train_settings(&tc, m, &res, settings, sizeof settings);
	if (modelfile_save(out, m, score_mean, settings))
		ad_die("%s", ad_errmsg());
	model_free(m);
	adv_data_free(&data);
	if (valf)
		adv_data_free(&val);
	if (evalf)
		adv_data_free(&eval);
	return 0;
}
