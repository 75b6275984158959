#!/bin/bash
test_description='skema-decide: deadline rounds ranked by priority criteria, ties, late, minimum'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"
export SKEMA_FORMS=$FIXTURES/store/forms

# test-frist: deadline 2021-09-13 12:00, at least 3 and at most 4 places,
# priority criteria ingen_bistand, then motivation.
app() { # N RECEIVED RESULT INGEN_BISTAND MOTIVATION
	mkrec "$1" test-frist "$2" "$3" "{\"kommune\":\"K$1\"}" \
		"[[\"workshops\",\"eligibility\",$([ "$3" = not_eligible ] && echo false || echo true)],[\"ingen_bistand\",\"priority\",$4],[\"motivation\",\"priority\",$5]]" \
		"$([ "$3" = incomplete ] && echo "[\"motivation\"]" || echo "[]")"
}

test_expect_success 'setup: an oversubscribed round' '
	app 1 2021-09-01T10:00:00+02:00 eligible true true >in &&
	app 2 2021-09-10T10:00:00+02:00 eligible true false >>in &&
	app 3 2021-09-03T10:00:00+02:00 eligible true false >>in &&
	app 4 2021-09-04T10:00:00+02:00 eligible true false >>in &&
	app 5 2021-09-05T10:00:00+02:00 eligible false false >>in &&
	app 6 2021-09-06T10:00:00+02:00 eligible true true >>in &&
	app 7 2021-09-13T12:30:00+02:00 eligible true true >>in &&
	app 8 2021-09-07T10:00:00+02:00 not_eligible true true >>in &&
	app 9 2021-09-08T10:00:00+02:00 incomplete true true >>in &&
	skema-store db <in >/dev/null &&
	cp db before.db
'

# Only the incomplete application is answered before the deadline (mangler,
# so that the applicant can send a corrected form in time).
test_expect_success 'nothing but mangler is proposed before the deadline' '
	skema-decide --now 2021-09-13T11:59 db >out &&
	test_line_count = 1 out &&
	test "$(sql db "SELECT group_concat(outcome) FROM decisions")" = mangler &&
	test_grep "inden ansøgningsfristen 13. september 2021" out
'

test_expect_success '--force proposes before the deadline' '
	cp before.db forced.db &&
	skema-decide --force --now 2021-09-10T12:00 forced.db >out &&
	test_line_count = 9 out
'

test_expect_success 'after the deadline: ranked, ties by receipt, capacity 4' '
	skema-decide --now 2021-09-13T12:00:01 db >out &&
	test_line_count = 8 out &&
	sql db "SELECT applicant_key, outcome, rank FROM current_decisions JOIN submissions s USING (case_number) ORDER BY rank IS NULL, rank, applicant_key" >actual &&
	cat >expect <<-\EOT &&
	kommune:k1|bevilget|1
	kommune:k6|bevilget|2
	kommune:k3|bevilget|3
	kommune:k4|bevilget|4
	kommune:k2|afslag|5
	kommune:k5|afslag|6
	kommune:k7|afslag|
	kommune:k8|afslag|
	kommune:k9|mangler|
	EOT
	test_cmp expect actual
'

text_of() { sql db "SELECT explanation FROM current_decisions JOIN submissions s USING (case_number) WHERE applicant_key = 'kommune:$1'"; }

test_expect_success 'explanations give rank, criteria, capacity and the tie rule' '
	text_of k3 >e &&
	test_grep "rangeret som nr. 3 af 6 egnede ansøgninger" e &&
	test_grep "opfylder 1 af de 2 prioriteringskriterier" e &&
	test_grep "Der er plads til 4 kommuner" e &&
	text_of k2 >e &&
	test_grep "Ved samme prioritering går den først modtagne ansøgning forud" e &&
	test_grep "ikke udvalgt" e &&
	text_of k7 >e &&
	test_grep "modtaget 13. september 2021 kl. 12.30, efter ansøgningsfristen 13. september 2021 kl. 12.00," e &&
	text_of k9 >e &&
	test_grep "»Motivation«" e
