# SPDX-License-Identifier: GPL-2.0
# Sourced by the suites that use the fixtures of build-fixtures.sh:
#   fixtures_ready LOG   take the lock over OUT (build/tests) for the rest
#                        of the caller's run, then (re)build the fixtures
#                        when missing or older than their sources, pahole
#                        or the base resolver; build output goes to LOG.
# Needs OUT, TESTS and ROOT; returns non-zero if the build failed.
fixtures_ready()
{
	local log=$1 stamp=$OUT/.fixtures-stamp t
	local deps=("$TESTS/fixtures" "$TESTS/include" "$TESTS/build-fixtures.sh")

	mkdir -p "$OUT" || return 1
	# one run at a time: the runs share fixtures and scratch space
	exec 9>"$OUT/.run-diff.lock"
	if ! flock -n 9; then
		echo "# waiting for another run over $OUT to finish" >&2
		flock 9
	fi
	for t in "${PAHOLE:-$ROOT/build/tools/pahole}" "${BASE_RESOLVER:-$H_ORACLE}"; do
		[ -e "$t" ] && deps+=("$t")
	done
	if [ ! -f "$stamp" ] || [ -n "$(find "${deps[@]}" -newer "$stamp" -print -quit)" ]; then
		OUT=$OUT bash "$TESTS/build-fixtures.sh" > "$log" 2>&1 || return 1
		touch "$stamp"
	fi
}
