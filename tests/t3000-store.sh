#!/bin/bash
test_description='skema-store: rows, case numbers, idempotence, duplicates, superseding, faults'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"

test_expect_success 'help, version and usage errors' '
	skema-store --help >out &&
	test_grep "usage: skema-store" out &&
	skema-store --version >out &&
	test_grep "^skema-store (skema) " out &&
	test_expect_code 64 skema-store </dev/null &&
	test_expect_code 64 skema-store --bogus x.db </dev/null
'

test_expect_success 'stores records with case numbers per year of receipt' '
	mkrec 1 temaforloeb 2025-12-31T23:59:00+01:00 eligible "{\"kommune\":\"Aarhus\",\"timer\":20}" \
		"[[\"chefniveau\",\"eligibility\",true],[\"motivation\",\"priority\",false]]" >in &&
	mkrec 2 temaforloeb 2026-01-01T00:01:00+01:00 eligible "{\"kommune\":\"Odense\"}" >>in &&
	mkrec 3 temaforloeb 2026-01-02T10:00:00+01:00 incomplete "{\"kommune\":\"Vejle\"}" >>in &&
	skema-store t.db <in >out &&
	test_line_count = 3 out &&
	jq -r ".submission | [.db_id, .case_number, .status] | @tsv" out >actual &&
	printf "1\t2025-000001\tstored\n2\t2026-000001\tstored\n3\t2026-000002\tstored\n" >expect &&
	test_cmp expect actual &&
	jq -e "has(\"fields\") and has(\"validation\")" out >/dev/null
'

test_expect_success 'the row, fields and criteria hold what the record said' '
	sql t.db "SELECT sha256, original_name, size, offer_id, status, validation, applicant_name, applicant_key FROM submissions WHERE id = 1" >actual &&
	echo "$(printf %064d 1)|ansøgning 1.docx|1000|temaforloeb|stored|eligible|Aarhus Kommune|kommune:aarhus" >expect &&
	test_cmp expect actual &&
	sql t.db "SELECT name, raw, value, source FROM fields WHERE submission_id = 1 ORDER BY name" >actual &&
	printf "kommune|Aarhus|Aarhus|content-control\ntimer|20|20|content-control\n" >expect &&
	test_cmp expect actual &&
	sql t.db "SELECT criterion_id, kind, passed FROM criteria WHERE submission_id = 1 ORDER BY criterion_id" >actual &&
	printf "chefniveau|eligibility|1\nmotivation|priority|0\n" >expect &&
	test_cmp expect actual &&
	sql t.db "SELECT json_extract(record, \"$.id\") FROM submissions WHERE id = 2" >actual &&
	jq -r "select(.submission.db_id == 2) | .id" out >expect &&
	test_cmp expect actual
'

test_expect_success 'the database file is private' '
	test "$(stat -c %a t.db)" = 600
'

test_expect_success 'the same record twice is stored once' '
	skema-store t.db <in >again &&
	test "$(sql t.db "SELECT COUNT(*) FROM submissions")" = 3 &&
	jq -r ".submission.case_number" again >actual &&
	jq -r ".submission.case_number" out >expect &&
	test_cmp expect actual &&
	test "$(sql t.db "SELECT COUNT(*) FROM fields")" = 4
'

test_expect_success 'the same file again is a duplicate of the first' '
	mkrec 4 temaforloeb 2026-01-03T09:00:00+01:00 eligible "{\"kommune\":\"Aalborg\"}" "[]" "[]" "$(printf %064d 2)" >dup &&
	skema-store t.db <dup >out &&
	jq -r ".submission | [.status, .duplicate_of, .case_number] | @tsv" out >actual &&
	printf "duplicate\t2\t2026-000003\n" >expect &&
	test_cmp expect actual &&
	sql t.db "SELECT status, duplicate_of FROM submissions WHERE id = 4" >actual &&
	echo "duplicate|2" >expect &&
	test_cmp expect actual &&
	sql t.db "SELECT detail FROM case_history WHERE submission_id = 4 AND event = \"duplicate\"" >actual &&
	echo "dublet af 2026-000001" >expect &&
	test_cmp expect actual
'

