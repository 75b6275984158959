#!/bin/bash
test_description='skema watch (inotify and polling, one per workspace, SIGTERM) and skema retry'
. "$(dirname "$0")/lib.sh"

# wait_for COMMAND...: retries COMMAND for up to 20 seconds.
wait_for() {
	for _ in $(seq 1 100); do
		"$@" 2>/dev/null && return 0
		sleep 0.2
	done
	echo "wait_for: gave up on: $*" >&2
	return 1
}

archived() { test "$(ls ws/archive | wc -l)" -ge "$1"; }
quarantined() { test "$(ls ws/quarantine | grep -vc 'årsag.txt$')" -ge "$1"; }
gone() { ! kill -0 "$1"; }

test_expect_success 'setup' '
	skema init ws >/dev/null &&
	echo "inbox.settle_seconds = 0" >>ws/skema.conf
'

test_expect_success 'watch processes files as they arrive' '
	skema -C ws watch >watch.log 2>watch.err &
	echo $! >watch.pid &&
	wait_for test -s ws/.watch.lock &&
	: >ws/inbox/empty-1.docx &&
	wait_for quarantined 1 &&
	mkdir ws/inbox/later &&
	sleep 0.3 &&
	: >ws/inbox/later/empty-2.docx &&
	wait_for quarantined 2 &&
	wait_for test_grep "empty-1.docx: quarantined" watch.log &&
	wait_for test_grep "later/empty-2.docx: quarantined" watch.log
'

test_expect_success 'a second watch on the same workspace is refused clearly' '
	test_expect_code 75 skema -C ws watch 2>err &&
	test_grep "another skema watch is already running" err &&
	test_grep "pid $(cat watch.pid)" err
'

test_expect_success 'a run beside the watch waits its turn and loses nothing' '
	for i in 1 2 3 4 5; do : >ws/inbox/both-$i.docx; done &&
	skema -C ws run --settle 0 >run.log 2>&1;
	wait_for quarantined 7 &&
	test -z "$(find ws/inbox -type f)" &&
	test -z "$(ls ws/work)" &&
	sleep 0.5 &&
	test "$(cat run.log watch.log | grep -c "both-.*: quarantined")" -eq 5
'

test_expect_success 'SIGTERM stops the watch cleanly' '
	kill -TERM "$(cat watch.pid)" &&
	wait_for gone "$(cat watch.pid)" &&
	test_grep "watch: stopped" watch.err &&
	test -z "$(ls ws/work)"
'

test_expect_success 'polling mode finds files without inotify' '
	skema -C ws watch --poll 1 >poll.log 2>poll.err &
	echo $! >poll.pid &&
	wait_for test_grep polling poll.err &&
	: >ws/inbox/polled.docx &&
	wait_for quarantined 8 &&
	wait_for test_grep "polled.docx: quarantined" poll.log &&
	kill -TERM "$(cat poll.pid)" &&
	wait_for gone "$(cat poll.pid)"
'

test_expect_success 'watch --jobs sets how many documents skema-extract reads at once' '
	test_expect_code 64 skema -C ws watch --jobs 0 2>err &&
	test_grep "not a positive number" err &&
	if test_have strace; then
		strace -f -qq -o jobs.trace -e trace=execve skema -C ws watch --jobs 3 --poll 1 >jobs.log 2>jobs.err &
		echo $! >jobs.pid &&
		wait_for test_grep polling jobs.err &&
		cp "$SRC/forms/temaforloeb/blank.docx" ws/inbox/jobs.docx &&
		wait_for test_grep "jobs.docx: " jobs.log &&
		kill -TERM "$(cat ws/.watch.lock)" &&
		wait_for gone "$(cat jobs.pid)" &&
		test_grep "skema-extract\", \[\"skema-extract\", \"--jobs\", \"3\"," jobs.trace
	fi
'

