#!/bin/bash
test_description='a form held back by a temporary error: one row, no stale failure, and it never replaces a newer form'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# A file nobody may read is the temporary error staff meet (a scanner
# still holding it, wrong rights on the share).  Root reads everything,
# so as root the workspace is run as user nobody.
if test "$(id -u)" = 0; then
	test_have setpriv && id nobody >/dev/null 2>&1 ||
		test_skip_all 'as root, setpriv and user nobody are needed to meet an unreadable file'
	as_user() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
	owner=nobody
else
	as_user() { "$@"; }
	owner=$(id -un)
fi

# run ISO-TIME: one pass at that time, as the workspace's owner.
run() {
	as_user env SKEMA_NOW=$1 skema -C ws run --settle 0 >>run.out 2>>run.err
}

# form FILE JQ: a filled temaforloeb form FILE, outside the workspace.
form() {
	jq "$2" "$ACCEPT/temaforloeb.json" >"$TRASH/values-${1##*/}.json" &&
	"$mkform" --fill "$TRASH/values-${1##*/}.json" -o "$1" "$SRC/forms/temaforloeb/offer.xml"
}

test_expect_success 'setup: a workspace of its own user, two versions of one application' '
	mkdir -m 755 play && chown "$owner" play && cd play &&
	as_user skema init ws >/dev/null &&
	form ../foerst.docx ".kommune=\"Odense\" | del(.tema)" &&
	form ../senere.docx ".kommune=\"Odense\""
'

test_expect_success 'the first form cannot be read: deferred, claimed' '
	cd play &&
	install -m 000 -o "$owner" ../foerst.docx ws/inbox/A-foerst.docx &&
	test_expect_code 75 run 2026-03-02T10:00:00 &&
	test_grep "A-foerst.docx: deferred" run.out &&
	claimed_files ws >claimed && test_line_count = 1 claimed
'

test_expect_success 'the corrected form arrives and is stored meanwhile' '
	cd play &&
	install -m 644 -o "$owner" ../senere.docx ws/inbox/B-senere.docx &&
	test_expect_code 75 run 2026-03-02T10:05:00 &&
	test_grep "B-senere.docx: archived (stored, " run.out
'

test_expect_success 'the first form, readable at last, is recorded as replaced by the newer one' '
	cd play &&
	chmod 644 $(claimed_files ws) &&
	run 2026-03-02T10:10:00 &&
	test_grep "A-foerst.docx: archived (superseded, " run.out &&
	accept_q "SELECT original_name, status, received_at FROM submissions ORDER BY received_at" >actual &&
	cat >expect <<-\EOF &&
	A-foerst.docx|superseded|2026-03-02T10:00:00+01:00
	B-senere.docx|stored|2026-03-02T10:05:00+01:00
	EOF
	test_cmp expect actual &&
	test "$(accept_q "SELECT superseded_by FROM submissions WHERE original_name = '"'"'A-foerst.docx'"'"'")" = \
		"$(accept_q "SELECT id FROM submissions WHERE original_name = '"'"'B-senere.docx'"'"'")" &&
	test -z "$(accept_q "SELECT superseded_by FROM submissions WHERE original_name = '"'"'B-senere.docx'"'"'")" &&
	a=$(accept_case A-foerst.docx) && b=$(accept_case B-senere.docx) &&
	accept_q "SELECT case_number, event, detail FROM case_history WHERE event IN ('"'"'superseded'"'"', '"'"'supersedes'"'"') ORDER BY case_number" >actual &&
	printf "%s|superseded|erstattet af %s\n%s|supersedes|erstatter %s\n" "$a" "$b" "$b" "$a" | sort >expect &&
	test_cmp expect actual &&
	test -n "$(accept_decision B-senere.docx)" &&
	test -z "$(accept_decision A-foerst.docx)"
'