test_expect_success 'a corrected form from the same kommune supersedes the earlier one' '
	mkrec 5 temaforloeb 2026-01-04T09:00:00+01:00 eligible "{\"kommune\":\"Odense\",\"timer\":10}" >fix &&
	skema-store t.db <fix >out &&
	test "$(jq -r .submission.status out)" = supersedes &&
	sql t.db "SELECT id, status, superseded_by FROM submissions WHERE applicant_key = \"kommune:odense\" ORDER BY id" >actual &&
	printf "2|superseded|5\n5|stored|\n" >expect &&
	test_cmp expect actual &&
	sql t.db "SELECT case_number, event, detail FROM case_history WHERE event IN (\"superseded\", \"supersedes\") ORDER BY case_number" >actual &&
	printf "2026-000001|superseded|erstattet af 2026-000004\n2026-000004|supersedes|erstatter 2026-000001\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the same applicant for another offer does not supersede' '
	mkrec 6 raadgivningsforloeb 2026-01-05T09:00:00+01:00 eligible "{\"kommune\":\"Odense\"}" >other &&
	skema-store t.db <other >out &&
	test "$(jq -r .submission.status out)" = stored &&
	test "$(sql t.db "SELECT status FROM submissions WHERE id = 5")" = stored
'

test_expect_success 'facilities are told apart by CVR' '
	mkrec 7 test-bred 2026-01-05T10:00:00+01:00 eligible "{\"sted_navn\":\"Solgården\",\"cvr\":\"12345678\",\"kommune\":\"Vejle\"}" >cvr &&
	mkrec 8 test-bred 2026-01-06T10:00:00+01:00 eligible "{\"sted_navn\":\"Solgaarden\",\"cvr\":\"12345678\",\"kommune\":\"Vejle\"}" >>cvr &&
	mkrec 9 test-bred 2026-01-06T11:00:00+01:00 eligible "{\"sted_navn\":\"Solgården\",\"cvr\":\"87654321\",\"kommune\":\"Vejle\"}" >>cvr &&
	skema-store t.db <cvr >out &&
	jq -r .submission.status out >actual &&
	printf "stored\nsupersedes\nstored\n" >expect &&
	test_cmp expect actual &&
	test "$(sql t.db "SELECT applicant_name FROM submissions WHERE id = 9")" = "Solgården"
'

test_expect_success 'a failed record is stored with its error and no case number' '
	jq -n -c "{id: \"x-1\", path: \"work/x.doc\", original_name: \"x.doc\", sha256: \"$(printf %064d 99)\", size: 5, received_at: \"2026-01-07T10:00:00+01:00\", error: {stage: \"extract\", code: \"legacy_doc\", permanent: true, message: \"old Word\", message_da: \"Gem som .docx\"}}" >bad &&
	skema-store t.db <bad >out &&
	jq -r ".submission | [.status, .case_number] | @tsv" out >actual &&
	printf "failed\t\n" >expect &&
	test_cmp expect actual &&
	jq -e ".error.code == \"legacy_doc\"" out &&
	sql t.db "SELECT status, error_stage, error_code, error_message_da FROM submissions WHERE record_id = \"x-1\"" >actual &&
	echo "failed|extract|legacy_doc|Gem som .docx" >expect &&
	test_cmp expect actual
'

test_expect_success 'a claim that failed for a passing reason is stored when it is tried again' '
	mkrec 20 temaforloeb 2026-01-08T10:00:00+01:00 eligible "{\"kommune\":\"Lemvig\"}" >ok &&
	jq -c "del(.fields, .validation, .form) | .error = {stage: \"extract\", code: \"timeout\", permanent: false, message: \"timed out\", message_da: \"Prøv igen\"}" ok >timeout &&
	n=$(sql t.db "SELECT COUNT(*) FROM submissions") &&
	skema-store t.db <timeout >out &&
	test "$(jq -r .submission.status out)" = failed &&
	skema-store t.db <ok >out &&
	jq -r ".submission | [.status, .case_number] | @tsv" out >actual &&
	printf "stored\t2026-000009\n" >expect &&
	test_cmp expect actual &&
	test "$(sql t.db "SELECT COUNT(*) FROM submissions")" = $((n + 1)) &&
	sql t.db "SELECT status, error_code IS NULL, offer_id FROM submissions WHERE record_id = \"$(jq -r .id ok)\"" >actual &&
	echo "stored|1|temaforloeb" >expect &&
	test_cmp expect actual &&
	sql t.db "SELECT event FROM events WHERE submission_id = (SELECT id FROM submissions WHERE record_id = \"$(jq -r .id ok)\") ORDER BY id" >actual &&
	printf "received\nfailed\nreceived\nstored\n" >expect &&
	test_cmp expect actual &&
	skema-store t.db <ok >out &&
	test "$(jq -r .submission.status out)" = stored
