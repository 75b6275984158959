#!/bin/bash
# tests/valgrind.sh - runs the unit tests and chosen whole-program tests with
# every skema program under valgrind's memcheck; any leak or memory error
# fails the run (exit 99 from the program, which the test then reports).
#
# usage: tests/valgrind.sh BIN_DIR UNIT_TEST... -- TEST_SCRIPT...
set -u
bin=$1
shift
wrap=$(cd "$(dirname "$0")/.." && pwd)/build/valgrind/bin
log=$(cd "$(dirname "$0")/.." && pwd)/build/valgrind/log
rm -rf "$wrap" "$log"
mkdir -p "$wrap" "$log"

vg="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --log-file=$log/%p.log"

# One wrapper per program; the driver finds the wrapped stages through
# SKEMA_LIBEXEC.
# valgrind cannot run a seccomp filter (it does not implement the
# syscall), so under valgrind the extractor parses in its own process.
# skema-letter renders in one process: its --jobs workers are forked copies
# that end with _exit() holding the parent's heap (SQLite's caches among
# it), which memcheck reports as lost; the rendering code they run is the
# same, and t4060 checks --jobs N gives the same bytes as --jobs 1.
for program in "$bin"/skema "$bin"/skema-*; do
	name=$(basename "$program")
	extra= after=
	if [ "$name" = skema-extract ]; then extra=--no-sandbox; fi
	if [ "$name" = skema-letter ]; then after="--jobs 1"; fi
	printf '#!/bin/sh\nexec %s %s %s "$@" %s\n' "$vg" "$(cd "$bin" && pwd)/$name" "$extra" "$after" >"$wrap/$name"
	chmod +x "$wrap/$name"
done
export SKEMA_LIBEXEC=$wrap

status=0
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	echo "# valgrind $1"
	$vg "$1" >/dev/null 2>&1 || { echo "not ok: $1 under valgrind"; status=1; }
	shift
done
[ $# -gt 0 ] && shift
for script in "$@"; do
	SKEMA_BIN=$wrap bash "$script" || status=1
done
# Any report at all is a failure, even one a test did not notice.
for f in "$log"/*.log; do
	if [ -s "$f" ]; then
		echo "# valgrind report: $f"
		sed -n '1,40p' "$f"
		status=1
	fi
done
[ $status -eq 0 ] && echo "# valgrind: no leaks, no errors"
exit $status
