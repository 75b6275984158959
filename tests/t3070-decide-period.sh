#!/bin/bash
test_description='decisions.period: the capacity period a place counts against, in decide, review, report and migration'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"
export SKEMA_FORMS=$FIXTURES/store/forms
export SKEMA_NOW=2027-02-01T12:00:00+01:00

# test-rullende: 2 places a year, first come.  Four eligible applications
# in 2026 and one in 2027: the 3rd and 4th of 2026 wait and take the two
# places of 2027, the 2027 application waits.  Counted by receipt, 2026
# would show 4 places of 2 and 2027 none; counted by decisions.period,
# each year has its 2.
periods() {
	sql "$1" "SELECT case_number, outcome, state, coalesce(period, '-') FROM current_decisions ORDER BY case_number"
}

# places DB DIR: the report's sentence on places per period, on one line.
places() {
	skema-report -d "$1" -o "$2" &&
	pdf_text "$2/test-rullende.pdf" | tr -s " \n" "  " >"$2/text" &&
	pdf_text "$2/oversigt.pdf" | tr -s " \n" "  " >"$2/overview"
}

test_expect_success 'setup: a year with a waiting list that carries into the next' '
	mkdir ws &&
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	mkrec 1 test-rullende 2026-02-01T10:00:00+01:00 eligible "{\"kommune\":\"Aarhus\"}" "$C" >in &&
	mkrec 2 test-rullende 2026-03-01T10:00:00+01:00 eligible "{\"kommune\":\"Odense\"}" "$C" >>in &&
	mkrec 3 test-rullende 2026-05-01T10:00:00+02:00 eligible "{\"kommune\":\"Vejle\"}" "$C" >>in &&
	mkrec 4 test-rullende 2026-06-01T10:00:00+02:00 eligible "{\"kommune\":\"Herning\"}" "$C" >>in &&
	mkrec 5 test-rullende 2027-01-10T10:00:00+01:00 eligible "{\"kommune\":\"Aalborg\"}" "$C" >>in &&
	skema-store ws/skema.db <in >/dev/null &&
	test "$(sql ws/skema.db "PRAGMA user_version")" -ge 3
'

test_expect_success 'decide records the period each place counts against; no place, no period' '
	skema-decide ws/skema.db >out &&
	test_line_count = 5 out &&
	periods ws/skema.db >actual &&
	cat >expect <<-\EOT &&
	2026-000001|bevilget|proposed|2026
	2026-000002|bevilget|proposed|2026
	2026-000003|bevilget|proposed|2027
	2026-000004|bevilget|proposed|2027
	2027-000001|venteliste|proposed|-
	EOT
	test_cmp expect actual &&
	sql ws/skema.db "SELECT explanation FROM current_decisions WHERE case_number = \"2026-000003\"" >e &&
	test_grep "plads nr. 1 af de 2 forløb i året 2027" e
'

test_expect_success 're-running decide writes nothing' '
	sql ws/skema.db "SELECT count(*) FROM decisions" >before &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again &&
	sql ws/skema.db "SELECT count(*) FROM decisions" >after &&
	test_cmp before after
'

test_expect_success 'the report counts each year by the period, with no false over-capacity warning' '
	places ws/skema.db r1 &&
	test_grep "højst 2 pr. år: 2026: 2, 2027: 2\." r1/text &&
	! grep "OBS" r1/text &&
	! grep "flere (" r1/overview
'

test_expect_success 'a reviewer confirming a carried place keeps its period, and no place moves' '
	skema -C ws decide 2026-000004 bevilget >/dev/null &&
	test "$(sql ws/skema.db "SELECT state || \"/\" || period FROM current_decisions WHERE case_number = \"2026-000004\"")" = final/2027 &&
	skema-decide ws/skema.db >/dev/null &&
	periods ws/skema.db >actual &&
	cat >expect <<-\EOT &&
	2026-000001|bevilget|proposed|2026
	2026-000002|bevilget|proposed|2026
	2026-000003|bevilget|proposed|2027
	2026-000004|bevilget|final|2027
	2027-000001|venteliste|proposed|-
	EOT
	test_cmp expect actual &&
	places ws/skema.db r2 &&
	test_grep "2026: 2, 2027: 2\." r2/text &&
	! grep "OBS" r2/text
'

