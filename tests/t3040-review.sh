#!/bin/bash
test_description='the reviewer loop: skema review, skema decide, the event log'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"
export SKEMA_FORMS=$FIXTURES/store/forms

test_expect_success 'setup: a rolling offer with three proposals and one automatic decision' '
	mkdir ws &&
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	mkrec 1 test-rullende 2026-03-01T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" "$C" >in &&
	mkrec 2 test-rullende 2026-03-02T10:00:00+01:00 eligible "{\"kommune\":\"Odense\"}" "$C" >>in &&
	mkrec 3 test-rullende 2026-03-03T10:00:00+01:00 eligible "{\"kommune\":\"Vejle\"}" "$C" >>in &&
	mkrec 4 test-rullende 2026-03-04T10:00:00+01:00 incomplete "{\"kommune\":\"Skive\"}" "$C" "[\"kontakt_email\"]" >>in &&
	skema-store ws/skema.db <in >/dev/null &&
	skema-decide ws/skema.db >/dev/null
'

test_expect_success 'review lists the proposals awaiting a reviewer' '
	skema -C ws review >out &&
	test_grep "2026-000001  test-rullende  Aarhus Kommune" out &&
	test_grep "Forslag: bevilget" out &&
	test_grep "Forslag: venteliste" out &&
	test_grep "rækkefølge, ansøgningerne er modtaget" out &&
	test_grep "3 forslag afventer gennemgang" out &&
	! grep -q "2026-000004" out
'

test_expect_success 'review --json and --all' '
	skema -C ws --json review >out &&
	test_line_count = 3 out &&
	jq -r "[.case_number, .applicant, .outcome, .rank] | @tsv" out >actual &&
	printf "2026-000001\tAarhus Kommune\tbevilget\t1\n2026-000002\tOdense Kommune\tbevilget\t2\n2026-000003\tVejle Kommune\tventeliste\t3\n" >expect &&
	test_cmp expect actual &&
	skema -C ws --json review --all >out &&
	test_line_count = 4 out &&
	skema -C ws --json review --offer nothing >out &&
	test_line_count = 0 out
'

test_expect_success 'confirming a proposal needs no reason and keeps its explanation' '
	skema -C ws decide 2026-000001 bevilget >out &&
	test_grep "2026-000001: bevilget (endelig)" out &&
	sql ws/skema.db "SELECT outcome, state, current FROM decisions WHERE submission_id = 1 ORDER BY id" >actual &&
	printf "bevilget|proposed|0\nbevilget|final|1\n" >expect &&
	test_cmp expect actual &&
	test "$(sql ws/skema.db "SELECT COUNT(DISTINCT explanation) FROM decisions WHERE submission_id = 1")" = 1
'

test_expect_success 'overriding needs a reason; the reason is the explanation' '
	test_expect_code 64 skema -C ws decide 2026-000002 afslag 2>err &&
	test_grep "decide: 2026-000002: skriv begrundelsen for at ændre forslaget med --reason" err &&
	test_expect_code 64 skema -C ws decide 2026-000002 afslag --reason "  " 2>err &&
	test_grep "skriv begrundelsen" err &&
	skema -C ws decide 2 afslag --reason "Kommunen har allerede et forløb i gang." >out &&
	cat >expect <<-\EOT &&
	2026-000002: afslag (endelig), ændret fra bevilget
	2026-000003 (Vejle Kommune) får en ledig plads: nu foreslået bevilget (før foreslået venteliste).
	EOT
	test_cmp expect out &&
	sql ws/skema.db "SELECT outcome, state, current, reason IS NOT NULL FROM decisions WHERE submission_id = 2 ORDER BY id" >actual &&
	printf "bevilget|proposed|0|0\nafslag|final|1|1\n" >expect &&
	test_cmp expect actual &&
	test "$(sql ws/skema.db "SELECT explanation FROM current_decisions WHERE submission_id = 2")" = "Kommunen har allerede et forløb i gang."
'

test_expect_success 'the event log keeps proposal and decision with the OS user' '
	sql ws/skema.db "SELECT event, actor, detail FROM case_history WHERE case_number = \"2026-000002\"" >actual &&
	cat >expect <<-EOT &&
	received|$(id -un)|post $(jq -r -s ".[1].id" in)
	stored|$(id -un)|test-rullende: eligible
	proposed|$(id -un)|test-rullende: bevilget
	reviewed|$(id -un)|foreslået bevilget -> endelig afslag
	EOT
	test_cmp expect actual
