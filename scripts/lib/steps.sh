#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# steps.sh - the step driver shared by scripts/bootstrap.sh,
# scripts/pahole.sh and tests/boot/run.sh (sourced, never run).
#
# A script defines, for every name in STEPS, three functions:
#   NAME_desc     one line saying what the step makes
#   NAME_cached   true when its outputs exist and its stamp matches
#   NAME_build    makes them (runs with set -e, output to LOGS/NAME.log)
# ("-" in a step name is "_" in its functions) and then calls
#   steps_main "$@"
# which prints one progress line per step, "PREFIX: [i/n] desc ... cached",
# "done (Ns)" or "FAILED" with the log's last lines, and exits 1 on the
# first failure.  Set before sourcing or before steps_main:
#   STEPS_PREFIX  the name in the progress lines
#   STEPS         the step names, in order
#   STAMPS, LOGS  directories for stamps and logs
#   STEPS_LOCK    a lock file: one run at a time per build tree
set -euo pipefail

steps_die()
{
	echo "$STEPS_PREFIX: $*" >&2
	exit 1
}

# stamp_ok NAME KEY: the step NAME last completed with the same KEY.
stamp_ok()
{
	[ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]
}

stamp_write()
{
	mkdir -p "$STAMPS"
	printf '%s\n' "$2" > "$STAMPS/$1"
}

steps_elapsed()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fs", b - a }'
}

# steps_run INDEX COUNT NAME: one progress line ("[INDEX/COUNT]", among the
# steps this run asked for); the build itself goes to the log.
steps_run()
{
	local idx=$1 cnt=$2 fn=${3//-/_} log=$LOGS/$3.log t0 rc=0

	printf '%s: [%d/%d] %s ... ' "$STEPS_PREFIX" "$idx" "$cnt" "$("${fn}_desc")"
	if "${fn}_cached"; then
		echo "cached"
		return 0
	fi

	t0=$(date +%s.%N)
	# A background subshell keeps set -e in force inside the step;
	# running it as an if/|| condition would silently disable it.
	(
		set -E
		trap 'echo "$STEPS_PREFIX: failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
		"${fn}_build"
	) </dev/null >"$log" 2>&1 &
	wait $! || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "FAILED (exit $rc)"
		echo "$STEPS_PREFIX: last lines of $log:" >&2
		tail -n 30 "$log" | sed 's/^/  | /' >&2
		exit 1
	fi
	echo "done ($(steps_elapsed "$t0" "$(date +%s.%N)"))"
}

steps_usage()
{
	echo "usage: $0 [all | ${STEPS[*]}]..."
}

# steps_main [STEP...]: run the named steps (default all), in STEPS order.
steps_main()
{
	local want=" " arg i name run=()

	for arg in "$@"; do
		case " all ${STEPS[*]} " in
		*" $arg "*) want+="$arg " ;;
		-h | --help)
			steps_usage
			exit 0
			;;
		*)
			steps_usage >&2
			exit 2
			;;
		esac
	done
	[ "$want" = " " ] && want=" all "

	mkdir -p "$LOGS" "$STAMPS" "$(dirname "$STEPS_LOCK")"
	exec 9>"$STEPS_LOCK"
	flock 9
	for name in "${STEPS[@]}"; do
		case "$want" in
		*" all "* | *" $name "*) run+=("$name") ;;
		esac
	done
	for i in "${!run[@]}"; do
		steps_run $((i + 1)) "${#run[@]}" "${run[$i]}"
	done
}
