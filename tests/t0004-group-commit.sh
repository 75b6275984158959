#!/bin/bash
test_description='skema run makes a group of files durable with one sync, not ten a file, and still puts every file in one place'
. "$(dirname "$0")/lib.sh"

test_have strace || test_skip_all 'strace is needed to count the syncs'

form=$SRC/forms/temaforloeb/blank.docx

test_expect_success 'setup: 40 forms, two empty files and one that is not a document' '
	skema init ws >/dev/null &&
	for i in $(seq 1 40); do
		# distinct bytes, so none is a duplicate of another
		cp "$form" ws/inbox/form-$i.docx && printf "%040d" $i >>ws/inbox/form-$i.docx || return 1
	done &&
	: >ws/inbox/tom-1.docx && : >ws/inbox/tom-2.docx &&
	echo "not a form" >ws/inbox/tekst.docx
'

# syncs PROGRAM...: the sync calls in trace made by processes running one of PROGRAMs.
# Before group commit a file cost about ten (seven of them to claim it); how
# many groups the records come back in depends on timing, so the whole is
# bounded loosely (three a file) and the claims exactly.
syncs() {
	awk -v progs=" $* " '
		$2 ~ /^execve\(/ { split($2, a, "\""); n = split(a[2], parts, "/"); prog[$1] = parts[n] }
		$2 ~ /^(fsync|fdatasync|syncfs)\(/ && index(progs, " " prog[$1] " ") { count++ }
		END { print count + 0 }' trace
}

test_expect_success 'far fewer syncs than files, every file in its place' '
	ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 \
	strace -f -qq -o trace -e trace=execve,fsync,fdatasync,syncfs skema -C ws run --settle 0 -q &&
	chain=$(syncs skema skema-ingest skema-extract skema-validate skema-store) &&
	claims=$(awk "/execve\\(.*skema-ingest/ { exit } /^[0-9]+ +(fsync|fdatasync|syncfs)\\(/ { n++ } END { print n + 0 }" trace) &&
	echo "# $claims syncs while claiming 43 files, $chain in all (claim, store, archive, quarantine)" &&
	test "$claims" -ge 1 &&
	test "$claims" -le 2 &&
	test "$chain" -lt 129 &&
	test "$(find ws/inbox ws/work ! -type d | wc -l)" = 0 &&
	test "$(ls ws/archive | wc -l)" = 40 &&
	test "$(ls ws/quarantine | grep -c "\.årsag\.txt$")" = 3
'

test_expect_success 'each row names the place its file is in' '
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions WHERE stored_path IS NOT NULL")" = 43 &&
	sql ws/skema.db "SELECT stored_path FROM submissions" >paths &&
	while read -r p; do
		test -f "ws/$p" || { echo "row points at missing $p"; return 1; }
	done <paths &&
	test "$(sql ws/skema.db "SELECT count(*) FROM events WHERE event IN ('\''archived'\'', '\''quarantined'\'')")" = 43
'

test_done