'

test_expect_success 'review CASE shows the audit trail of one case' '
	skema -C ws review 2026-000002 >out &&
	test_grep "^2026-000002  Odense Kommune  test-rullende  (aktiv)$" out &&
	# asked by its id, the case is named by its number all the same
	id=$(sql ws/skema.db "SELECT id FROM submissions WHERE case_number = '"'"'2026-000002'"'"'") &&
	skema -C ws review "$id" >by-id &&
	test_cmp out by-id &&
	test_grep "  skema (automatisk)  bevilget (forslag)$" out &&
	test_grep "  $(id -un)  afslag (endelig, ændret fra bevilget)  <- gældende" out &&
	test_grep "Kommunen har allerede et forløb i gang." out &&
	test_grep "  behandlet  *foreslået bevilget -> endelig afslag$" out &&
	test_grep "  gemt  *test-rullende: opfylder kravene$" out &&
	test_grep "  foreslået  *test-rullende: bevilget$" out &&
	! grep -q "reviewed\|eligible" out &&
	test_expect_code 65 skema -C ws review 2026-999999 2>err &&
	test_grep "sagen findes ikke" err &&
	test_expect_code 64 skema -C ws review --all 2026-000002
'

# Issue C: the pipeline's decisions were listed as the OS user's who ran
# it.  A decision skema-decide made is "skema (automatisk)"; a reviewer's
# is theirs, and a change says what it replaced.
test_expect_success 'review --all shows who decided: skema (automatisk) or the reviewer' '
	skema -C ws review --all >out &&
	test_grep "^  Afgjort: mangler – skema (automatisk)$" out &&
	test_grep "^  Afgjort: afslag – $(id -un), ændret fra bevilget$" out &&
	test_grep "^  Afgjort: bevilget – $(id -un)$" out &&
	skema -C ws --json review --all >out.json &&
	jq -r "[.case_number, .decided_by, (.automatic | tostring), (.changed_from // \"-\")] | @tsv" out.json | sort >actual &&
	printf "%s\t%s\t%s\t%s\n" \
		2026-000001 "$(id -un)" false - \
		2026-000002 "$(id -un)" false bevilget \
		2026-000003 "skema (automatisk)" true - \
		2026-000004 "skema (automatisk)" true - >expect &&
	test_cmp expect actual &&
	sql ws/skema.db "SELECT case_number, decided_by, automatic, ifnull(changed_from, \"-\") FROM current_decisions ORDER BY case_number" >actual &&
	cat >expect <<-EOT &&
	2026-000001|$(id -un)|0|-
	2026-000002|$(id -un)|0|bevilget
	2026-000003|skema (automatisk)|1|-
	2026-000004|skema (automatisk)|1|-
	EOT
	test_cmp expect actual
'

# A database from before step 7: the proposals of skema-decide, a
# reviewer's confirmation and refusal, and an auto-confirmed mangler whose
# event is a second off (so its author cannot be told).
old_decisions() {
	cat <<-\SQL
	UPDATE decisions SET current = 0 WHERE submission_id IN (1, 2, 3);
	INSERT INTO decisions (submission_id, outcome, state, reason, actor, decided_at) VALUES
	  (1, 'bevilget', 'final', NULL, 'root', '2027-02-02T10:00:00+01:00'),
	  (2, 'afslag', 'final', 'Ikke relevant.', 'root', '2027-02-02T10:00:00+01:00'),
	  (3, 'mangler', 'final', NULL, 'root', '2027-02-03T10:00:00+01:00');
	INSERT INTO events (submission_id, at, actor, event, detail) VALUES
	  (1, '2027-02-02T10:00:00+01:00', 'root', 'reviewed', 'foreslået bevilget -> endelig bevilget'),
	  (3, '2027-02-03T10:00:01+01:00', 'root', 'decided', 'test-rullende: mangler (automatisk bekræftet)');
	SQL
}

test_expect_success 'schema step 7 tells the pipeline'"'"'s old decisions from a reviewer'"'"'s' '
	sqlite3 old.db <"$FIXTURES/store/schema-v2-carried.sql" &&
	old_decisions | sqlite3 old.db &&
	skema-decide --now 2027-02-04T10:00:00 --offer test-frist old.db >/dev/null &&
	sql old.db "SELECT id, ifnull(automatic, \"?\") FROM decisions ORDER BY id" >actual &&
	printf "%s\n" "1|1" "2|1" "3|1" "4|1" "5|1" "6|0" "7|0" "8|?" >expect &&
	test_cmp expect actual
