#!/bin/bash
test_description='skema-decide: rolling intake, first come first served, waiting list, withdrawal'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"
export SKEMA_FORMS=$FIXTURES/store/forms

# test-rullende: 2 places a year, first come; mangler confirmed automatically.
#
# The waiting list is one list across the years.  This script used to treat
# it as tied to its year: the 2027 application took a 2027 place ahead of
# the two still waiting from 2026, although the waiting-list letter promises
# that a place goes to the first on the list.  Now a new year's places go
# first to those waiting from earlier years, in order of receipt.
outcome() {
	sql ws/skema.db "SELECT outcome || '/' || state FROM current_decisions WHERE case_number = '$1'"
}

test_expect_success 'setup: seven applications, stored out of receipt order' '
	mkdir ws &&
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	mkrec 1 test-rullende 2026-03-01T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" "$C" >in &&
	mkrec 3 test-rullende 2026-03-05T10:00:00+01:00 eligible "{\"kommune\":\"Vejle\"}" "$C" >>in &&
	mkrec 2 test-rullende 2026-02-01T10:00:00+01:00 eligible "{\"kommune\":\"Odense\"}" "$C" >>in &&
	mkrec 4 test-rullende 2026-03-03T10:00:00+01:00 eligible "{\"kommune\":\"Herning\"}" "$C" >>in &&
	mkrec 5 test-rullende 2026-02-15T10:00:00+01:00 not_eligible "{\"kommune\":\"Skive\"}" "[[\"chefniveau\",\"eligibility\",false]]" >>in &&
	mkrec 6 test-rullende 2026-02-20T10:00:00+01:00 incomplete "{\"kommune\":\"Viborg\"}" "$C" "[\"kontakt_email\"]" >>in &&
	mkrec 7 test-rullende 2027-01-10T10:00:00+01:00 eligible "{\"kommune\":\"Aalborg\"}" "$C" >>in &&
	skema-store ws/skema.db <in >stored &&
	jq -r ".submission.case_number" stored >cases &&
	printf "2026-000001\n2026-000002\n2026-000003\n2026-000004\n2026-000005\n2026-000006\n2027-000001\n" >expect &&
	test_cmp expect cases
'

test_expect_success 'first come first served within the year; those waiting take the next year first' '
	skema-decide ws/skema.db >out &&
	jq -r "[.case_number, .outcome, .state] | @tsv" out | sort >actual &&
	cat >expect <<-\EOT &&
	2026-000001	bevilget	proposed
	2026-000002	bevilget	proposed
	2026-000003	bevilget	proposed
	2026-000004	bevilget	proposed
	2026-000005	afslag	proposed
	2026-000006	mangler	final
	2027-000001	venteliste	proposed
	EOT
	test_cmp expect actual
'

test_expect_success 'explanations say rank, capacity and reasons in Danish' '
	jq -r "select(.case_number == \"2026-000003\") | .explanation" out >e &&
	test_grep "først-til-mølle-princippet" e &&
	test_grep "nr. 1 blandt de egnede ansøgninger i året 2026, hvor der er plads til 2 forløb" e &&
	jq -r "select(.case_number == \"2026-000002\") | .explanation" out >e &&
	test_grep "Begge pladser i året 2026 var besat" e &&
	test_grep "Ventelisten går forud for nye ansøgninger" e &&
	test_grep "plads nr. 2 af de 2 forløb i året 2027" e &&
	jq -r "select(.case_number == \"2026-000004\") | .explanation" out >e &&
	test_grep "plads nr. 1 af de 2 forløb i året 2027" e &&
	jq -r "select(.case_number == \"2027-000001\") | .explanation" out >e &&
	test_grep "Begge pladser i året 2027 er besat" e &&
	test_grep "venteliste som nr. 1" e &&
	test_grep "får de ventende dens pladser først" e &&
	jq -r "select(.case_number == \"2026-000005\") | .explanation" out >e &&
	test_grep "chefniveau ikke opfyldt" e &&
	jq -r "select(.case_number == \"2026-000006\") | .explanation" out >e &&
	test_grep "Der mangler: »Kontaktpersonens e-mail«" e
'

test_expect_success 'decisions are in the database with actor and time' '
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM decisions")" = 7 &&
	test "$(sql ws/skema.db "SELECT COUNT(DISTINCT actor) FROM decisions")" = 1 &&
	test "$(sql ws/skema.db "SELECT rank FROM current_decisions WHERE case_number = \"2026-000004\"")" = 1 &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM events WHERE event = \"proposed\"")" = 6 &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM events WHERE event = \"decided\"")" = 1
