# tests/lib.sh - a small TAP test library in the manner of git's t/test-lib.sh.
#
# A test script:
#
#   #!/bin/bash
#   test_description='what this script checks'
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'init makes a workspace' '
#           skema init ws &&
#           test -d ws/inbox
#   '
#   test_done
#
# Each script runs in its own scratch directory ($TRASH), removed when every
# test passed and kept (and named) when one failed.  The programs under test
# are found through $SKEMA_BIN (bin/ by default); the source tree is $SRC.
# Run one script verbosely with:  bash tests/t0001-init.sh -v

set -u

SRC=$(cd "$(dirname "$0")/.." && pwd)
SKEMA_BIN=${SKEMA_BIN:-$SRC/bin}
FIXTURES=$SRC/fixtures
SHARED=$(cd "$SRC/.." && pwd)/shared
CORPUS=$SHARED/corpus/public-docs
PATH=$SKEMA_BIN:$SRC/build/bin:$PATH
export PATH SRC FIXTURES SHARED CORPUS SKEMA_BIN

# The data directory is the source tree, whatever binaries are tested.
export SKEMA_DATADIR=${SKEMA_DATADIR:-$SRC}
export SKEMA_CONFDIR=${SKEMA_CONFDIR:-/nonexistent}
export SKEMA_TZ=Europe/Copenhagen
unset SKEMA_HOME SKEMA_NOW
export LC_ALL=C.UTF-8
# Sanitizer builds: a report is a crash (exit >= 126), never a verdict.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:exitcode=134:detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

verbose=
for arg in "$@"; do
	case $arg in
	-v | --verbose) verbose=t ;;
	esac
done

test_count=0
test_failed=0
test_name=$(basename "$0" .sh)
TRASH=$SRC/build/trash/$test_name
rm -rf "$TRASH"
mkdir -p "$TRASH"
cd "$TRASH" || exit 1
HOME=$TRASH
export HOME TRASH

say() { printf '%s\n' "$*"; }

test_run_() {
	if test -n "$verbose"; then
		(eval "$1")
	else
		(eval "$1") >"$TRASH/.out" 2>&1
	fi
}

# test_expect_success 'description' 'commands'
test_expect_success() {
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		if test -z "$verbose" && test -f "$TRASH/.out"; then
			sed -e 's/^/#  /' "$TRASH/.out" | tail -n 40
		fi
		printf '%s\n' "$2" | sed -e 's/^/#	/'
	fi
}

# test_expect_failure: a known bug, reported but not counted as a failure.
test_expect_failure() {
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		say "ok $test_count - $1 # TODO known breakage vanished"
	else
		say "not ok $test_count - $1 # TODO known breakage"
	fi
}