'

test_expect_success '--brief: only id, path, error and submission go on, all of it stored' '
	mkrec 40 temaforloeb 2026-03-01T10:00:00+01:00 eligible "{\"kommune\":\"Horsens\"}" >in &&
	printf "%s\n" "{\"id\":\"20260301-100000-000000000041-1\",\"path\":\"/w/41.docx\",\"original_name\":\"x.docx\",\"received_at\":\"2026-03-01T10:00:00+01:00\",\"sha256\":\"$(printf %064d 41)\",\"size\":3,\"error\":{\"stage\":\"extract\",\"code\":\"not_a_document\",\"message\":\"bad\",\"permanent\":true}}" >>in &&
	skema-store --brief b.db <in >out &&
	test_line_count = 2 out &&
	jq -c "keys" out >actual &&
	printf "%s\n" "[\"id\",\"path\",\"submission\"]" "[\"error\",\"id\",\"path\",\"submission\"]" >expect &&
	test_cmp expect actual &&
	jq -r "[.id, .path, .submission.case_number, .submission.status, (.error.code // \"-\")] | @tsv" out >actual &&
	jq -r "[.id, .path] | @tsv" in | sed -n 1p | sed "s/\$/\t2026-000001\tstored\t-/" >expect &&
	jq -r "[.id, .path] | @tsv" in | sed -n 2p | sed "s/\$/\t\tfailed\tnot_a_document/" >>expect &&
	test_cmp expect actual &&
	sql b.db "SELECT name, raw FROM fields" >actual &&
	echo "kommune|Horsens" >expect &&
	test_cmp expect actual
'

test_expect_success 'the row keeps the record as it was read, byte for byte' '
	mkrec 50 temaforloeb 2026-03-02T10:00:00+01:00 eligible "{\"kommune\":\"Aabenraa\"}" >r1 &&
	mkrec 51 temaforloeb 2026-03-02T11:00:00+01:00 eligible "{\"kommune\":\"Thisted\"}" >r2 &&
	# Spacing and key order as another program might write them, an
	# escaped character, and a long line split over the reader buffer.
	jq -c "{validation, id, fields, form, path, original_name, received_at, sha256, size, format}" r1 |
		sed "s/,/ ,  /g; s/Aabenraa/Aa\\\\u0062enraa/" >spaced &&
	long=$(head -c 70000 /dev/zero | tr "\\0" x) &&
	jq -c --arg long "$long" ".note = \$long" r2 >long &&
	printf "\n" >blank &&
	cat spaced blank long >in &&
	skema-store raw.db <in >out &&
	test_line_count = 2 out &&
	sql raw.db "SELECT record FROM submissions ORDER BY id" >actual &&
	cat spaced long >expect &&
	test_cmp expect actual &&
	sql raw.db "SELECT applicant_name FROM submissions ORDER BY id" >actual &&
	printf "Aabenraa Kommune\nThisted Kommune\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a record without an id is passed on with an error' '
	echo "{\"sha256\":\"abc\"}" | skema-store t.db >out &&
	jq -e ".error.stage == \"store\" and .error.code == \"bad_record\"" out
'

test_expect_success 'a line that is not JSON is skipped, the next record stored' '
	{ echo "not json" && mkrec 10 temaforloeb 2026-02-01T10:00:00+01:00 eligible "{\"kommune\":\"Herning\"}"; } >mixed &&
	skema-store t.db <mixed >out 2>err &&
	test_line_count = 1 out &&
	test_grep "not a JSON object" err
'

test_expect_success 'offer_summary counts per offer' '
	sql t.db "SELECT offer_id, received, duplicates, superseded, incomplete, eligible FROM offer_summary WHERE offer_id = \"temaforloeb\"" >actual &&
	echo "temaforloeb|7|1|1|1|4" >expect &&
	test_cmp expect actual
