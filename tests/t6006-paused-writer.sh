#!/bin/bash
test_description='a writer that pauses longer than settle_seconds: its file is taken only once complete, and a change after the claim gives no verdict'
. "$(dirname "$0")/lib.sh"

test_have skema-extract && test_have skema-store || test_skip_all 'the stages are not built'

form=$SRC/forms/temaforloeb/blank.docx
size=$(stat -c %s "$form")
half=$((size / 2))
sha=$(sha256sum <"$form" | cut -d" " -f1)

# objects_consistent DIR: every archive/.objects/<name> holds the bytes its name says, and nothing half made is left.
objects_consistent() {
	for o in "$1"/archive/.objects/* "$1"/archive/.objects/.tmp-*; do
		test -e "$o" || continue
		case $(basename "$o") in .tmp-*) echo "left over: $o"; return 1 ;; esac
		test "$(sha256sum <"$o" | cut -d" " -f1)" = "$(basename "$o")" ||
			{ echo "object $o does not hold its name"; return 1; }
	done
}

# rows DIR WHERE
rows() { sql "$1/skema.db" "SELECT count(*) FROM submissions WHERE $2"; }

test_expect_success 'setup' '
	skema init ws >/dev/null
'

test_expect_success 'a copy that holds its file open through a run is not taken until it is done' '
	rm -f writer.go &&
	(
		exec 3>ws/inbox/halv.docx
		head -c $half "$form" >&3
		for i in $(seq 600); do test -e writer.go && break; sleep 0.1; done
		tail -c +$((half + 1)) "$form" >&3
		exec 3>&-
	) &
	writer=$! &&
	sleep 2.5 &&
	skema -C ws run --settle 1 >run1.log 2>run1.err &&
	test -f ws/inbox/halv.docx &&
	test "$(ls ws/quarantine | wc -l)" = 0 &&
	test_grep "still being written" run1.err &&
	touch writer.go &&
	wait $writer &&
	sleep 1.2 &&
	skema -C ws run --settle 1 >run2.log &&
	test_grep "halv.docx: archived" run2.log &&
	test "$(ls ws/archive | grep -c -- "-halv.docx$")" = 1 &&
	cmp "$form" ws/archive/*-halv.docx &&
	test "$(ls ws/quarantine | wc -l)" = 0 &&
	test "$(rows ws "original_name = '\''halv.docx'\''")" = 1 &&
	test "$(sql ws/skema.db "SELECT status, size, sha256 FROM submissions WHERE original_name = '\''halv.docx'\''")" = "stored|$size|$sha" &&
	objects_consistent ws &&
	test -f ws/archive/.objects/$sha
'

# Where no lease can tell (a network file system, a file skema does not
# own and no CAP_LEASE): the driver without CAP_LEASE, the file owned by
# nobody.  A skema-extract that holds back skema-ingest's first record until
# the writer is done makes the write land after skema-ingest has read half
# the file and before the verdict.  The stages run side by side, so only
# that record, not extract's start, says the half has been read.
make_fake() {
	mkdir -p fake &&
	for p in skema skema-ingest skema-extract skema-validate skema-store skema-decide skema-letter skema-report; do
		if test -x "$SKEMA_BIN/$p"; then cp "$SKEMA_BIN/$p" fake/ || return 1; fi
	done &&
	mv fake/skema-extract fake/skema-extract.real &&
	cat >fake/skema-extract <<-EOS &&
	#!/bin/bash
	IFS= read -r first || exec "$TRASH/fake/skema-extract.real" "\$@" </dev/null
	touch "$TRASH/extract.started"
	for i in \$(seq 100); do test -e "$TRASH/writer.done" && break; sleep 0.1; done
	{ printf "%s\\n" "\$first"; cat; } | "$TRASH/fake/skema-extract.real" "\$@"
	EOS
	chmod +x fake/skema-extract
}

if test "$(id -u)" = 0 && id nobody >/dev/null 2>&1 && capsh --drop=cap_lease -- -c true 2>/dev/null; then
test_expect_success 'no lease to tell: a file written on after it was read gets no verdict, and is read again whole' '
	make_fake &&
	fake/skema init ws2 >/dev/null &&
	rm -f extract.started writer.done &&
	(
		exec 3>ws2/inbox/halv.docx
		chown nobody ws2/inbox/halv.docx
		head -c $half "$form" >&3
		for i in $(seq 300); do test -e extract.started && break; sleep 0.1; done
		tail -c +$((half + 1)) "$form" >&3
		exec 3>&-
		touch writer.done
	) &
	writer=$! &&
	sleep 2.5 &&
	test_expect_code 75 capsh --drop=cap_lease -- -c "fake/skema -C ws2 run --settle 1" >run1.log 2>run1.err &&
	wait $writer &&
	test_grep "halv.docx: deferred (the file changed after it was read" run1.log &&
	test "$(ls ws2/quarantine ws2/archive | grep -c halv)" = 0 &&
	test "$(claimed_files ws2 | wc -l)" = 1 &&
	# what was read of half the file stands as no submission
	test "$(rows ws2 "status IN ('\''stored'\'', '\''failed'\'')")" = 0 &&
	objects_consistent ws2 &&
	capsh --drop=cap_lease -- -c "fake/skema -C ws2 run --settle 1" >run2.log &&
	test_grep "halv.docx: archived" run2.log &&
	cmp "$form" ws2/archive/*-halv.docx &&
	test "$(ls ws2/quarantine | wc -l)" = 0 &&
	test "$(sql ws2/skema.db "SELECT status, size, sha256 FROM submissions WHERE status <> '\''superseded'\''")" = "stored|$size|$sha" &&
	# the row of the half read is superseded by the whole one, its history kept
	test "$(sql ws2/skema.db "SELECT o.size, n.size FROM submissions o JOIN submissions n ON o.superseded_by = n.id")" = "$half|$size" &&
	test "$(sql ws2/skema.db "SELECT count(*) FROM events e JOIN submissions s ON s.id = e.submission_id WHERE s.status = '\''superseded'\'' AND e.event = '\''superseded'\''")" = 1 &&
	objects_consistent ws2 &&
	test -f ws2/archive/.objects/$sha
'

# The same writer pausing through a whole run: what was read is a zip cut
# short, and nothing changes before the verdict.  With no lease to tell, a
# file so young waits (settle 1: its last write must be 12 s old) instead
# of going to quarantine as truncated.
test_expect_success 'no lease to tell: a zip cut short by a writer that paused waits, then is read whole' '
	skema init ws3 >/dev/null &&
	rm -f writer3.go &&
	(
		exec 3>ws3/inbox/pause.docx
		chown nobody ws3/inbox/pause.docx
		head -c $half "$form" >&3
		for i in $(seq 600); do test -e writer3.go && break; sleep 0.1; done
		tail -c +$((half + 1)) "$form" >&3
		exec 3>&-
	) &
	writer=$! &&
	sleep 1.5 &&
	test_expect_code 75 capsh --drop=cap_lease -- -c "skema -C ws3 run --settle 1" >run1.log 2>run1.err &&
	test_grep "pause.docx: deferred (cut short, and it may still be being written" run1.log &&
	test "$(ls ws3/quarantine ws3/archive | grep -c pause)" = 0 &&
	test "$(claimed_files ws3 | wc -l)" = 1 &&
	touch writer3.go &&
	wait $writer &&
	capsh --drop=cap_lease -- -c "skema -C ws3 run --settle 1" >run2.log &&
	test_grep "pause.docx: archived" run2.log &&
	cmp "$form" ws3/archive/*-pause.docx &&
	test "$(ls ws3/quarantine | wc -l)" = 0 &&
	# one file, one row: the attempt on the half replaced in its row
	test "$(sql ws3/skema.db "SELECT status, size, sha256 FROM submissions")" = "stored|$size|$sha" &&
	test "$(sql ws3/skema.db "SELECT group_concat(event, \" \") FROM (SELECT event FROM events WHERE event IN (\"received\", \"failed\", \"stored\", \"archived\") ORDER BY id)")" = "received failed received stored archived"
'

test_expect_success 'no lease to tell: a zip cut short whose last write is old is quarantined at once' '
	skema init ws4 >/dev/null &&
	head -c $half "$form" >ws4/inbox/kort.docx &&
	chown nobody ws4/inbox/kort.docx &&
	touch -d "-1 minute" ws4/inbox/kort.docx &&
	sleep 1.1 &&
	test_expect_code 0 capsh --drop=cap_lease -- -c "skema -C ws4 run --settle 1" >run.log &&
	test_grep "kort.docx: quarantined" run.log &&
	test "$(claimed_files ws4 | wc -l)" = 0
'
else
	say "# skipped the tests without a lease: need root, user nobody and capsh"
fi

test_expect_success 'a lease says no one writes: a young zip cut short is quarantined at once' '
	skema init ws5 >/dev/null &&
	head -c $half "$form" >ws5/inbox/kort.docx &&
	sleep 1.1 &&
	skema -C ws5 run --settle 1 >run.log &&
	test_grep "kort.docx: quarantined" run.log &&
	test "$(claimed_files ws5 | wc -l)" = 0
'

test_expect_success 'a file written on after it was filed leaves the object store as it was' '
	cp "$form" ws/inbox/efter.docx &&
	skema -C ws run --settle 0 >run3.log &&
	test_grep "efter.docx: archived" run3.log &&
	echo more >>ws/archive/*-efter.docx &&
	cmp "$form" ws/archive/.objects/$sha &&
	objects_consistent ws
'

test_expect_success 'a copy into archive/.objects left half made by a crash is finished or removed' '
	other=$SRC/forms/temaforloeb/blank.odt &&
	osha=$(sha256sum <"$other" | cut -d" " -f1) &&
	cp "$other" ws/archive/.objects/.tmp-$osha.123.P1R000000000000 &&
	head -c 10 "$other" >ws/archive/.objects/.tmp-$sha.124.P1R000000000000 &&
	skema -C ws run --settle 0 >/dev/null &&
	cmp "$other" ws/archive/.objects/$osha &&
	cmp "$form" ws/archive/.objects/$sha &&
	objects_consistent ws
'

test_done
