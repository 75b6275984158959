#!/bin/bash
test_description='acceptance: an oversubscribed Spillerum round with shared courses and broad representation'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# Eight workplace courses of different sizes and two shared-course
# applicants (9 participants between them, one course) for 6 courses: seven
# applications get the six courses, three workplace courses are refused.
# A grant ranked beyond the sixth must not read as a place beyond the six
# courses: each grant says how many of the courses are given out.

test_expect_success 'setup: ten applications, the round decided after the deadline' '
	skema init ws >/dev/null &&
	for i in 0 1 2 3 4 5 6 7
	do
		accept_fill spillerum-2019 s$i.docx ".cvr=\"${accept_cvrs[$i]}\" | .sted_navn=\"Sted $i\" | .alder_fra=\"$((3 + i))\" | .antal_pladser=\"$((4 + i * 2))\"" || return 1
	done &&
	accept_fill spillerum-2019 fa.odt ".cvr=\"${accept_cvrs[8]}\" | .sted_navn=\"Fælles A\" | .kursustype=\"fælleskursus\" | .antal_deltagere=\"5\" | .sted_type=\"opholdssted\"" &&
	accept_fill spillerum-2019 fb.odt ".cvr=\"${accept_cvrs[9]}\" | .sted_navn=\"Fælles B\" | .kursustype=\"fælleskursus\" | .antal_deltagere=\"4\" | .maalgruppe=\"handicap\"" &&
	accept_run 2019-05-20T10:00:00 &&
	accept_run 2019-06-03T10:00:00
'

test_expect_success 'seven applications share the six courses, three are refused' '
	accept_q "SELECT outcome, count(*) FROM current_decisions GROUP BY outcome ORDER BY outcome" >actual &&
	cat >expect <<-\EOF &&
	afslag|3
	bevilget|7
	EOF
	test_cmp expect actual &&
	accept_q "SELECT applicant_name FROM current_decisions WHERE outcome = '"'"'bevilget'"'"' AND applicant_name LIKE '"'"'Fælles%'"'"' ORDER BY 1" >actual &&
	printf "Fælles A\nFælles B\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'each grant says how many of the six courses are given out' '
	accept_q "SELECT explanation FROM current_decisions WHERE outcome = '"'"'bevilget'"'"'" >expl &&
	test_line_count = 7 expl &&
	test $(grep -c "Der er plads til 6 kurser; i alt er 6 af dem fordelt (deltagere i fælleskurser deler kurser)" expl) = 7 &&
	! grep -q "udvalgt som nr" expl &&
	! grep -q "af dem fordelt" <(accept_q "SELECT explanation FROM current_decisions WHERE outcome = '"'"'afslag'"'"'")
'

test_expect_success 'the refused are told the courses went to a broad representation' '
	for f in $(accept_q "SELECT s.original_name FROM current_decisions d JOIN submissions s USING (case_number) WHERE d.outcome = '"'"'afslag'"'"'")
	do
		accept_text $f >text &&
		accept_has "bred repræsentation" text &&
		accept_has "ikke udvalgt" text &&
		test_grep "Klagevejledning" text || return 1
	done
'

test_done