'

test_expect_success 'a busy database: exit 75 and nothing written' '
	before=$(sql t.db "SELECT COUNT(*) FROM submissions") &&
	mkfifo hold &&
	{ sqlite3 t.db "BEGIN IMMEDIATE; INSERT INTO case_numbers VALUES (1999, 1);" ".shell cat hold" "ROLLBACK;" & } &&
	sleep 1 &&
	mkrec 11 temaforloeb 2026-02-02T10:00:00+01:00 eligible "{\"kommune\":\"Ikast-Brande\"}" >busy &&
	test_expect_code 75 env SKEMA_BUSY_TIMEOUT=200 skema-store t.db <busy >out 2>err &&
	echo done >hold && wait &&
	test_line_count = 0 out &&
	test_grep "locked" err &&
	test "$(sql t.db "SELECT COUNT(*) FROM submissions")" = "$before" &&
	skema-store t.db <busy >out &&
	test "$(jq -r .submission.status out)" = stored
'

test_expect_success 'a database on a read-only file system: exit 75' '
	if mkdir ro && mount -t tmpfs -o size=1m tmpfs ro 2>/dev/null; then
		cp t.db ro/ && mount -o remount,ro ro &&
		mkrec 12 temaforloeb 2026-02-03T10:00:00+01:00 eligible "{\"kommune\":\"Viborg\"}" >r &&
		test_expect_code 75 skema-store ro/t.db <r >out 2>err;
		code=$?; umount ro; test $code = 0 && test_line_count = 0 out
	else
		echo "# cannot mount a tmpfs here; checked a missing directory instead" &&
		mkrec 12 temaforloeb 2026-02-03T10:00:00+01:00 eligible "{\"kommune\":\"Viborg\"}" >r &&
		test_expect_code 75 skema-store nodir/t.db <r >out 2>err &&
		test_line_count = 0 out
	fi
'

test_expect_success 'a full disk: exit 75, the record rolled back' '
	if mkdir full && mount -t tmpfs -o size=256k tmpfs full 2>/dev/null; then
		skema-store full/t.db </dev/null &&
		dd if=/dev/zero of=full/filler bs=4k 2>/dev/null;
		head -c 300000 /dev/zero | tr "\0" x >big &&
		mkrec 13 temaforloeb 2026-02-04T10:00:00+01:00 eligible "{\"kommune\":\"Viborg\"}" |
		jq -c --rawfile m big ".fields.motivation = {kind: \"text\", raw: \$m, value: \$m}" >r &&
		test_expect_code 75 skema-store full/t.db <r >out 2>err;
		code=$?; rm -f full/filler;
		n=$(sql full/t.db "SELECT COUNT(*) FROM submissions"); umount full;
		test $code = 0 && test_line_count = 0 out && test "$n" = 0
	else
		echo "# cannot mount a tmpfs here; skipped"
	fi
'

test_expect_success 'an old v1 database is migrated and keeps its numbers' '
	sqlite3 old.db <"$FIXTURES/store/schema-v1.sql" &&
	test "$(sql old.db "PRAGMA user_version")" = 1 &&
	mkrec 14 temaforloeb 2021-06-01T10:00:00+02:00 eligible "{\"kommune\":\"Skive\"}" >r &&
	skema-store old.db <r >out &&
	test "$(sql old.db "PRAGMA user_version")" = 7 &&
	test "$(jq -r .submission.case_number out)" = 2021-000008 &&
	sql old.db "SELECT offer_id, received, selected FROM offer_summary ORDER BY offer_id" >actual &&
	printf "raadgivningsforloeb|1|1\ntemaforloeb|1|0\n" >expect &&
	test_cmp expect actual &&
	sql old.db "SELECT outcome, current FROM decisions ORDER BY id" >actual &&
	printf "venteliste|0\nbevilget|1\n" >expect &&
	test_cmp expect actual &&
	sql old.db "PRAGMA integrity_check" >actual &&
	echo ok >expect &&
	test_cmp expect actual
'