'

test_expect_success 'the decisions are proposals; mangler is not auto-confirmed here' '
	test "$(sql db "SELECT COUNT(*) FROM decisions WHERE state = \"proposed\"")" = 9 &&
	skema-decide --now 2021-09-14 db >again &&
	test_line_count = 0 again
'

test_expect_success 'a round below its minimum tells the manager, once in the log' '
	app 21 2021-09-01T10:00:00+02:00 eligible true true >few &&
	app 22 2021-09-02T10:00:00+02:00 eligible false true >>few &&
	app 23 2021-09-02T11:00:00+02:00 not_eligible true true >>few &&
	skema-store small.db <few >/dev/null &&
	skema-decide --now 2021-09-14 small.db >out 2>err &&
	test_grep "test-frist: only 2 eligible applications, fewer than the minimum of 3" err &&
	jq -r .outcome out | sort >actual &&
	printf "afslag\nbevilget\nbevilget\n" >expect &&
	test_cmp expect actual &&
	jq -r "select(.outcome == \"bevilget\") | .explanation" out >e &&
	test_grep "færre end de mindst 3" e &&
	sql small.db "SELECT submission_id IS NULL, detail FROM events WHERE event = \"below_minimum\"" >actual &&
	echo "1|test-frist: 2 egnede ansøgninger, færre end minimum 3" >expect &&
	test_cmp expect actual &&
	skema-decide --now 2021-09-15 small.db >out 2>err &&
	test_grep "fewer than the minimum" err &&
	test "$(sql small.db "SELECT COUNT(*) FROM events WHERE event = \"below_minimum\"")" = 1 &&
	mkdir small && cp small.db small/skema.db &&
	skema -C small review >out &&
	test_grep "^Bemærk: test-frist: 2 egnede ansøgninger, færre end minimum 3" out &&
	skema -C small review --offer test-rullende >out &&
	! grep -q Bemærk out
'

# Staff reorder the priority criteria after the deadline (offer.xml is
# theirs to edit).  With room for all the explanations give no number and
# stay the same, but the ranks move, and the stored ranks must follow.

# motivation_first: test-frist with its criterion ingen_bistand moved last.
motivation_first() {
	awk '/<criterion id="ingen_bistand"/ { hold = 1 }
		hold { held = held $0 "\n"; if (/<\/criterion>/) hold = 0; next }
		/<\/offer>/ { printf "%s", held }
		{ print }' "$SKEMA_FORMS/test-frist/offer.xml"
}

# fit_ranks: "applicant|outcome|rank" of fit.db, by rank.
fit_ranks() {
	sql fit.db "SELECT applicant_key || '|' || outcome || '|' || rank FROM current_decisions
		JOIN submissions s USING (case_number) ORDER BY rank"
}

test_expect_success 'a proposal whose rank moved is proposed again with its rank' '
	app 31 2021-09-01T10:00:00+02:00 eligible true false >fit &&
	app 32 2021-09-02T10:00:00+02:00 eligible false true >>fit &&
	app 33 2021-09-03T10:00:00+02:00 eligible true true >>fit &&
	skema-store fit.db <fit >/dev/null &&
	skema-decide --now 2021-09-14 fit.db >out &&
	fit_ranks >actual &&
	printf "kommune:k33|bevilget|1\nkommune:k31|bevilget|2\nkommune:k32|bevilget|3\n" >expect &&
	test_cmp expect actual &&
	jq -r .explanation out | sort -u >e &&
	test_line_count = 1 e &&
	test_grep "^Der var plads til alle 3 egnede ansøgninger" e &&
	mkdir -p reordered/test-frist &&
	motivation_first >reordered/test-frist/offer.xml &&
	grep -o "criterion id=\"[a-z_]*\"" reordered/test-frist/offer.xml >actual &&
	printf "criterion id=\"%s\"\n" workshops motivation ingen_bistand >expect &&
	test_cmp expect actual &&
	SKEMA_FORMS=$PWD/reordered skema-decide --now 2021-09-15 fit.db >out &&
	jq -r .case_number out >actual &&
	printf "2021-000001\n2021-000002\n" >expect &&
	test_cmp expect actual &&
	jq -r .explanation out | sort -u >e2 &&
	test_cmp e e2 &&
	fit_ranks >actual &&
	printf "kommune:k33|bevilget|1\nkommune:k32|bevilget|2\nkommune:k31|bevilget|3\n" >expect &&
	test_cmp expect actual &&
	SKEMA_FORMS=$PWD/reordered skema-decide --now 2021-09-16 fit.db >again &&
	test_line_count = 0 again
