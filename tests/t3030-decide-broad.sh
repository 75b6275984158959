#!/bin/bash
test_description='skema-decide: broad representation, registrations, rank fields, the real offers'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/store/records.sh"

sted() { # N OFFER RECEIVED TYPE KOMMUNE HANDICAP [RESULT] [EXTRA-FIELDS]
	mkrec "$1" "$2" "$3" "${7:-eligible}" \
		"{\"sted_navn\":\"Sted $1\",\"cvr\":\"1000000$1\",\"sted_type\":\"$4\",\"kommune\":\"$5\"${8:+,$8}}" \
		"[[\"handicap\",\"priority\",$6]]"
}

test_expect_success 'broad representation: a new kind goes before a second of a kind' '
	sted 1 test-bred 2021-09-01T10:00:00+02:00 døgninstitution Vejle true >in &&
	sted 2 test-bred 2021-09-02T10:00:00+02:00 døgninstitution Odense true >>in &&
	sted 3 test-bred 2021-09-03T10:00:00+02:00 døgninstitution Aarhus true >>in &&
	sted 4 test-bred 2021-09-04T10:00:00+02:00 opholdssted Odense false >>in &&
	sted 5 test-bred 2021-09-05T10:00:00+02:00 opholdssted København false >>in &&
	skema-store db <in >/dev/null &&
	SKEMA_FORMS=$FIXTURES/store/forms skema-decide --now 2021-09-14 db >out &&
	jq -r "[.case_number, .outcome] | @tsv" out >actual &&
	cat >expect <<-\EOT &&
	2021-000001	bevilget
	2021-000002	afslag
	2021-000003	bevilget
	2021-000004	afslag
	2021-000005	bevilget
	EOT
	test_cmp expect actual
'

test_expect_success 'the explanation names the spread and what the case added' '
	jq -r "select(.case_number == \"2021-000005\") | .explanation" out >e &&
	test_grep "rangeret som nr. 5 af 5 egnede ansøgninger" e &&
	test_grep "bred repræsentation (type af anbringelsessted, region)" e &&
	test_grep "Ansøgningen bidrager med noget, som ikke allerede var repræsenteret blandt de udvalgte (type af anbringelsessted: opholdssted, region: Region Hovedstaden)\." e &&
	! grep -q "udvalgt som nr" e &&
	jq -r "select(.case_number == \"2021-000001\") | .explanation" out >e &&
	test_grep "rangeret som nr. 1 af 5" e &&
	! grep -q "Ansøgningen bidrager" e &&
	jq -r "select(.case_number == \"2021-000002\") | .explanation" out >e &&
	test_grep "Derfor kan en ansøgning, der står lavere i prioriteringen, være udvalgt frem for denne ansøgning\." e &&
	test_grep "ansøgningen er derfor ikke udvalgt" e
'

test_expect_success 'the same round again gives the same answer' '
	SKEMA_FORMS=$FIXTURES/store/forms skema-decide --now 2021-09-20 db >again &&
	test_line_count = 0 again
'

test_expect_success 'registrations are confirmed at once; late ones are not' '
	mkrec 31 test-tilmelding 2021-08-01T10:00:00+02:00 eligible "{\"navn\":\"A\",\"email\":\"a@x.dk\",\"organisation\":\"Vejle Kommune\"}" >reg &&
	mkrec 32 test-tilmelding 2021-08-02T10:00:00+02:00 incomplete "{\"navn\":\"B\"}" "[]" "[\"email\"]" >>reg &&
	mkrec 33 test-tilmelding 2021-08-17T12:01:00+02:00 eligible "{\"navn\":\"C\",\"email\":\"c@x.dk\",\"organisation\":\"Odense\"}" >>reg &&
	skema-store reg.db <reg >/dev/null &&
	SKEMA_FORMS=$FIXTURES/store/forms skema-decide --now 2021-08-18 reg.db >out &&
	jq -r "[.case_number, .outcome, .state] | @tsv" out >actual &&
	cat >expect <<-\EOT &&
	2021-000001	bekræftelse	final
	2021-000002	mangler	final
	2021-000003	afslag	proposed
	EOT
	test_cmp expect actual &&
	mkdir regws && cp reg.db regws/skema.db &&
	skema -C regws decide 2021-000003 bekraeftelse --reason "Fristen var forlænget." >out &&
	test_grep "2021-000003: bekræftelse (endelig), ændret fra afslag" out
'