test_expect_success 'an empty v0 database file gets the whole schema' '
	: >empty.db &&
	skema-store empty.db </dev/null &&
	test "$(sql empty.db "PRAGMA user_version")" = 7 &&
	sql empty.db "SELECT name FROM sqlite_master WHERE type = \"view\" ORDER BY name" >actual &&
	printf "case_history\ncurrent_decisions\noffer_summary\nreview_queue\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'two stores at once: both wait their turn, numbers stay unique' '
	for i in $(seq 100 139); do
		mkrec $i temaforloeb 2026-05-01T10:00:00+02:00 eligible "{\"cvr\":\"$i\"}" || return 1
	done >many &&
	head -n 20 many >a && tail -n 20 many >b &&
	{ skema-store par.db <a >out.a & skema-store par.db <b >out.b; wait $!; } &&
	wait &&
	test_line_count = 20 out.a && test_line_count = 20 out.b &&
	test "$(sql par.db "SELECT COUNT(DISTINCT case_number) FROM submissions")" = 40 &&
	test "$(sql par.db "SELECT MAX(case_number) FROM submissions")" = 2026-000040
'

test_expect_success 'two stores creating a new database at once both succeed, every time' '
	for n in $(seq 1 25); do
		rm -f race.db race.db-wal race.db-shm &&
		mkrec $((200 + n)) temaforloeb 2026-05-01T10:00:00+02:00 eligible "{\"cvr\":\"a$n\"}" >ra &&
		mkrec $((300 + n)) temaforloeb 2026-05-01T10:00:00+02:00 eligible "{\"cvr\":\"b$n\"}" >rb &&
		{ skema-store race.db <ra >/dev/null 2>err.a & skema-store race.db <rb >/dev/null 2>err.b; rc_b=$?; wait $!; rc_a=$?; } &&
		test $rc_a = 0 && test $rc_b = 0 || { cat err.a err.b; return 1; }
	done
'

test_expect_success 'records that arrive together share a commit, and each is stored' '
	for i in $(seq 100 199); do
		mkrec $i temaforloeb 2026-03-01T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\",\"cvr\":\"$i\"}" || return 1
	done >many &&
	if test_have strace; then
		ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 \
		strace -f -qq -c -o syncs -e trace=fsync,fdatasync skema-store group.db <many >out &&
		syncs=$(awk "\$NF == \"fdatasync\" || \$NF == \"fsync\" { n += \$4 } END { print n + 0 }" syncs) &&
		echo "# $syncs syncs for 100 records" &&
		test "$syncs" -lt 30
	else
		skema-store group.db <many >out
	fi &&
	test_line_count = 100 out &&
	test "$(sql group.db "SELECT COUNT(*), COUNT(DISTINCT case_number) FROM submissions")" = "100|100" &&
	test "$(sql group.db "SELECT COUNT(*) FROM events WHERE event = '\''received'\''")" = 100
'

test_expect_success 'a record is passed on before the next arrives; no lock is held while waiting' '
	mkfifo feed &&
	mkrec 200 temaforloeb 2026-03-02T10:00:00+01:00 eligible "{\"kommune\":\"Skive\"}" >first &&
	mkrec 201 temaforloeb 2026-03-02T10:01:00+01:00 eligible "{\"kommune\":\"Viborg\"}" >second &&
	{ skema-store wait.db <feed >out 2>err & } &&
	exec 9>feed &&
	cat first >&9 &&
	n=0 && while test "$(wc -l <out)" = 0 && test $n -lt 100; do sleep 0.1; n=$((n + 1)); done &&
	test_line_count = 1 out &&
	sqlite3 wait.db "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; INSERT INTO case_numbers VALUES (1998, 1); COMMIT;" &&
	cat second >&9 &&
	exec 9>&- &&
	wait &&
	test_line_count = 2 out &&
	test "$(sql wait.db "SELECT COUNT(*) FROM submissions")" = 2
'

