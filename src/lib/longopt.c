/* longopt.c: see longopt.h. */
#include "longopt.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

static int takes_arg(const char *optstring, char c)
{
	const char *p = c != ':' ? strchr(optstring, c) : NULL;
	return p && p[1] == ':';
}

/* The result lives as long as the process, as argv does: kept reachable here. */
static char **volatile kept;    /* volatile: a store the compiler must not drop */

char **ad_longopts(int *argc, char **argv, const char *optstring, const AdLongOpt *tab,
                   const char *usage)
{
	int n = *argc, k = 0, i;
	char **out = ad_xcalloc((size_t)2 * n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		char *a = argv[i];
		if (i == 0) {
			out[k++] = a;
			continue;
		}
		if (a[0] != '-' || !a[1])           /* the first operand (or "-") */
			break;
		if (!strcmp(a, "--")) {
			out[k++] = a;
			i++;
			break;
		}
		if (a[1] != '-') {                  /* short option cluster */
			out[k++] = a;
			for (int j = 1; a[j]; j++)
				if (takes_arg(optstring, a[j])) {
					if (!a[j + 1] && i + 1 < n)
						out[k++] = argv[++i];
					break;
				}
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "--version")) {
			out[k++] = a;
			continue;
		}
		{
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const AdLongOpt *o;
			char *flag;
			for (o = tab; o->name; o++)
				if (strlen(o->name) == len && !strncmp(o->name, name, len))
					break;
			if (!o->name)
				ad_usage_error(usage, "unknown option --%.*s", (int)len, name);
			flag = ad_xmalloc(3);
			flag[0] = '-';
			flag[1] = o->letter;
			flag[2] = 0;
			out[k++] = flag;
			if (takes_arg(optstring, o->letter)) {
				if (eq)
					out[k++] = (char *)eq + 1;
				else if (i + 1 < n)
					out[k++] = argv[++i];
				else
					ad_usage_error(usage, "option --%s needs a value", o->name);
			} else if (eq) {
				ad_usage_error(usage, "option --%.*s takes no value", (int)len, name);
			}
		}
	}
	for (; i < n; i++)
		out[k++] = argv[i];
	out[k] = NULL;
	*argc = k;
	kept = out;
	return out;
}