test_expect_success 'a reviewer granting a place to the one waiting: it takes its own year, the next waiting goes back on the list' '
	skema -C ws decide 2027-000001 bevilget --reason "Særlig begrundelse." >/dev/null &&
	skema-decide ws/skema.db >override &&
	periods ws/skema.db >actual &&
	cat >expect <<-\EOT &&
	2026-000001|bevilget|proposed|2026
	2026-000002|bevilget|proposed|2026
	2026-000003|venteliste|proposed|-
	2026-000004|bevilget|final|2027
	2027-000001|bevilget|final|2027
	EOT
	test_cmp expect actual &&
	places ws/skema.db r3 &&
	test_grep "2026: 2, 2027: 2\." r3/text &&
	! grep "OBS" r3/text
'

test_expect_success 'migration from schema v2: old places count by receipt until decide fills in their periods' '
	sqlite3 old.db <"$FIXTURES/store/schema-v2-carried.sql" &&
	test "$(sql old.db "PRAGMA user_version")" = 2 &&
	sql old.db "SELECT count(*) FROM decisions" >before &&
	places old.db m1 &&
	test "$(sql old.db "PRAGMA user_version")" -ge 3 &&
	periods old.db >actual &&
	cat >expect <<-\EOT &&
	2026-000001|bevilget|proposed|-
	2026-000002|bevilget|proposed|-
	2026-000003|bevilget|proposed|-
	2026-000004|bevilget|proposed|-
	2027-000001|venteliste|proposed|-
	EOT
	test_cmp expect actual &&
	test_grep "OBS: I 2026 er der bevilget flere (4)" m1/text &&
	skema-decide old.db >filled &&
	test_line_count = 0 filled &&
	sql old.db "SELECT count(*) FROM decisions" >after &&
	test_cmp before after &&
	periods old.db >actual &&
	cat >expect <<-\EOT &&
	2026-000001|bevilget|proposed|2026
	2026-000002|bevilget|proposed|2026
	2026-000003|bevilget|proposed|2027
	2026-000004|bevilget|proposed|2027
	2027-000001|venteliste|proposed|-
	EOT
	test_cmp expect actual &&
	places old.db m2 &&
	test_grep "2026: 2, 2027: 2\." m2/text &&
	! grep "OBS" m2/text &&
	sql old.db "SELECT count(*) FROM events" >events &&
	skema-decide old.db >again &&
	test_line_count = 0 again &&
	sql old.db "SELECT count(*) FROM events" >events2 &&
	test_cmp events events2
'

# Per quarter (temaforloeb): the one left waiting in the third quarter takes
# the first place of the fourth, and its row says 2021-Q4.
test_expect_success 'a quarter: the period is 2021-Q4 for a place carried from 2021-Q3' '
	mkdir ws2 &&
	max=$(xmllint --xpath "string(//*[local-name()=\"capacity\"]/@max)" "$SRC/forms/temaforloeb/offer.xml") &&
	test "$max" -ge 2 && test "$max" -le 20 &&
	C="[[\"chefniveau\",\"eligibility\",true]]" &&
	n=0 &&
	for k in Aarhus Odense Vejle Herning Skive Viborg Aalborg Randers Horsens Kolding Esbjerg \
		Silkeborg Svendborg Roskilde Køge Næstved Slagelse Hjørring Thisted Frederikshavn Holbæk
	do
		n=$((n + 1)) &&
		test $n -le $((max + 1)) || break
		mkrec $((100 + n)) temaforloeb "2021-08-$(printf %02d $n)T10:00:00+02:00" eligible "{\"kommune\":\"$k\"}" "$C" || return 1
	done >recs &&
	mkrec 200 temaforloeb 2021-10-04T10:00:00+02:00 eligible "{\"kommune\":\"Holstebro\"}" "$C" >>recs &&
	SKEMA_FORMS=$SRC/forms skema-store ws2/skema.db <recs >/dev/null &&
	SKEMA_FORMS=$SRC/forms skema-decide ws2/skema.db >/dev/null &&
	sql ws2/skema.db "SELECT period, count(*) FROM current_decisions GROUP BY period ORDER BY period" >actual &&
	printf "2021-Q3|%d\n2021-Q4|2\n" $max >expect &&
	test_cmp expect actual &&
	test "$(sql ws2/skema.db "SELECT period FROM current_decisions WHERE case_number = \"$(printf 2021-%06d $((max + 1)))\"")" = 2021-Q4 &&
	SKEMA_FORMS=$SRC/forms skema-report -d ws2/skema.db -o q &&
	pdf_text q/temaforloeb.pdf | tr -s " \n" "  " >text &&
	test_grep "3. kvartal 2021: $max, 4. kvartal 2021: 2\." text &&
	! grep "OBS" text
'

test_done