# test_must_fail CMD...: CMD must exit non-zero, but not by a signal or a
# sanitizer report (exit >= 126), which would be a crash, not a verdict.
test_must_fail() {
	"$@"
	code=$?
	if test $code -eq 0; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif test $code -ge 126; then
		echo "test_must_fail: command crashed (exit $code): $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code N CMD...: CMD must exit with exactly N.
test_expect_code() {
	want=$1
	shift
	"$@"
	code=$?
	if test $code -ne "$want"; then
		echo "test_expect_code: want exit $want, got $code: $*" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL: files must be equal; shows the difference.
test_cmp() {
	diff -u "$1" "$2"
}

# test_grep [-i] PATTERN FILE: like grep, but shows the file when it fails.
test_grep() {
	case_flag=
	if test "$1" = -i; then
		case_flag=-i
		shift
	fi
	if grep -q $case_flag -e "$1" "$2"; then
		return 0
	fi
	echo "test_grep: '$1' not found in $2:" >&2
	sed -e 's/^/| /' "$2" | head -n 40 >&2
	return 1
}

# test_line_count OP N FILE: e.g. test_line_count = 3 out
test_line_count() {
	n=$(wc -l <"$3")
	if ! test "$n" "$1" "$2"; then
		echo "test_line_count: want $1 $2 lines, got $n in $3" >&2
		return 1
	fi
}

# test_have PROGRAM: 0 when PROGRAM is installed (for skipping).
test_have() {
	command -v "$1" >/dev/null 2>&1
}

test_skip_all() {
	say "1..0 # SKIP $1"
	exit 0
}

# test_skip_sanitized WHAT: skip the script in make check's sanitizer pass.
# For scripts whose cost is not skema's code (the manual, the install of the
# ordinary build, the benchmark harness): the plain pass ran them already.
test_skip_sanitized() {
	test -z "${SKEMA_SANITIZED:-}" || test_skip_all "$1: run in the plain pass"
}

# test_lo_cached OUTDIR INPUTS CMD...: run CMD, which has LibreOffice fill
# OUTDIR, unless CMD already ran on the same inputs with the same
# LibreOffice; then OUTDIR gets what it made then.  INPUTS is a file that
# lists the files CMD reads, one a line; the script itself belongs among
# them.  make check's two passes so run LibreOffice once, and the sanitizer
# pass reads the very files the plain pass read.
test_lo_cached() {
	local out=$1 inputs=$2 key cache
	shift 2
	key=$({ soffice --version 2>/dev/null && printf "%s\n" "$*" &&
		tr "\n" "\0" <"$inputs" | xargs -0 sha256sum; } | sha256sum | cut -c1-32) || return 1
	cache=$SRC/build/lo-cache/$key
	mkdir -p "$out" || return 1
	if test -d "$cache"
	then
		cp -R "$cache/." "$out/"
		return
	fi
	"$@" || return 1
	mkdir -p "$SRC/build/lo-cache" &&
	rm -rf "$cache.$$" &&
	cp -R "$out" "$cache.$$" &&
	{ mv -T "$cache.$$" "$cache" 2>/dev/null || rm -rf "$cache.$$"; }
}

# sql DB QUERY: one query through the sqlite3 shell, output in list mode.
sql() {
	sqlite3 -batch -noheader "$1" "$2"
}

# pdf_text FILE: the text of a PDF, layout kept.
# The files claimed in workspace $1's work/, one a line, whichever form
# their claims have: the claimed file itself (work/C.EXT), or the file in a
# claim directory (work/C/document.EXT).
claimed_files() {
	for c in "$1"/work/*; do
		if test -d "$c"; then
			for f in "$c"/*; do
				if test -e "$f" || test -L "$f"; then printf '%s\n' "$f"; fi
			done
		elif test -e "$c" || test -L "$c"; then
			printf '%s\n' "$c"
		fi
	done
}

# The note $2 (attempts, deferrals, origin, retry) of each claim in
# workspace $1's work/ that has it, one a line: the claim's extended
# attribute user.skema.$2, else a claim directory's dot file.
claim_note() {
	python3 - "$1" "$2" <<'PY'
import os, sys
ws, note = sys.argv[1], sys.argv[2]
work = os.path.join(ws, "work")
for c in sorted(os.listdir(work)):
    p = os.path.join(work, c)
    try:
        v = os.getxattr(p, "user.skema." + note, follow_symlinks=False).decode()
    except OSError:
        try:
            with open(os.path.join(p, "." + note)) as f:
                v = f.read()
        except OSError:
            continue
    print(v.strip())
PY
}

pdf_text() {
	pdftotext -layout "$1" - 2>/dev/null
}

# pdf_sound FILE: qpdf finds nothing wrong, both fonts are embedded subsets
# with a ToUnicode map, and poppler reads the text without a warning.
pdf_sound() {
	qpdf --check "$1" >/dev/null 2>&1 || { echo "qpdf: $1"; return 1; }
	pdffonts "$1" 2>/dev/null | tail -n +3 >fonts &&
	test_line_count = 2 fonts &&
	! grep -v " yes yes yes " fonts || { cat fonts; return 1; }
	pdftotext "$1" /dev/null 2>warnings &&
	test_line_count = 0 warnings
}

test_done() {
	say "1..$test_count"
	if test $test_failed -eq 0; then
		cd "$SRC" && rm -rf "$TRASH"
		exit 0
	fi
	say "# failed $test_failed among $test_count test(s); scratch kept in $TRASH"
	exit 1
}
