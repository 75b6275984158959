#!/bin/bash
test_description='skema purge: personal data of closed cases goes, anonymous counts stay'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"
export SKEMA_FORMS=$FIXTURES/store/forms

test_expect_success 'setup: closed and open cases, a document and a letter on disk' '
	mkdir -p ws/work ws/letters &&
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	mkrec 1 test-rullende 2026-01-10T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\",\"kontakt_email\":\"a@aarhus.dk\"}" "$C" >in &&
	mkrec 2 test-rullende 2026-01-11T10:00:00+01:00 eligible "{\"kommune\":\"Odense\",\"kontakt_email\":\"b@odense.dk\"}" "$C" >>in &&
	mkrec 3 test-rullende 2026-01-12T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" "$C" "[]" "$(printf %064d 1)" >>in &&
	mkrec 4 test-rullende 2026-03-01T10:00:00+01:00 eligible "{\"kommune\":\"Vejle\",\"kontakt_email\":\"c@vejle.dk\"}" "$C" >>in &&
	for n in 1 2 3 4; do echo "dokument $n" >ws/work/$n.docx || return 1; done &&
	skema-store ws/skema.db <in >/dev/null &&
	skema-decide ws/skema.db >/dev/null &&
	skema -C ws decide 2026-000001 bevilget >/dev/null &&
	skema -C ws decide 2026-000004 venteliste --reason "Ring til Karen Hansen." >/dev/null &&
	echo "%PDF brev" >ws/letters/2026-000001.pdf &&
	sql ws/skema.db "INSERT INTO letters (submission_id, kind, path, sha256, created_at) VALUES (1, \"bevilget\", \"letters/2026-000001.pdf\", \"x\", \"2026-01-20T10:00:00+01:00\")" &&
	sql ws/skema.db "SELECT * FROM offer_summary" >summary.before
'

test_expect_success 'purge needs --before with a date' '
	test_expect_code 64 skema -C ws purge &&
	test_expect_code 64 skema -C ws purge --before soon 2>err &&
	test_grep "not a date" err
'

test_expect_success '--dry-run counts and changes nothing' '
	skema -C ws purge --before 2026-02-01 --dry-run >out &&
	test_grep "^2 afsluttede sager" out &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM submissions WHERE purged_at IS NOT NULL")" = 0 &&
	test -f ws/work/1.docx
'

test_expect_success 'purge removes the personal data of closed cases received before the date' '
	skema -C ws purge --before 2026-02-01 >out &&
	test_grep "slettet i 2 afsluttede sager modtaget før 2026-02-01" out &&
	sql ws/skema.db "SELECT case_number, purged_at IS NOT NULL, record IS NULL, applicant_name IS NULL, original_name FROM submissions ORDER BY id" >actual &&
	cat >expect <<-\EOT &&
	2026-000001|1|1|1|
	2026-000002|0|0|0|ansøgning 2.docx
	2026-000003|1|1|1|
	2026-000004|0|0|0|ansøgning 4.docx
	EOT
	test_cmp expect actual &&
	sql ws/skema.db "SELECT submission_id, COUNT(*) FROM fields GROUP BY submission_id" >actual &&
	printf "2|2\n4|2\n" >expect &&
	test_cmp expect actual &&
	! grep -r "aarhus.dk" ws/skema.db ws/skema.db-wal 2>/dev/null
'

test_expect_success 'the document and letter files of purged cases are gone, others stay' '
	! test -e ws/work/1.docx &&
	! test -e ws/work/3.docx &&
	! test -e ws/letters/2026-000001.pdf &&
	test -f ws/work/2.docx &&
	test -f ws/work/4.docx
'

test_expect_success 'the counts per offer are unchanged' '
	sql ws/skema.db "SELECT * FROM offer_summary" >summary.after &&
	test_cmp summary.before summary.after &&
	sql ws/skema.db "SELECT outcome, state FROM current_decisions WHERE case_number = \"2026-000001\"" >actual &&
	echo "bevilget|final" >expect &&
	test_cmp expect actual
'

test_expect_success 'the purge is in the event log' '
	sql ws/skema.db "SELECT case_number, event, detail FROM case_history WHERE event LIKE \"purge%\"" >actual &&
	cat >expect <<-\EOT &&
	2026-000001|purged|2026-02-01
	2026-000003|purged|2026-02-01
	|purge|2 sager modtaget før 2026-02-01
	EOT
	test_cmp expect actual
'

test_expect_success 'a later purge takes the reviewer reason too, and nothing twice' '
	skema -C ws purge --before 2026-04-01 >out &&
	test_grep "slettet i 1 afsluttede" out &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM decisions WHERE reason IS NOT NULL")" = 0 &&
	! grep -r "Karen" ws/skema.db ws/skema.db-wal 2>/dev/null &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM fields WHERE submission_id = 2")" = 2
'

test_expect_success 'a failed attempt whose file is still claimed is not purged, nor its file' '
	mkdir -p ws/work/C9 &&
	echo "endnu ikke læst" >ws/work/C9/document.docx &&
	sql ws/skema.db "INSERT INTO submissions (record_id, sha256, original_name, received_at, status, error_stage, error_code, stored_path)
		VALUES (\"20260105-100000-000000000000-90\", \"\", \"held.docx\", \"2026-01-05T10:00:00+01:00\", \"failed\", \"ingest\", \"io\", \"work/C9/document.docx\")" &&
	sql ws/skema.db "INSERT INTO submissions (record_id, sha256, original_name, received_at, status, error_stage, error_code, stored_path)
		VALUES (\"20260105-100000-000000000000-91\", \"\", \"held2.docx\", \"2026-01-05T10:00:00+01:00\", \"failed\", \"ingest\", \"io\", \"$PWD/ws/work/C9/document.docx\")" &&
	skema -C ws purge --before 2026-04-01 >out &&
	test -f ws/work/C9/document.docx &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM submissions WHERE original_name IN (\"held.docx\", \"held2.docx\") AND purged_at IS NULL")" = 2
'

test_done
