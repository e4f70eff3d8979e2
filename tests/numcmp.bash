# numcmp GOT EXPECTED [TOL]: the two tables have the same lines; '#' and empty
# lines are identical, and every field agrees to TOL (absolute, default 1e-9;
# "inf" must match exactly).  Prints the first difference.
numcmp() {
	awk -v tol="${3:-1e-9}" -v ef="$2" '
	function abs(x) { return x < 0 ? -x : x }
	{
		if ((getline e < ef) <= 0) { printf "line %d: extra line: %s\n", NR, $0; bad = 1; exit }
		if ($0 ~ /^#/ || $0 == "" || e ~ /^#/ || e == "") {
			if ($0 != e) { printf "line %d: got \"%s\", expected \"%s\"\n", NR, $0, e; bad = 1; exit }
			next
		}
		n = split($0, a, "\t"); m = split(e, b, "\t")
		if (n != m) { printf "line %d: %d fields, expected %d\n", NR, n, m; bad = 1; exit }
		for (i = 1; i <= n; i++) {
			if (a[i] == b[i]) continue
			if (a[i] !~ /^[-+0-9.eE]+$/ || b[i] !~ /^[-+0-9.eE]+$/ || abs(a[i] - b[i]) > tol) {
				printf "line %d field %d: got %s, expected %s\n", NR, i, a[i], b[i]; bad = 1; exit
			}
		}
	}
	END {
		if (!bad && (getline e < ef) > 0) { printf "line %d: missing line: %s\n", NR + 1, e; bad = 1 }
		exit bad
	}' "$1"
}