'

test_expect_success 'a reviewer-confirmed place stays when the ranking shifts' '
	mkdir ws && cp db ws/skema.db &&
	skema -C ws decide 2021-000004 bevilget >/dev/null &&
	app 10 2021-09-12T10:00:00+02:00 eligible true true >more &&
	skema-store ws/skema.db <more >/dev/null &&
	skema-decide --now 2021-09-14 ws/skema.db >out &&
	sql ws/skema.db "SELECT applicant_key, outcome, state FROM current_decisions JOIN submissions s USING (case_number) WHERE outcome = \"bevilget\" ORDER BY applicant_key" >actual &&
	cat >expect <<-\EOT &&
	kommune:k1|bevilget|proposed
	kommune:k10|bevilget|proposed
	kommune:k4|bevilget|final
	kommune:k6|bevilget|proposed
	EOT
	test_cmp expect actual
'

# offers.md: a waiting list is for rolling offers.  A round is decided
# once and never passes a freed place on, so a reserve list in it would
# promise what never comes: the reviewer refuses or grants instead, and a
# reviewer's decision is not rewritten by the next round.
test_expect_success 'no reserve list in a deadline round; a reviewer'"'"'s refusal stays' '
	test_expect_code 64 skema -C ws decide 2021-000005 venteliste \
		--reason "Reserve, hvis en plads bliver ledig." 2>err &&
	test_grep "har en ansøgningsfrist og ingen venteliste" err &&
	skema -C ws decide 2021-000005 afslag --reason "Ingen plads." >/dev/null &&
	skema-decide --now 2021-09-15 ws/skema.db >out &&
	test_line_count = 0 out &&
	test "$(sql ws/skema.db "SELECT outcome || \"/\" || state FROM current_decisions WHERE case_number = \"2021-000005\"")" = afslag/final
'

test_expect_success 'a busy database: exit 75, nothing of the round written' '
	cp before.db busy.db &&
	mkfifo hold &&
	{ sqlite3 busy.db "BEGIN IMMEDIATE; INSERT INTO case_numbers VALUES (1999, 1);" ".shell cat hold" "ROLLBACK;" & } &&
	sleep 1 &&
	SKEMA_BUSY_TIMEOUT=200 test_expect_code 75 skema-decide --now 2021-09-14 busy.db >out 2>err;
	code=$?; echo done >hold; wait;
	test $code = 0 &&
	test_line_count = 0 out &&
	test_grep "locked" err &&
	test "$(sql busy.db "SELECT COUNT(*) FROM decisions")" = 0 &&
	skema-decide --now 2021-09-14 busy.db >out &&
	test_line_count = 9 out
'

test_expect_success 'usage errors' '
	test_expect_code 64 skema-decide &&
	test_expect_code 64 skema-decide --now yesterday db &&
	test_expect_code 64 skema-decide --offer no-such-offer db 2>err &&
	test_grep "no such offer" err &&
	skema-decide --help >out && test_grep "usage: skema-decide" out &&
	skema-decide --version >out && test_grep "^skema-decide (skema) " out
'

test_done