'

test_expect_success 'the event log is append-only' '
	test_must_fail sqlite3 ws/skema.db "DELETE FROM events" 2>err &&
	test_grep "append-only" err &&
	test_must_fail sqlite3 ws/skema.db "UPDATE events SET actor = \"x\"" 2>err &&
	test_grep "append-only" err
'

# skema decide ran skema-decide for the offer: the place the refusal freed
# went to the first on the waiting list at once, and a run finds nothing.
test_expect_success 'the freed place went to the waiting list; final decisions stay' '
	skema-decide ws/skema.db >out &&
	test_line_count = 0 out &&
	sql ws/skema.db "SELECT case_number, outcome, state FROM current_decisions ORDER BY case_number" >actual &&
	cat >expect <<-\EOT &&
	2026-000001|bevilget|final
	2026-000002|afslag|final
	2026-000003|bevilget|proposed
	2026-000004|mangler|final
	EOT
	test_cmp expect actual
'

test_expect_success 'a reviewer may decide a case that has no proposal yet, with a reason' '
	mkrec 5 test-rullende 2026-03-05T10:00:00+01:00 eligible "{\"kommune\":\"Lejre\"}" >more &&
	skema-store ws/skema.db <more >/dev/null &&
	skema -C ws decide 2026-000005 venteliste --reason "Afventer budget." >/dev/null &&
	test "$(sql ws/skema.db "SELECT detail FROM events WHERE event = \"reviewed\" AND submission_id = 5")" = "endelig venteliste"
'

test_expect_success 'a corrected form answers a mangler; a case decided for good stays' '
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	mkrec 6 test-rullende 2026-03-10T10:00:00+01:00 eligible "{\"kommune\":\"Skive\"}" "$C" >fix &&
	mkrec 7 test-rullende 2026-03-11T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" "$C" >>fix &&
	skema-store ws/skema.db <fix >out &&
	jq -r ".submission.status" out >actual &&
	printf "supersedes\nstored\n" >expect &&
	test_cmp expect actual &&
	sql ws/skema.db "SELECT case_number, status FROM submissions WHERE id IN (1, 4) ORDER BY id" >actual &&
	printf "2026-000001|stored\n2026-000004|superseded\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'review escapes control characters from documents' '
	mkrec 8 test-rullende 2026-03-12T10:00:00+01:00 eligible "{\"sted_navn\":\"Evil\u001b[2JHouse\"}" >evil &&
	skema-store ws/skema.db <evil >/dev/null &&
	skema-decide ws/skema.db >/dev/null &&
	skema -C ws review >out &&
	test_grep "Evil\\\\x1b\[2JHouse" out &&
	! grep -q "$(printf "\033")" out
'

test_expect_success 'usage and lookup errors' '
	test_expect_code 64 skema -C ws decide 2026-000003 godkendt --reason x 2>err &&
	test_grep "decide: »godkendt« er ikke et udfald" err &&
	n=$(sql ws/skema.db "SELECT COUNT(*) FROM decisions") &&
	test_expect_code 64 skema -C ws decide 2026-000003 bekræftelse --reason x 2>err &&
	test_grep "decide: 2026-000003: »bekræftelse« bruges kun ved tilmeldinger" err &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM decisions")" = "$n" &&
	test_expect_code 64 skema -C ws decide 2026-000003 &&
	# a reviewer slip is said in Danish, never by getopt in English
	test_expect_code 64 skema -C ws decide 2026-000003 afslag --reason 2>err &&
	test_grep "decide: --reason mangler sin tekst: skema decide SAGSNR UDFALD --reason \"begrundelsen\"" err &&
	! grep -q "requires an argument\|usage:" err &&
	test_expect_code 64 skema -C ws decide 2026-000003 afslag --grund x 2>err &&
	test_grep "decide: --grund er ikke et tilvalg (--reason, --over-capacity, --no-decide)" err &&
	! grep -q "unrecognized" err &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM decisions")" = "$n" &&
	test_expect_code 65 skema -C ws decide 2026-999999 bevilget --reason x 2>err &&
	test_grep "sagen findes ikke" err &&
	test_expect_code 78 skema -C nowhere review 2>err &&
	skema -C ws review --help >out && test_grep "usage: skema review" out &&
	skema -C ws decide --help >out && test_grep "usage: skema decide" out &&
	skema -C ws withdraw --help >out && test_grep "usage: skema withdraw" out