'

test_expect_success 're-running changes nothing' '
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM decisions")" = 7
'

test_expect_success 'a new application after the places are gone waits, ahead of the next year' '
	mkrec 8 test-rullende 2026-04-01T10:00:00+02:00 eligible "{\"kommune\":\"Randers\"}" "[[\"chefniveau\",\"eligibility\",true]]" >late &&
	skema-store ws/skema.db <late >/dev/null &&
	skema-decide ws/skema.db >out &&
	jq -r "[.case_number, .outcome] | @tsv" out | sort >actual &&
	printf "2026-000007\tventeliste\n2027-000001\tventeliste\n" >expect &&
	test_cmp expect actual &&
	jq -r "select(.case_number == \"2026-000007\") | .explanation" out >e &&
	test_grep "Begge pladser i året 2026 og i året 2027 er besat" e &&
	test_grep "venteliste som nr. 1" e &&
	jq -r "select(.case_number == \"2027-000001\") | .explanation" out >e &&
	test_grep "venteliste som nr. 2" e &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

test_expect_success 'a withdrawal gives the place to the first on the waiting list' '
	skema -C ws withdraw 2026-000001 >out &&
	test_grep "2026-000007" out &&
	test "$(outcome 2026-000004)" = bevilget/proposed &&
	test "$(outcome 2026-000002)" = bevilget/proposed &&
	test "$(outcome 2026-000007)" = bevilget/proposed &&
	test "$(outcome 2027-000001)" = venteliste/proposed &&
	test "$(sql ws/skema.db "SELECT status FROM submissions WHERE case_number = \"2026-000001\"")" = withdrawn &&
	sql ws/skema.db "SELECT event FROM case_history WHERE case_number = \"2026-000001\"" >actual &&
	printf "received\nstored\nproposed\nwithdrawn\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a final waiting-list place is still promoted when a place frees' '
	skema -C ws decide 2027-000001 venteliste >out &&
	test "$(outcome 2027-000001)" = venteliste/final &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again &&
	skema -C ws withdraw 2026-000003 >out &&
	test "$(outcome 2026-000007)" = bevilget/proposed &&
	test "$(outcome 2027-000001)" = bevilget/proposed
'

test_expect_success 'a withdrawn case cannot be withdrawn or decided again' '
	test_expect_code 65 skema -C ws withdraw 2026-000001 2>err &&
	test_grep "withdraw: 2026-000001: sagen har status »trukket tilbage« og er ikke længere åben" err &&
	test_expect_code 65 skema -C ws decide 2026-000001 bevilget --reason x 2>err &&
	test_grep "decide: 2026-000001: sagen har status »trukket tilbage« og kan ikke afgøres" err &&
	test_expect_code 65 skema -C ws withdraw 2026-999999 2>err &&
	test_grep "sagen findes ikke" err
'

test_expect_success 'offer_summary agrees' '
	sql ws/skema.db "SELECT received, withdrawn, incomplete, not_eligible, eligible, selected, waiting, rejected, missing_info FROM offer_summary" >actual &&
	echo "8|2|1|1|4|4|0|1|1" >expect &&
	test_cmp expect actual
'

# A capacity per quarter (temaforloeb) carries its waiting list over the
# same way: the first place of the fourth quarter goes to the one left
# waiting in the third, ahead of the fourth quarter's own application.
test_expect_success 'a quarter: the third quarter'"'"'s waiting list gets the fourth quarter'"'"'s first place' '
	mkdir ws2 &&
	max=$(xmllint --xpath "string(//*[local-name()=\"capacity\"]/@max)" "$SRC/forms/temaforloeb/offer.xml") &&
	test "$max" -ge 1 && test "$max" -le 20 &&
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	n=0 &&
	for k in Aarhus Odense Vejle Herning Skive Viborg Aalborg Randers Horsens Kolding Esbjerg \
		Silkeborg Svendborg Roskilde Køge Næstved Slagelse Hjørring Thisted Frederikshavn Holbæk
	do
		n=$((n + 1)) &&
		test $n -le $((max + 1)) || break
		mkrec $((100 + n)) temaforloeb "2021-08-$(printf %02d $n)T10:00:00+02:00" eligible "{\"kommune\":\"$k\"}" "$C" || return 1
	done >q &&
	mkrec 200 temaforloeb 2021-10-04T10:00:00+02:00 eligible "{\"kommune\":\"Holstebro\"}" "$C" >>q &&
	SKEMA_FORMS=$SRC/forms skema-store ws2/skema.db <q >/dev/null &&
	SKEMA_FORMS=$SRC/forms skema-decide ws2/skema.db >out &&
	waiting=$(printf "2021-%06d" $((max + 1))) &&
	new=$(printf "2021-%06d" $((max + 2))) &&
	jq -r "select(.case_number == \"$waiting\") | .explanation" out >e &&
	test_grep "Alle $max temaforløb i 3. kvartal 2021 var besat" e &&
	# temaforløb ranks by its priority criteria: a place, not its number.
	test_grep "får derfor en af de $max pladser i 4. kvartal 2021" e &&
	jq -r "select(.case_number == \"$new\") | .outcome" out >actual &&
	if test "$max" -ge 2
	then
		echo bevilget >expect &&
		jq -r "select(.case_number == \"$new\") | .explanation" out >e &&
		test_grep "I 4. kvartal 2021 er der plads til $max temaforløb, og ansøgningen får en af pladserne." e
	else
		echo venteliste >expect
	fi &&
	test_cmp expect actual &&
	SKEMA_FORMS=$SRC/forms skema-decide ws2/skema.db >again &&
	test_line_count = 0 again
