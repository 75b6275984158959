#!/bin/bash
test_description='skema export: CSV of every submission, both dialects, defused cells'
. "$(dirname "$0")/lib.sh"

# A workspace database with known rows, built with sqlite3 from schema v1
# (skema migrates it forward when it opens it).
make_db() {
	mkdir -p ws &&
	sqlite3 ws/skema.db <"$FIXTURES/report/schema-v1.sql" &&
	sqlite3 ws/skema.db <<-'SQL'
	INSERT INTO submissions (id, record_id, case_number, sha256, original_name, received_at,
	  offer_id, status, validation, applicant_name)
	VALUES
	  (1, 'r1', '2026-000001', 'aaaa', 'Aarhus ansøgning.docx', '2026-03-01T10:00:00+01:00',
	   'temaforloeb', 'decided', 'eligible', 'Aarhus'),
	  (2, 'r2', '2026-000002', 'aaaa', 'Aarhus ansøgning (kopi).docx', '2026-03-01T11:00:00+01:00',
	   'temaforloeb', 'duplicate', NULL, NULL),
	  (3, 'r3', NULL, 'bbbb', '=cmd|'' /C calc''!A0.docx', '2026-03-02T09:00:00+01:00',
	   NULL, 'quarantined', NULL, NULL),
	  (4, 'r4', '2026-000004', 'cccc', 'Ansøgning; "Østjylland".docx', '2026-02-28T08:00:00+01:00',
	   'temaforloeb', 'decided', 'eligible', 'Randers');
	UPDATE submissions SET duplicate_of = 1 WHERE id = 2;
	UPDATE submissions SET error_stage = 'extract', error_code = 'corrupt_zip',
	  error_message = 'not a zip archive' WHERE id = 3;
	INSERT INTO decisions (submission_id, outcome, state, rank, actor, decided_at) VALUES
	  (1, 'venteliste', 'proposed', 2, 'skema', '2026-03-03T10:00:00+01:00'),
	  (4, 'bevilget', 'final', 1, 'skema', '2026-03-03T10:00:00+01:00');
	INSERT INTO decisions (submission_id, outcome, state, rank, actor, decided_at, current) VALUES
	  (1, 'afslag', 'proposed', 9, 'skema', '2026-03-02T10:00:00+01:00', 0);
	INSERT INTO letters (submission_id, kind, draft, path, sha256, created_at) VALUES
	  (4, 'bevilget', 1, 'letters/draft-4.pdf', 'x', '2026-03-03T10:00:00+01:00'),
	  (4, 'bevilget', 0, 'letters/2026-000004-bevilget.pdf', 'x', '2026-03-03T10:00:00+01:00'),
	  (4, 'review', 0, 'letters/review-4.pdf', 'x', '2026-03-03T10:00:00+01:00');
	INSERT INTO fields (submission_id, name, kind, raw, value) VALUES
	  (1, 'kommune', 'text', 'Århus', 'Aarhus'),
	  (1, 'timer', 'text', '20 timer', '20'),
	  (1, 'tema', 'text', '-1+1', '-1+1'),
	  (4, 'kommune', 'text', 'Randers', 'Randers'),
	  (4, 'timer', 'text', 'mange', NULL),
	  (4, 'hemmeligt_felt', 'text', 'x', 'x');
	SQL
}

# cell FILE ID NAME: the cell in column NAME of the row whose id is ID, from
# an RFC 4180 file whose cells hold no commas.
cell() {
	tr -d "\r" <"$1" | awk -F, -v id="$2" -v name="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
		$1 == id { print $col }'
}

test_expect_success 'setup: a database with known rows' '
	make_db &&
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions")" = 4
'

test_expect_success 'default: BOM, semicolons, CRLF, the contract columns first' '
	skema -C ws export >out.csv &&
	head -c 3 out.csv | od -An -tx1 | tr -d " " >bom &&
	echo efbbbf >bom.expect &&
	test_cmp bom.expect bom &&
	head -n 1 out.csv | tail -c +4 | tr -d "\r" | cut -d";" -f1-9 >header &&
	echo "id;original_name;sha256;form;received_at;status;outcome;letter_path;error" >header.expect &&
	test_cmp header.expect header &&
	test "$(grep -c "$(printf "\r")\$" out.csv)" = 5
'

test_expect_success 'default: one row per submission, exact cells' '
	tail -n +2 out.csv | tr -d "\r" | cut -d";" -f1-9 >rows &&
	cat >rows.expect <<-\EOF &&
	1;Aarhus ansøgning.docx;aaaa;temaforloeb;2026-03-01T10:00:00+01:00;decided;venteliste;;
	2;Aarhus ansøgning (kopi).docx;aaaa;temaforloeb;2026-03-01T11:00:00+01:00;duplicate;;;
	3;"'\''=cmd|'\'' /C calc'\''!A0.docx";bbbb;;2026-03-02T09:00:00+01:00;quarantined;;;corrupt_zip: not a zip archive
	EOF
	head -n 3 rows >rows.first &&
	test_cmp rows.expect rows.first &&
	tail -n 1 out.csv | tr -d "\r" >row4 &&
	test_grep "^4;\"Ansøgning; \"\"Østjylland\"\".docx\";cccc;temaforloeb;2026-02-28T08:00:00+01:00;decided;bevilget;letters/2026-000004-bevilget.pdf;;r4;2026-000004;Randers;eligible;1;final;;skema;\$" row4
