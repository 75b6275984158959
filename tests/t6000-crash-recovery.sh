#!/bin/bash
test_description='kill -9 of skema run at random moments: every file ends in exactly one place, once'
. "$(dirname "$0")/lib.sh"

# FAULT_FILES: how many forms to drop (make check-faults uses 1000).
files=${FAULT_FILES:-150}
test_have python3 || test_skip_all 'python3 is needed to make the drops'

# accounted: every dropped file wherever it is (inbox, work, archive, quarantine).
accounted() {
	find ws/inbox ws/work ws/archive ws/quarantine -path ws/archive/.objects -prune -o \
		! -type d ! -name '.*' ! -name '*.årsag.txt' -print
}

test_expect_success 'setup: a workspace and the drops' '
	skema init ws >/dev/null &&
	python3 "$SRC/tests/fault/make-drops.py" "$SRC/forms/temaforloeb/blank.docx" drops $files >manifest &&
	test_line_count = $files manifest &&
	cp drops/* ws/inbox/
'

test_expect_success 'runs killed at random moments, then run again until one completes' '
	RANDOM=${FAULT_SEED:-4711} &&
	rounds=0 kills=0 &&
	while :; do
		rounds=$((rounds + 1))
		test $rounds -le 400 || { echo "no run completed in 400 rounds"; return 1; }
		setsid skema -C ws run --settle 0 -q --batch $((RANDOM % 20 + 1)) >>runs.log 2>>runs.err &
		pid=$!
		sleep "0.$(printf %03d $((RANDOM % 400)))"
		# After 60 rounds of killing, the runs are left to finish.
		if test $rounds -le 60 && kill -0 $pid 2>/dev/null; then
			# Half the time the whole process group (a power cut), half
			# the time the driver alone (its stages follow: PDEATHSIG).
			if test $((RANDOM % 2)) = 0; then
				kill -9 -- -$pid 2>/dev/null
			else
				kill -9 $pid 2>/dev/null
			fi
			kills=$((kills + 1))
		fi
		wait $pid
		rc=$?
		test $rc = 0 && break
		if test $rc != 137 && test $rc != 75; then
			echo "run exited $rc"; cat runs.err; return 1
		fi
	done &&
	echo "# $rounds rounds, $kills kills" &&
	test $kills -ge 3
'

test_expect_success 'a last run finds nothing left' '
	sleep 0.5 &&
	skema -C ws run --settle 0 >last.log &&
	test_line_count = 0 last.log &&
	test -z "$(find ws/inbox ws/work ! -type d)"
'

test_expect_success 'every dropped file is in archive/ or quarantine/ exactly once, intact' '
	accounted >places &&
	test_line_count = $files places &&
	while read -r sha name; do
		n=0 &&
		for f in ws/archive/*-"$name" ws/quarantine/*-"$name"; do
			test -e "$f" || continue
			n=$((n + 1)) &&
			test "$(sha256sum <"$f" | cut -d" " -f1)" = "$sha" || { echo "changed: $f"; return 1; }
		done &&
		test $n = 1 || { echo "$name is in $n places"; return 1; }
	done <manifest
'

test_expect_success 'quarantined files have their reason file' '
	for f in ws/quarantine/*; do
		case $f in *.årsag.txt) continue ;; esac
		test -s "$f.årsag.txt" || { echo "no reason for $f"; return 1; }
	done
'

test_expect_success 'the database has one row per file, pointing at it' '
	test "$(sql ws/skema.db "PRAGMA integrity_check")" = ok &&
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions")" -eq $files &&
	test "$(sql ws/skema.db "SELECT count(DISTINCT sha256) FROM submissions WHERE sha256 <> '"'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"'")" -eq "$(grep -v ^e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 manifest | wc -l)" &&
	sql ws/skema.db "SELECT stored_path FROM submissions" | sort >rows &&
	sed -e "s|^ws/||" places | sort >files &&
	test_cmp files rows
'

test_expect_success 'no submission was decided or lettered twice' '
	test "$(sql ws/skema.db "SELECT count(*) FROM (SELECT submission_id FROM decisions WHERE current = 1 GROUP BY submission_id HAVING count(*) > 1)")" -eq 0 &&
	test "$(sql ws/skema.db "SELECT count(*) FROM (SELECT submission_id, kind FROM letters GROUP BY submission_id, kind, draft HAVING count(*) > 1)")" -eq 0
'

test_done