test_expect_success 'retry sends a quarantined file through again, keeping its receipt time' '
	reason=$(ls ws/quarantine/*-polled.docx.årsag.txt) &&
	old=$(basename "${reason%-polled.docx.årsag.txt}") &&
	printf "now it has content" >"ws/quarantine/$old-polled.docx" &&
	skema -C ws retry "$old" >log 2>err &&
	cat log &&
	test_grep "polled.docx:" log &&
	! grep -q "left claimed by an earlier run" err &&
	! test -e "ws/quarantine/$old-polled.docx" &&
	! test -e "$reason" &&
	new=$(ls ws/archive ws/quarantine | grep -- "-polled.docx$" | sed -e "s/-polled.docx$//") &&
	test "$new" != "$old" &&
	test "$(echo "$new" | cut -d- -f1-2)" = "$(echo "$old" | cut -d- -f1-2)" &&
	test "$(sql ws/skema.db "SELECT count(*) FROM events JOIN submissions s ON s.id = submission_id WHERE event = \"retried\" AND s.record_id = \"$old\"")" = 1 &&
	test -z "$(ls ws/work)"
'

# The old row is history: it names where the file went (the new row'"'"'s
# place), not the quarantine/ path that is gone, and status counts it apart.
test_expect_success 'after retry the old row follows the file, and status counts it as retried' '
	new=$(ls ws/archive ws/quarantine | grep -- "-polled.docx$" | sed -e "s/-polled.docx$//") &&
	old=$(sql ws/skema.db "SELECT s.record_id FROM submissions s JOIN events e ON e.submission_id = s.id WHERE e.event = \"retried\"") &&
	test -n "$old" && test "$old" != "$new" &&
	sql ws/skema.db "SELECT stored_path FROM submissions WHERE record_id = \"$new\"" >expect &&
	sql ws/skema.db "SELECT stored_path FROM submissions WHERE record_id = \"$old\"" >actual &&
	test_cmp expect actual &&
	test -e "ws/$(cat actual)" &&
	skema -C ws status --json >st.json &&
	test "$(jq .submissions.retried st.json)" = 1
'

# A form refused because its offer was missing from the installation is
# sent through again once the offer is back.  The old failed row is closed
# and purged; the new row, still open, keeps its archived file.
test_expect_success 'retry after a fix: the old row is purged, the new row keeps its file' '
	skema init fix >/dev/null &&
	mkdir forms-without &&
	for d in "$SRC"/forms/*/
	do
		test "$(basename "$d")" = temaforloeb || ln -s "$d" forms-without/ || return 1
	done &&
	cp "$SRC/forms/offer.rng" forms-without/ &&
	# filled in, so the case stays open (a proposal) and keeps its file
	mkform --fill "$FIXTURES/acceptance/temaforloeb.json" -o fix/inbox/a.docx "$SRC/forms/temaforloeb/offer.xml" &&
	SKEMA_FORMS=$PWD/forms-without SKEMA_NOW=2021-09-01T10:00:00 skema -C fix run --settle 0 >log 2>&1 &&
	test_grep "a.docx: quarantined" log &&
	! grep "a.docx: quarantined (a.docx:" log &&
	old=$(ls fix/quarantine | sed -n "s/-a.docx$//p") &&
	SKEMA_NOW=2021-09-01T11:00:00 skema -C fix retry "$old" >log 2>&1 &&
	test_grep "a.docx: archived" log &&
	new=$(ls fix/archive | sed -n "s/-a.docx$//p") &&
	SKEMA_NOW=2021-12-01T10:00:00 skema -C fix purge --before 2021-11-01 >out &&
	test_grep "1 afsluttede sager" out &&
	test -f "fix/archive/$new-a.docx" &&
	test "$(sql fix/skema.db "SELECT stored_path FROM submissions WHERE record_id = \"$new\"")" = "archive/$new-a.docx"
'

test_expect_success 'setup: 40 forms for a watch in batches of 5' '
	skema init big >/dev/null &&
	printf "inbox.settle_seconds = 0\nrun.batch_size = 5\n" >>big/skema.conf &&
	python3 "$SRC/tests/fault/make-drops.py" "$SRC/forms/temaforloeb/blank.docx" big/inbox 40 >manifest
'

test_expect_success 'SIGTERM in the middle of a batch: claimed files are safe, the next run finishes them' '
	skema -C big watch >big.log 2>big.err &
	pid=$! &&
	echo $pid >big.pid &&
	wait_for test_grep ": archived" big.log &&
	kill -TERM $pid &&
	wait $pid &&
	test_grep "watch: stopped" big.err &&
	n=$(find big/inbox big/work big/archive big/quarantine -path big/archive/.objects -prune -o \
		-type f ! -name ".*" ! -name "*.årsag.txt" -print | wc -l) &&
	test $n = 40 &&
	test $(ls big/archive | wc -l) -lt 32 &&
	skema -C big run >rest.log 2>&1 &&
	test $(( $(ls big/archive | wc -l) + $(ls big/quarantine | grep -vc "årsag.txt$") )) = 40 &&
	test -z "$(ls big/work)" &&
	test "$(sql big/skema.db "SELECT count(*) FROM submissions")" = 40
'

test_expect_success 'retry of an unknown id fails with 65' '
	test_expect_code 65 skema -C ws retry 20200101-000000-000000000000-1 2>err &&
	test_grep "retry: .*: ligger ikke i quarantine/" err
'

# A failed step must not leave a watch running on this scratch directory.
for f in "$TRASH"/*.pid; do
	test -f "$f" && kill "$(cat "$f")" 2>/dev/null
done

test_expect_success 'a dropped file named like a reason file is counted, listed and retried like any other' '
	skema init rf >/dev/null &&
	printf "x" >rf/inbox/svar.årsag.txt &&
	skema -C rf run --settle 0 >/dev/null 2>&1;
	ls rf/quarantine >q &&
	test_line_count = 2 q &&
	skema -C rf status --json >st.json &&
	test "$(jq .files.quarantine st.json)" = 1 &&
	skema -C rf status --files >st.txt &&
	test_grep "svar.årsag.txt\$" st.txt &&
	id=$(sql rf/skema.db "SELECT record_id FROM submissions") &&
	skema -C rf retry "$id" >log 2>err &&
	test_grep "svar.årsag.txt" log
'

test_done
