#!/bin/bash
test_description='skema-store killed at every write: all of a record or none of it'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"

test_have strace || test_skip_all 'strace is not installed'
strace -f -o /dev/null -e inject=pwrite64:signal=SIGKILL:when=1000 true 2>/dev/null ||
	test_skip_all 'strace cannot inject faults here'

# LeakSanitizer cannot run under ptrace, so a sanitizer build is traced with
# leak detection off.

# check DB: integrity, and record B either wholly there or not at all.
check() {
	test "$(sql "$1" "PRAGMA integrity_check")" = ok &&
	n=$(sql "$1" "SELECT COUNT(*) FROM submissions") &&
	fields=$(sql "$1" "SELECT COUNT(*) FROM fields WHERE submission_id = 2") &&
	events=$(sql "$1" "SELECT COUNT(*) FROM events WHERE submission_id = 2") &&
	last=$(sql "$1" "SELECT last FROM case_numbers WHERE year = 2026") &&
	case $n in
	1) test "$fields/$events/$last" = 0/0/1 ;;
	2) test "$fields/$events/$last" = 3/2/2 ;;
	*) false ;;
	esac || { echo "half a record: n=$n fields=$fields events=$events last=$last" >&2; false; }
}

test_expect_success 'setup: a database with one record, and a second record' '
	mkrec 1 temaforloeb 2026-01-01T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" >a &&
	mkrec 2 temaforloeb 2026-01-02T10:00:00+01:00 eligible "{\"kommune\":\"Odense\",\"timer\":12,\"tema\":\"x\"}" \
		"[[\"chefniveau\",\"eligibility\",true]]" >b &&
	skema-store base.db <a >/dev/null &&
	sql base.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	rm -f base.db-wal base.db-shm
'

test_expect_success 'killed at each write and each sync, then run again' '
	killed=0 &&
	for call in pwrite64 fdatasync; do
		k=1 &&
		while test $k -le 60; do
			rm -f t.db t.db-wal t.db-shm && cp base.db t.db &&
			ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 \
			strace -f -o /dev/null -e inject=$call:signal=SIGKILL:when=$k skema-store t.db <b >out 2>/dev/null;
			code=$?;
			if test $code -eq 0; then break; fi;
			test $code -eq 137 || { echo "exit $code at $call $k" >&2; return 1; };
			killed=$((killed + 1)) &&
			check t.db || { echo "after kill at $call $k" >&2; return 1; };
			skema-store t.db <b >out &&
			test "$(jq -r .submission.case_number out)" = 2026-000002 &&
			check t.db &&
			test "$(sql t.db "SELECT COUNT(*) FROM submissions")" = 2 || return 1;
			k=$((k + 1))
		done || return 1
	done &&
	echo "# killed $killed times" &&
	test $killed -ge 5
'

test_done