'

# The waiting-list letter promises that when a new period begins, those
# waiting get its places first.  They got none until somebody applied in
# the new period: on 1 October the fourth quarter's places stood free.
test_expect_success 'a new quarter gives its places to those waiting, though nobody has applied in it' '
	mkdir ws3 &&
	max=$(xmllint --xpath "string(//*[local-name()=\"capacity\"]/@max)" "$SRC/forms/temaforloeb/offer.xml") &&
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	for n in $(seq 1 $((max + 1)))
	do
		mkrec $((300 + n)) temaforloeb "2021-08-$(printf %02d $n)T10:00:00+02:00" eligible "{\"kommune\":\"K$n\"}" "$C" || return 1
	done >q3 &&
	SKEMA_FORMS=$SRC/forms skema-store ws3/skema.db <q3 >/dev/null &&
	last=$(printf "2021-%06d" $((max + 1))) &&
	SKEMA_FORMS=$SRC/forms skema-decide --now 2021-09-30T10:00:00+02:00 ws3/skema.db >out &&
	jq -r "select(.case_number == \"$last\") | .outcome" out >actual &&
	echo venteliste >expect &&
	test_cmp expect actual &&
	SKEMA_FORMS=$SRC/forms skema-decide --now 2021-10-01T09:00:00+02:00 ws3/skema.db >out &&
	jq -r "[.case_number, .outcome] | @tsv" out >actual &&
	printf "%s\tbevilget\n" "$last" >expect &&
	test_cmp expect actual &&
	jq -r .explanation out >e &&
	test_grep "får derfor en af de $max pladser i 4. kvartal 2021" e &&
	SKEMA_FORMS=$SRC/forms skema-decide --now 2021-10-01T09:00:00+02:00 ws3/skema.db >again &&
	test_line_count = 0 again
'

test_expect_success 'status: the places of the quarter of now, granted and free' '
	max=$(xmllint --xpath "string(//*[local-name()=\"capacity\"]/@max)" "$SRC/forms/temaforloeb/offer.xml") &&
	skema init ws4 >/dev/null &&
	cp ws3/skema.db ws4/skema.db &&
	SKEMA_FORMS=$SRC/forms SKEMA_NOW=2021-09-30T10:00:00+02:00 skema -C ws4 status >out &&
	test_grep "^  temaforloeb  *$((max + 1)) live, $((max + 1)) bevilget: $max in 2021-Q3, 0 of $max places free\$" out &&
	SKEMA_FORMS=$SRC/forms SKEMA_NOW=2021-10-02T10:00:00+02:00 skema -C ws4 status >out &&
	test_grep "^  temaforloeb  *$((max + 1)) live, $((max + 1)) bevilget: 1 in 2021-Q4, $((max - 1)) of $max places free\$" out &&
	SKEMA_FORMS=$SRC/forms SKEMA_NOW=2022-01-03T10:00:00+01:00 skema -C ws4 status --json >out.json &&
	jq -c .offers.temaforloeb out.json >actual &&
	echo "{\"live\":$((max + 1)),\"bevilget\":$((max + 1)),\"completed\":0,\"period\":\"2022-Q1\",\"places\":$max,\"granted_in_period\":0,\"free\":$max}" >expect &&
	test_cmp expect actual
'

test_done