'

test_expect_success '--rfc: commas, no BOM, CRLF, quoted as RFC 4180' '
	skema -C ws export --format csv --rfc >rfc.csv &&
	head -c 3 rfc.csv >start &&
	printf "id," >start.expect &&
	test_cmp start.expect start &&
	head -n 1 rfc.csv | tr -d "\r" | cut -d, -f1-9 >header &&
	echo "id,original_name,sha256,form,received_at,status,outcome,letter_path,error" >header.expect &&
	test_cmp header.expect header &&
	grep "^4," rfc.csv >row4 &&
	test_grep "^4,\"Ansøgning; \"\"Østjylland\"\".docx\",cccc,temaforloeb,2026-02-28T08:00:00+01:00," row4 &&
	test "$(tr -d -c "\r" <rfc.csv | wc -c)" = 5
'

test_expect_success '--fields: a column per field, raw text where normalising failed, defused' '
	skema -C ws export --rfc --fields >fields.csv &&
	head -n 1 fields.csv | tr -d "\r" | tr , "\n" >names &&
	test_grep "^kommune\$" names &&
	test_grep "^timer\$" names &&
	test_grep "^hemmeligt_felt\$" names &&
	test "$(grep -n "^kommune\$" names | cut -d: -f1)" -lt "$(grep -n "^timer\$" names | cut -d: -f1)" &&
	test "$(cell fields.csv 1 kommune)" = Aarhus &&
	test "$(cell fields.csv 1 timer)" = 20 &&
	test "$(cell fields.csv 1 tema)" = "\"'\''-1+1\"" &&
	test "$(cell fields.csv 4 timer)" = mange &&
	test "$(cell fields.csv 4 hemmeligt_felt)" = x &&
	test "$(cell fields.csv 1 hemmeligt_felt)" = ""
'

test_expect_success '--offer: only that offer, as the ranked list' '
	skema -C ws export --rfc --offer temaforloeb >ranked.csv &&
	tail -n +2 ranked.csv | cut -d, -f1 >ids &&
	printf "4\n1\n2\n" >ids.expect &&
	test_cmp ids.expect ids &&
	skema -C ws export --offer ingen-saadan >empty.csv &&
	test_line_count = 1 empty.csv
'

test_expect_success 'completed_on: after the fields; empty unless ended' '
	sql ws/skema.db "UPDATE submissions SET completed_on = '"'"'2026-06-30'"'"' WHERE id = 4" &&
	skema -C ws export --rfc >done.csv &&
	head -n 1 done.csv | tr -d "\r" | tr , "\n" >names &&
	test "$(tail -n 3 names | head -n 1)" = completed_on &&
	test "$(grep -n "^decision_state\$" names | cut -d: -f1)" = 15 &&
	test "$(cell done.csv 4 completed_on)" = 2026-06-30 &&
	test "$(cell done.csv 1 completed_on)" = "" &&
	skema -C ws export --rfc --fields >done-fields.csv &&
	head -n 1 done-fields.csv | tr -d "\r" | tr , "\n" >fnames &&
	test "$(tail -n 3 fnames | head -n 1)" = completed_on &&
	test "$(sed -n 16p fnames)" != completed_on &&
	test "$(cell done-fields.csv 4 completed_on)" = 2026-06-30 &&
	test "$(cell done-fields.csv 4 timer)" = mange
'

test_expect_success 'decided_by and changed_from come last: who decided, and what a change replaced' '
	head -n 1 done.csv | tr -d "\r" | tr , "\n" | tail -n 2 >last &&
	printf "decided_by\nchanged_from\n" >last.expect &&
	test_cmp last.expect last &&
	test "$(cell done.csv 1 decided_by)" = "skema (automatisk)" &&
	test "$(cell done.csv 1 changed_from)" = "" &&
	sql ws/skema.db "UPDATE decisions SET current = 0 WHERE submission_id = 4;
		INSERT INTO decisions (submission_id, outcome, state, reason, actor, decided_at, automatic)
		VALUES (4, '"'"'afslag'"'"', '"'"'final'"'"', '"'"'x'"'"', '"'"'anna'"'"', '"'"'2026-03-04T10:00:00+01:00'"'"', 0)" &&
	skema -C ws export --rfc >changed.csv &&
	test "$(cell changed.csv 4 decided_by)" = anna &&
	test "$(cell changed.csv 4 changed_from)" = bevilget &&
	test "$(cell changed.csv 3 decided_by)" = ""
'

test_expect_success 'usage errors and a missing database' '
	test_expect_code 64 skema -C ws export --format xlsx &&
	test_expect_code 64 skema -C ws export extra &&
	skema export --help >help &&
	test_grep "usage: skema export" help &&
	mkdir nows &&
	test_must_fail skema -C nows export 2>err &&
	test_grep "skema.db" err
'

test_done