test_expect_success 'a record the database refuses mid-group: those before it are kept and passed on' '
	mkrec 300 temaforloeb 2026-03-03T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" >mixed &&
	mkrec 301 temaforloeb 2026-03-03T10:01:00+01:00 eligible "{\"kommune\":\"Odense\"}" >>mixed &&
	mkrec 302 temaforloeb 2026-03-03T10:02:00+01:00 eligible "{\"kommune\":\"Vejle\"}" >>mixed &&
	skema-store mid.db </dev/null &&
	sqlite3 mid.db "CREATE TRIGGER refuse BEFORE INSERT ON submissions WHEN NEW.record_id = '\''$(jq -r .id <mixed | sed -n 2p)'\''
		BEGIN SELECT RAISE(ABORT, '\''refused'\''); END;" &&
	test_expect_code 70 skema-store mid.db <mixed >out 2>err &&
	test_line_count = 1 out &&
	test "$(sql mid.db "SELECT COUNT(*) FROM submissions")" = 1 &&
	test "$(jq -r .id out)" = "$(jq -r .id <mixed | sed -n 1p)"
'

# form N ID RECEIVED: a temaforloeb form of Randers with record id ID.
form() {
	mkrec "$1" temaforloeb "$3" incomplete "{\"kommune\":\"Randers\"}" | jq -c --arg id "$2" ".id = \$id"
}

# superseding DB: each row's record id, status and the record id of the
# form that replaced it, in record id order.
superseding() {
	sql "$1" "SELECT s.record_id, s.status, coalesce(n.record_id, '-') FROM submissions s
		LEFT JOIN submissions n ON n.id = s.superseded_by ORDER BY s.record_id"
}

test_expect_success 'a form stored after a later one of the same applicant is the one replaced' '
	form 401 20260401-100000-aaaaaaaaaaaa-4010 2026-04-01T10:00:00+02:00 >older &&
	form 402 20260401-100500-bbbbbbbbbbbb-4020 2026-04-01T10:05:00+02:00 >newer &&
	skema-store late.db <newer >out.newer &&
	skema-store late.db <older >out.older &&
	test "$(jq -r .submission.status out.newer)" = stored &&
	test "$(jq -r .submission.status out.older)" = superseded &&
	superseding late.db >actual &&
	cat >expect <<-\EOF &&
	20260401-100000-aaaaaaaaaaaa-4010|superseded|20260401-100500-bbbbbbbbbbbb-4020
	20260401-100500-bbbbbbbbbbbb-4020|stored|-
	EOF
	test_cmp expect actual &&
	sql late.db "SELECT case_number, event, detail FROM case_history WHERE event IN (\"superseded\", \"supersedes\") ORDER BY case_number" >actual &&
	printf "2026-000001|supersedes|erstatter 2026-000002\n2026-000002|superseded|erstattet af 2026-000001\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'receipt order is the instant: summer time ends between two forms' '
	form 411 20261025-023000-aaaaaaaaaaaa-4110 2026-10-25T02:30:00+02:00 >first &&
	form 412 20261025-021000-bbbbbbbbbbbb-4120 2026-10-25T02:10:00+01:00 >second &&
	cat first second | skema-store dst.db >out &&
	jq -r .submission.status out >actual &&
	printf "stored\nsupersedes\n" >expect &&
	test_cmp expect actual &&
	skema-store dst2.db <second >/dev/null && skema-store dst2.db <first >/dev/null &&
	test "$(superseding dst.db)" = "$(superseding dst2.db)"
'

# Three forms received in the same second: the record id orders them, so
# which one stands is the same whatever order a crash or lock brings them
# in, and each replaced one names a form received after it.  In reverse
# order even the chain is the one receipt order gives.
test_expect_success 'forms of the same second: the same outcome in any processing order' '
	form 421 20260402-100000-cccccccccccc-4210 2026-04-02T10:00:00+02:00 >f1 &&
	form 422 20260402-100000-1aaaaaaaaaaa-4220 2026-04-02T10:00:00+02:00 >f2 &&
	form 423 20260402-100000-7bbbbbbbbbbb-4230 2026-04-02T10:00:00+02:00 >f3 &&
	cat f2 f3 f1 | skema-store receipt.db >/dev/null &&
	cat f1 f3 f2 | skema-store reverse.db >/dev/null &&
	superseding receipt.db >actual &&
	cat >expect <<-\EOF &&
	20260402-100000-1aaaaaaaaaaa-4220|superseded|20260402-100000-7bbbbbbbbbbb-4230
	20260402-100000-7bbbbbbbbbbb-4230|superseded|20260402-100000-cccccccccccc-4210
	20260402-100000-cccccccccccc-4210|stored|-
	EOF
	test_cmp expect actual &&
	superseding reverse.db >actual && test_cmp expect actual &&
	for order in "f1 f2 f3" "f2 f1 f3" "f3 f1 f2"; do
		rm -f o.db* && cat $order | skema-store o.db >/dev/null &&
		sql o.db "SELECT record_id, status FROM submissions ORDER BY record_id" >actual &&
		cut -d"|" -f1,2 expect | test_cmp - actual &&
		test "$(sql o.db "SELECT count(*) FROM submissions s JOIN submissions n ON n.id = s.superseded_by
			WHERE n.record_id <= s.record_id")" = 0 || return 1
	done