test_expect_success 'the real partnership offer: spread by operator and region, priority to disabilities' '
	P=partnerskab-magtanvendelse-2021 &&
	x="\"driftsherre_type\":\"kommunal\"" &&
	sted 41 $P 2021-09-01T10:00:00+02:00 døgninstitution Vejle true eligible "$x" >p &&
	sted 42 $P 2021-09-02T10:00:00+02:00 døgninstitution Vejle true eligible "$x" >>p &&
	sted 43 $P 2021-09-03T10:00:00+02:00 opholdssted Aalborg false eligible "\"driftsherre_type\":\"privat\"" >>p &&
	sted 44 $P 2021-09-13T12:00:01+02:00 opholdssted Aarhus true eligible "$x" >>p &&
	skema-store part.db <p >/dev/null &&
	skema-decide --now 2021-09-12 part.db >out &&
	test_line_count = 0 out &&
	skema-decide --now 2021-09-14 part.db >out 2>err &&
	jq -r "[.case_number, .outcome] | @tsv" out >actual &&
	cat >expect <<-\EOT &&
	2021-000001	bevilget
	2021-000002	bevilget
	2021-000003	bevilget
	2021-000004	afslag
	EOT
	test_cmp expect actual &&
	test_grep "fewer than the minimum of 7" err &&
	jq -r "select(.case_number == \"2021-000003\") | .explanation" out >e &&
	test_grep "Der var plads til alle 3 egnede ansøgninger, så det har ikke været nødvendigt at prioritere mellem dem\." e &&
	test_grep "Der er kun 3 egnede ansøgninger, færre end de mindst 7" e &&
	! grep -q "nr\. [0-9]" e &&
	! grep -q "bred repræsentation" e
'

test_expect_success 'the real beredskab offer ranks the revision due soonest first' '
	B=beredskab-revision-2021 &&
	for n in 1 2 3 4 5; do
		d=$(echo "2018-05-01 2017-01-15 2019-03-01 2017-06-30 2016-12-01" | cut -d" " -f$n) &&
		mkrec 5$n $B 2021-09-0${n}T10:00:00+02:00 eligible "{\"kommune\":\"K$n\",\"beredskab_godkendt_dato\":\"$d\"}" \
			"[[\"workshops\",\"eligibility\",true],[\"revision_overskredet\",\"priority\",false]]" || return 1
	done >b &&
	skema-store ber.db <b >/dev/null &&
	skema-decide --now 2021-10-02 ber.db >out &&
	sql ber.db "SELECT s.applicant_key, d.outcome, d.rank FROM current_decisions d JOIN submissions s ON s.id = d.submission_id ORDER BY d.rank" >actual &&
	cat >expect <<-\EOT &&
	kommune:k5|bevilget|1
	kommune:k2|bevilget|2
	kommune:k4|bevilget|3
	kommune:k1|bevilget|4
	kommune:k3|afslag|5
	EOT
	test_cmp expect actual
'

test_expect_success 'Spillerum: shared-course participants fill courses of up to 40' '
	S=spillerum-2019 &&
	n=0 &&
	for kind in w w s w w s w w s; do
		n=$((n + 1)) &&
		if test $kind = w; then
			x="\"kursustype\":\"arbejdspladskursus\",\"antal_deltagere\":30"
		else
			x="\"kursustype\":\"fælleskursus\",\"antal_deltagere\":5"
		fi &&
		# The eighth serves the youngest: an age group of its own.
		ages="\"alder_fra\":$([ $n = 8 ] && echo "0,\"alder_til\":4" || echo "6,\"alder_til\":12")" &&
		sted 7$n $S 2019-05-0${n}T10:00:00+02:00 opholdssted Vejle false eligible \
			"$x,\"maalgruppe\":\"begge\",$ages,\"antal_pladser\":8" || return 1
	done >s &&
	skema-store sp.db <s >/dev/null &&
	skema-decide --now 2019-06-02 sp.db >out &&
	jq -r .outcome out | tr "\n" " " >actual &&
	printf "bevilget bevilget bevilget bevilget bevilget bevilget afslag bevilget bevilget " >expect &&
	test_cmp expect actual &&
	jq -r "select(.case_number == \"2019-000009\") | .explanation" out >e &&
	test_grep "i alt er 15 deltagere udvalgt til fælleskursus (1 kursus)" e &&
	test_grep "færre end de 25" e &&
	# the applicant reads this: spoken to, and the range as the criteria write it
	test_grep "kurser på 25–40 deltagere" e &&
	test_grep "og vi afklarer med jer, om kurset kan gennemføres\." e &&
	! grep -q "ansøgeren" e &&
	test_grep "Der er plads til 6 kurser; i alt er 6 af dem fordelt" e &&
	! grep -q "Ansøgningen bidrager" e &&
	jq -r "select(.case_number == \"2019-000008\") | .explanation" out >e &&
	test_grep "rangeret som nr. 8 af 9" e &&
	test_grep "Ansøgningen bidrager med noget, som ikke allerede var repræsenteret blandt de udvalgte (aldersgruppe: 0-5 år)\." e
'

test_expect_success 'the real rolling and registration offers decide' '
	mkrec 61 temaforloeb 2026-02-01T10:00:00+01:00 eligible "{\"kommune\":\"Vejle\"}" >t &&
	mkrec 62 informationsmoede-2021 2021-08-01T10:00:00+02:00 eligible "{\"navn\":\"A\",\"email\":\"a@x.dk\",\"organisation\":\"Vejle Kommune\"}" >>t &&
	skema-store t.db <t >/dev/null &&
	skema-decide --now 2026-02-02 t.db >out &&
	jq -r "[.offer_id, .outcome, .state] | @tsv" out | sort >actual &&
	printf "informationsmoede-2021\tbekræftelse\tfinal\ntemaforloeb\tbevilget\tproposed\n" >expect &&
	test_cmp expect actual
'

test_done
