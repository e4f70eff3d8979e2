# Shared set-up for the BATS suite: tools from bin/ first on PATH, C locale,
# $FIX for fixtures, $TMP for scratch files.
bats_require_minimum_version 1.5.0
TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
export PATH="${AD_BIN:-$TOP/bin}:$PATH"
export LC_ALL=C
FIX="$TOP/tests/fixtures"
TMP="$BATS_TEST_TMPDIR"