'

test_expect_success 'a later late form does not replace an older timely one stored after it' '
	C="[[\"frist\",\"eligibility\",true]]" && L="[[\"frist\",\"eligibility\",false]]" &&
	mkrec 431 test-frist 2026-04-03T10:00:00+02:00 eligible "{\"kommune\":\"Randers\"}" "$C" >timely &&
	mkrec 432 test-frist 2026-04-04T10:00:00+02:00 not_eligible "{\"kommune\":\"Randers\"}" "$L" >late &&
	skema-store frist.db <late >/dev/null &&
	skema-store frist.db <timely >out &&
	test "$(jq -r .submission.status out)" = stored &&
	test "$(sql frist.db "SELECT group_concat(status) FROM submissions")" = "stored,stored"
'

# The driver names a claim by its absolute path and runs it again until it
# can be read: the attempt that reads it has the digest in its id, the one
# before had zeros.  One file, one row.
test_expect_success 'a claim that could not be read, then could: one row, completed, its path relative' '
	mkdir -p ws/work &&
	ws=$(cd ws && pwd) &&
	form 441 20260405-100000-0123456789ab-4410 2026-04-05T10:00:00+02:00 |
		jq -c --arg p "$ws/work/1775376000.P1R1.docx" ".path = \$p" >read &&
	jq -c "del(.fields, .validation, .form) | .id = \"20260405-100000-000000000000-4410\" | .sha256 = \"\" | .size = 0
		| .error = {stage: \"ingest\", code: \"io\", permanent: false, message: \"cannot open: Permission denied\", message_da: \"Prøv igen\"}" read >unread &&
	skema-store ws/skema.db <unread >out &&
	test "$(jq -r .submission.status out)" = failed &&
	sql ws/skema.db "SELECT status, stored_path FROM submissions" >actual &&
	echo "failed|work/1775376000.P1R1.docx" >expect &&
	test_cmp expect actual &&
	skema-store ws/skema.db <unread >/dev/null &&
	skema-store ws/skema.db <read >out &&
	test "$(jq -r .submission.status out)" = stored &&
	sql ws/skema.db "SELECT id, record_id, status, error_code IS NULL, case_number IS NOT NULL FROM submissions" >actual &&
	echo "1|20260405-100000-0123456789ab-4410|stored|1|1" >expect &&
	test_cmp expect actual &&
	sql ws/skema.db "SELECT event FROM events WHERE submission_id = 1 ORDER BY id" >actual &&
	printf "received\nfailed\nreceived\nfailed\nreceived\nstored\n" >expect &&
	test_cmp expect actual
'

# A crash after the store, before the file moved, and then the file cannot
# be read: the row stands, and no failed row is added beside it.
test_expect_success 'a claim stored before that cannot be read now: no second row' '
	skema-store ws/skema.db <unread >out &&
	jq -e ".error.code == \"io\" and .submission.status == \"stored\" and .submission.db_id == 1" out &&
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions")" = 1
'

test_expect_success 'a path outside the workspace is kept as given' '
	form 451 20260406-100000-0123456789ab-4510 2026-04-06T10:00:00+02:00 |
		jq -c ".path = \"/elsewhere/x.docx\"" >outside &&
	skema-store ws/skema.db <outside >/dev/null &&
	test "$(sql ws/skema.db "SELECT stored_path FROM submissions WHERE id = 2")" = /elsewhere/x.docx
'

test_expect_success 'a database newer than this skema is refused' '
	sqlite3 new.db "PRAGMA user_version = 99" &&
	test_must_fail skema-store new.db </dev/null 2>err &&
	test_grep "newer than this skema" err
'

test_done