'

test_expect_success 'a busy database: decide exits 75 and changes nothing' '
	n=$(sql ws/skema.db "SELECT COUNT(*) FROM decisions") &&
	mkfifo hold &&
	{ sqlite3 ws/skema.db "BEGIN IMMEDIATE; INSERT INTO case_numbers VALUES (1999, 1);" ".shell cat hold" "ROLLBACK;" & } &&
	sleep 1 &&
	SKEMA_BUSY_TIMEOUT=200 test_expect_code 75 skema -C ws decide 2026-000003 bevilget 2>err;
	code=$?; echo done >hold; wait;
	test $code = 0 &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM decisions")" = "$n"
'

# A deadline round has no waiting list (offers.md): the application that
# loses its place to a reviewer's grant is proposed afslag, and skema
# decide says so.  test-frist: 3 to 4 places.
frist() { # N RECEIVED KOMMUNE INGEN_BISTAND
	mkrec "$1" test-frist "$2" eligible "{\"kommune\":\"$3\"}" \
		"[[\"workshops\",\"eligibility\",true],[\"ingen_bistand\",\"priority\",$4],[\"motivation\",\"priority\",true]]"
}

test_expect_success 'deadline round: an override grant moves the last selected to afslag, and says so' '
	mkdir round &&
	frist 21 2021-09-01T10:00:00+02:00 Aarhus true >r &&
	frist 22 2021-09-02T10:00:00+02:00 Odense true >>r &&
	frist 23 2021-09-03T10:00:00+02:00 Vejle true >>r &&
	frist 24 2021-09-04T10:00:00+02:00 Skive true >>r &&
	frist 25 2021-09-05T10:00:00+02:00 Lejre false >>r &&
	skema-store round/skema.db <r >/dev/null &&
	skema-decide --now 2021-09-14T10:00:00 round/skema.db >/dev/null &&
	sql round/skema.db "SELECT group_concat(outcome, \" \") FROM (SELECT outcome FROM current_decisions ORDER BY case_number)" >actual &&
	echo "bevilget bevilget bevilget bevilget afslag" >expect &&
	test_cmp expect actual &&
	SKEMA_NOW=2021-09-15T10:00:00 skema -C round decide 2021-000005 bevilget \
		--reason "Kommunen har en særlig udfordring." >out &&
	cat >expect <<-\EOT &&
	2021-000005: bevilget (endelig), ændret fra afslag
	2021-000004 (Skive Kommune) mistede sin foreslåede plads og er nu foreslået afslag.
	EOT
	test_cmp expect out
'

test_expect_success 'deadline round: with every place confirmed a grant is refused' '
	for c in 2021-000001 2021-000002 2021-000003
	do
		SKEMA_NOW=2021-09-15T11:00:00 skema -C round decide $c bevilget >/dev/null || return 1
	done &&
	before=$(sql round/skema.db "SELECT count(*) FROM decisions") &&
	SKEMA_NOW=2021-09-15T12:00:00 test_expect_code 65 skema -C round decide 2021-000004 bevilget \
		--reason x >out 2>err &&
	test_line_count = 0 out &&
	test_grep "decide: 2021-000004: alle 4 kommuner i runden er bevilget endeligt (2021-000001, 2021-000002, 2021-000003, 2021-000005)\." err &&
	! grep -q venteliste err &&
	test "$(sql round/skema.db "SELECT count(*) FROM decisions")" = "$before" &&
	skema-decide --offer test-frist --if-granted 4 --now 2021-09-15T12:00:00 round/skema.db >answer &&
	test "$(jq -c "[.fits, .capacity, .pool, .confirmed]" answer)" = "[false,4,\"runden\",[\"2021-000001\",\"2021-000002\",\"2021-000003\",\"2021-000005\"]]" &&
	test_expect_code 64 skema-decide --if-granted 4 round/skema.db
'