test_expect_success 'the newer case'"'"'s review sheet is written again and names the form it replaces' '
	cd play &&
	a=$(accept_case A-foerst.docx) && b=$(accept_case B-senere.docx) &&
	sheet=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.case_number = '"'"'$b'"'"' AND l.kind = '"'"'review'"'"' ORDER BY l.id DESC LIMIT 1" |
		sed "s|^\([^/]\)|ws/\1|") &&
	test "$(accept_q "SELECT count(*) FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.case_number = '"'"'$b'"'"' AND l.kind = '"'"'review'"'"'")" -ge 2 &&
	pdftotext "$sheet" - | tr -s " \n" "  " >sheet.txt &&
	test_grep "Erstatter sag $a" sheet.txt
'

test_expect_success 'one row per dropped file: the temporary failure was completed, not left beside it' '
	cd play &&
	test "$(accept_q "SELECT count(*) FROM submissions")" = 2 &&
	test "$(accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'failed'"'"' OR error_code IS NOT NULL")" = 0 &&
	accept_q "SELECT record_id FROM submissions WHERE original_name = '"'"'A-foerst.docx'"'"'" >id &&
	sha=$(sha256sum ../foerst.docx | cut -c1-12) &&
	test_grep "^20260302-100000-$sha-" id &&
	accept_q "SELECT event FROM events WHERE submission_id = (SELECT id FROM submissions WHERE original_name = '"'"'A-foerst.docx'"'"') ORDER BY id" >events &&
	test_grep "^failed$" events &&
	test_grep "^superseded$" events
'

test_expect_success 'every stored_path names the file where it is, inside the workspace' '
	cd play &&
	accept_q "SELECT stored_path FROM submissions ORDER BY id" >paths &&
	test_line_count = 2 paths &&
	! grep -e "^/" -e "work/" paths &&
	while read -r p; do test -f "ws/$p" || return 1; done <paths
'

test_expect_success 'status counts no failed file, and nothing is left claimed' '
	cd play &&
	as_user skema -C ws status --json >status.json &&
	jq -e ".submissions | has(\"failed\") | not" status.json &&
	jq -e ".submissions.superseded == 1 and .submissions.stored == 1" status.json &&
	claimed_files ws >claimed && test_line_count = 0 claimed
'

# A file with two names is claimed as two files, each told apart by its
# claim directory, also while neither can be read.
test_expect_success 'two names of one unreadable file: two rows, each completed once readable' '
	cd play &&
	form ../link.docx ".kommune=\"Aalborg\"" &&
	install -m 000 -o "$owner" ../link.docx ws/inbox/L1.docx &&
	ln ws/inbox/L1.docx ws/inbox/L2.docx &&
	test_expect_code 75 run 2026-03-02T10:20:00 &&
	accept_q "SELECT original_name, status FROM submissions WHERE original_name LIKE '"'"'L_.docx'"'"' ORDER BY 1" >actual &&
	printf "L1.docx|failed\nL2.docx|failed\n" >expect &&
	test_cmp expect actual &&
	chmod 644 $(claimed_files ws) &&
	run 2026-03-02T10:25:00 &&
	accept_q "SELECT status FROM submissions WHERE original_name LIKE '"'"'L_.docx'"'"' ORDER BY 1" >actual &&
	printf "duplicate\nstored\n" >expect &&
	test_cmp expect actual &&
	test "$(accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'failed'"'"'")" = 0
'

# While a file waits in work/, its row names it relative to the workspace,
# which stays true when the workspace is moved or mounted elsewhere.
test_expect_success 'a file still held back: its row names it relative to the workspace' '
	cd play &&
	form ../tredje.docx ".kommune=\"Vejle\"" &&
	install -m 000 -o "$owner" ../tredje.docx ws/inbox/C.docx &&
	test_expect_code 75 run 2026-03-02T11:00:00 &&
	accept_q "SELECT status, stored_path FROM submissions WHERE original_name = '"'"'C.docx'"'"'" >row &&
	test_line_count = 1 row &&
	test_grep "^failed|work/" row &&
	test -e "ws/$(cut -d"|" -f2 row)"
'

test_done