test_expect_success 'deadline round: the refusal names --over-capacity, which grants beyond the places' '
	SKEMA_NOW=2021-09-15T12:00:00 test_expect_code 65 skema -C round decide 2021-000004 bevilget \
		--reason x 2>refused &&
	test_grep "skema decide 2021-000004 bevilget --over-capacity --reason" refused &&
	sql round/skema.db "SELECT s.case_number || \" \" || d.outcome || \" \" || d.state FROM decisions d
		JOIN submissions s ON s.id = d.submission_id WHERE d.current = 1 ORDER BY 1" >before &&
	SKEMA_NOW=2021-09-15T12:00:00 skema -C round decide 2021-000004 bevilget --over-capacity \
		--reason "Ledelsen giver en ekstra plads" >out 2>err &&
	test_grep "^Bemærk: alle 4 kommuner er bevilget endeligt; 2021-000004 får en plads ud over kapaciteten (--over-capacity), og ingen mister sin\.\$" out &&
	test_grep "^2021-000004: bevilget (endelig), ændret fra afslag" out &&
	sql round/skema.db "SELECT s.case_number || \" \" || d.outcome || \" \" || d.state FROM decisions d
		JOIN submissions s ON s.id = d.submission_id WHERE d.current = 1 ORDER BY 1" >after &&
	sed "s/^2021-000004 .*/2021-000004 bevilget final/" before >expect &&
	test_cmp expect after
'

# A round is decided once; a waiting-list letter would promise a place
# that is never passed on (offers.md: a waiting list is for rolling offers).
test_expect_success 'deadline round: venteliste is refused, nothing written' '
	before=$(sql round/skema.db "SELECT count(*) FROM decisions") &&
	SKEMA_NOW=2021-09-15T12:00:00 test_expect_code 64 skema -C round decide 2021-000004 venteliste \
		--reason x 2>err &&
	test_grep "har en ansøgningsfrist og ingen venteliste" err &&
	test "$(sql round/skema.db "SELECT count(*) FROM decisions")" = "$before"
'

# Five places granted of four (one over the capacity): a withdrawal frees
# none, so the command must not say a place is free.
test_expect_success 'deadline round over capacity: a withdrawal does not claim a place is free' '
	SKEMA_NOW=2021-09-15T13:00:00 skema -C round withdraw 2021-000001 >out &&
	test_grep "^2021-000001: trukket tilbage\$" out &&
	! grep -q "ledig" out &&
	test_grep "^Ingen anden sag har fået pladsen\.\$" out
'

# Reviewers run "sudo -u skema skema decide": the person is SUDO_USER,
# the account is the one sudo switched to.
test_expect_success 'a decision made through sudo names the person, and the account' '
	mkdir sudo &&
	mkrec 1 test-rullende 2026-03-01T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" "[[\"chefniveau\",\"eligibility\",true]]" >sudo/in &&
	skema-store sudo/skema.db <sudo/in >/dev/null &&
	skema-decide sudo/skema.db >/dev/null &&
	by=$(getent passwd daemon bin sys | cut -d: -f1 | grep -vx "$(id -un)" | head -n 1) &&
	test -n "$by" &&
	SUDO_USER=$by skema -C sudo decide 1 bevilget >out &&
	test "$(sql sudo/skema.db "SELECT actor FROM decisions WHERE current = 1")" = "$by (som $(id -un))" &&
	test "$(sql sudo/skema.db "SELECT actor FROM events ORDER BY id DESC LIMIT 1")" = "$by (som $(id -un))" &&
	skema -C sudo review 1 >out &&
	test_grep "  $by (som $(id -un))  bevilget (endelig)" out
'

test_expect_success 'a SUDO_USER that names nobody is not believed' '
	SUDO_USER=ingen-saadan-bruger skema -C sudo decide 1 afslag --reason "Fejl i ansøgningen" >out &&
	test "$(sql sudo/skema.db "SELECT actor FROM decisions WHERE current = 1")" = "$(id -un)"
'

test_expect_success 'an outcome typed with capitals is understood' '
	skema -C sudo decide 1 Afslag --reason "Skrevet med stort" >out &&
	test "$(sql sudo/skema.db "SELECT outcome FROM decisions WHERE current = 1")" = afslag &&
	skema -C sudo decide 1 BEVILGET --reason "Skrevet med versaler" >out &&
	test "$(sql sudo/skema.db "SELECT outcome FROM decisions WHERE current = 1")" = bevilget
'

test_done
