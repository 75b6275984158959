#!/bin/bash
test_description='acceptance: deadline offers and the registration, rounds, ranking and late applications, through skema run'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# spillerum-2019 (deadline 1 June 2019), beredskab-revision-2021 (deadline
# 1 October 2021, capacity 3-4, the oldest beredskab first) and
# informationsmoede-2021 (a registration, deadline 17 August 2021 12:00) in
# one workspace, replayed with SKEMA_NOW: a run before each deadline decides
# nothing for the deadline offers, a run after it selects the round; a form
# received after the deadline is refused with the deadline sentence.

test_expect_success 'setup: Spillerum applications before the deadline' '
	skema init ws >/dev/null &&
	accept_fill spillerum-2019 spil-ok.docx ".cvr=\"${accept_cvrs[0]}\" | .sted_navn=\"Bøgely\"" &&
	accept_fill spillerum-2019 spil-faelles.odt ".cvr=\"${accept_cvrs[1]}\" | .sted_navn=\"Lærkehøj\" | .kursustype=\"fælleskursus\" | .antal_deltagere=\"4\"" &&
	accept_fill spillerum-2019 spil-sprog.odt ".cvr=\"${accept_cvrs[2]}\" | .sted_navn=\"Skovly\" | .boern_har_sprog=false" &&
	accept_fill spillerum-2019 spil-mangler.docx ".cvr=\"${accept_cvrs[3]}\" | .sted_navn=\"Egely\" | del(.maalgruppe)" &&
	accept_run 2019-05-20T10:00:00
'

# Missing information is asked for at once, before the deadline, so that the
# applicant can answer in time: a corrected form after the deadline is late.
test_expect_success 'before the deadline only the incomplete form is answered' '
	accept_q "SELECT count(*) FROM submissions WHERE offer_id = '"'"'spillerum-2019'"'"' AND status = '"'"'stored'"'"'" >actual &&
	echo 4 >expect && test_cmp expect actual &&
	accept_q "SELECT s.original_name || '"'"'|'"'"' || d.outcome || '"'"'|'"'"' || d.state FROM decisions d
		JOIN submissions s ON s.id = d.submission_id" >actual &&
	echo "spil-mangler.docx|mangler|final" >expect && test_cmp expect actual &&
	accept_q "SELECT undecided FROM offer_summary WHERE offer_id = '"'"'spillerum-2019'"'"'" >actual &&
	echo 3 >expect && test_cmp expect actual &&
	accept_q "SELECT explanation FROM current_decisions" >expl &&
	test_grep "inden ansøgningsfristen 1. juni 2019" expl &&
	accept_text spil-mangler.docx >text &&
	accept_has "$(accept_label spillerum-2019 maalgruppe)" text
'

# The request gave "senest den 3. juni 2019" (14 days) as the date to answer
# by, after the offer's deadline of 1 June 2019, when a corrected form is
# late.  While the round is open it asks for the form before the deadline,
# with the deadline's time of day.
test_expect_success 'the request for information asks for an answer before the deadline' '
	accept_text spil-mangler.docx >text &&
	! grep -q "3. juni 2019" text &&
	accept_has "senest den 1. juni 2019 kl. 23.59, som er ansøgningsfristen" text
'

test_expect_success 'the corrected form, sent before the deadline, supersedes the incomplete one' '
	accept_fill spillerum-2019 spil-rettet.docx ".cvr=\"${accept_cvrs[3]}\" | .sted_navn=\"Egely\"" &&
	accept_run 2019-05-27T10:00:00 &&
	accept_q "SELECT original_name || '"'"'|'"'"' || status FROM submissions WHERE original_name LIKE '"'"'spil-%'"'"' ORDER BY original_name" >actual &&
	cat >expect <<-\EOF &&
	spil-faelles.odt|stored
	spil-mangler.docx|superseded
	spil-ok.docx|stored
	spil-rettet.docx|stored
	spil-sprog.odt|stored
	EOF
	test_cmp expect actual
'

test_expect_success 'after the deadline the round is decided and a late form is refused' '
	accept_fill spillerum-2019 spil-sen.docx ".cvr=\"${accept_cvrs[4]}\" | .sted_navn=\"Solsikken\"" &&
	accept_run 2019-06-02T09:00:00 &&
	for f in spil-ok.docx spil-faelles.odt spil-sprog.odt spil-mangler.docx spil-sen.docx
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	spil-ok.docx|bevilget|proposed
	spil-faelles.odt|bevilget|proposed
	spil-sprog.odt|afslag|proposed
	spil-mangler.docx|mangler|final
	spil-sen.docx|afslag|proposed
	EOF
	test_cmp expect actual &&
	echo "bevilget|proposed" >expect &&
	accept_decision spil-rettet.docx >actual &&
	test_cmp expect actual
'

# A late application is refused for being late; asking it for what it lacks
# would be in vain (it was given a mangler letter before).
test_expect_success 'a late and incomplete form is refused as late, not asked for more' '
	accept_fill spillerum-2019 spil-sen-mangler.odt ".cvr=\"${accept_cvrs[5]}\" | .sted_navn=\"Birkely\" | del(.maalgruppe)" &&
	accept_run 2019-06-04T09:00:00 &&
	test "$(accept_decision spil-sen-mangler.odt)" = "afslag|proposed" &&
	accept_text spil-sen-mangler.odt >text &&
	accept_has "efter ansøgningsfristen" text
'

test_expect_success 'Spillerum letters: the reason, the deadline, the missing label' '
	accept_text spil-sprog.odt >text &&
	accept_has "$(accept_sentence spillerum-2019 boern_har_sprog fail)" text &&
	test_grep "Klagevejledning" text &&
	accept_text spil-sen.docx >text &&
	accept_has "efter ansøgningsfristen" text &&
	accept_has "1. juni 2019" text &&
	test_grep "Klagevejledning" text &&
	accept_text spil-ok.docx >text &&
	test_grep "UDKAST" text &&
	accept_has "Bøgely" text
'

test_expect_success 'a shared-course applicant is told the course needs more participants' '
	accept_q "SELECT explanation FROM current_decisions WHERE applicant_name = '"'"'Lærkehøj'"'"'" >expl &&
	test_grep "25" expl &&
	accept_text spil-faelles.odt >text &&
	test_grep "25" text
'

test_expect_success 'registrations are confirmed at once, a missing address asked for, a late one refused' '
	accept_fill informationsmoede-2021 info-ok.odt &&
	accept_fill informationsmoede-2021 info-mangler.docx ".navn=\"Bo Ågård\" | del(.email)" &&
	accept_run 2021-08-10T10:00:00 &&
	accept_fill informationsmoede-2021 info-sen.docx ".navn=\"Søren Dyrløv\" | .email=\"sd@example.dk\"" &&
	accept_fill informationsmoede-2021 info-sen-mangler.odt ".navn=\"Ib Ærbø\" | .email=\"ib@example.dk\" | del(.organisation)" &&
	accept_run 2021-08-17T12:01:00 &&
	for f in info-ok.odt info-mangler.docx info-sen.docx info-sen-mangler.odt
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	info-ok.odt|bekræftelse|final
	info-mangler.docx|mangler|final
	info-sen.docx|afslag|proposed
	info-sen-mangler.odt|afslag|proposed
	EOF
	test_cmp expect actual
'

test_expect_success 'a registration is confirmed or refused, never granted' '
	c=$(accept_case info-sen.docx) &&
	SKEMA_NOW=2021-08-17T13:00:00 test_expect_code 64 skema -C ws decide $c bevilget --reason "Der er plads alligevel." 2>err &&
	test_grep "decide: $c: »Tilmelding til informationsmøde 18. august 2021« er en tilmelding" err &&
	test "$(accept_decision info-sen.docx)" = "afslag|proposed"
'

test_expect_success 'the confirmation is a final letter to the person, not a decision with a complaints note' '
	pdf=$(accept_letter info-ok.odt) &&
	case $pdf in *udkast*) false ;; esac &&
	accept_text info-ok.odt >text &&
	! grep -q UDKAST text &&
	accept_has "Mette Sørensen" text &&
	accept_has "18. august 2021" text &&
	! grep -q Klagevejledning text &&
	accept_text info-mangler.docx >text &&
	accept_has "$(accept_label informationsmoede-2021 email)" text &&
	accept_text info-sen.docx >text &&
	accept_has "Tilmeldingen er modtaget efter fristen" text
'

# A late registration for the information meeting got the general refusal:
# "Afgørelse om deltagelse i Tilmelding til informationsmøde ...", "afslag på
# jeres ansøgning", "tildelingskriterier" and a klagevejledning.  A
# registration is not an application; the meeting's own text
# (forms/letters/informationsmoede-2021/afslag.txt) says that the
# registration came after the deadline, and when that was.
test_expect_success 'a late registration is answered as a registration, not as a refused application' '
	accept_text info-sen.docx >text &&
	! grep -q "deltagelse i Tilmelding" text &&
	! grep -q "jeres ansøgning" text &&
	! grep -q "tildelingskriterier" text &&
	! grep -q "Klagevejledning" text &&
	accept_has "Tilmeldingen er modtaget efter fristen" text &&
	accept_has "Fristen for tilmelding var den 17. august 2021 kl. 12.00." text &&
	# the reviewer reads when it came and when the deadline was, to the minute
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$(accept_case info-sen.docx)'"'"'" >expl &&
	test_grep "^Tilmeldingen er modtaget [0-9]*\. august 2021 kl\. [0-9.]*, efter fristen 17\. august 2021 kl\. 12\.00\.$" expl &&
	accept_text info-mangler.docx >text &&
	! grep -q "ansøgning" text &&
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$(accept_case info-mangler.docx)'"'"'" >expl &&
	test_grep "Send en rettet tilmelding" expl &&
	! grep -q "ansøgning" expl &&
	accept_has "senest den 17. august 2021 kl. 12.00, som er fristen for tilmelding" text
'

test_expect_success 'setup: seven beredskab applications in time, one late' '
	accept_fill beredskab-revision-2021 ber-a.docx ".kommune=\"Odense\" | .beredskab_godkendt_dato=\"30.11.2018\"" &&
	accept_fill beredskab-revision-2021 ber-b.odt ".kommune=\"Vejle\" | .beredskab_godkendt_dato=\"1. juni 2018\"" &&
	accept_fill beredskab-revision-2021 ber-c.docx ".kommune=\"Horsens\" | .beredskab_godkendt_dato=\"2018-01-15\"" &&
	accept_fill beredskab-revision-2021 ber-d.odt ".kommune=\"Aalborg\" | .beredskab_godkendt_dato=\"1/3-2017\"" &&
	accept_fill beredskab-revision-2021 ber-e.docx ".kommune=\"Esbjerg\" | .beredskab_godkendt_dato=\"2016-05-01\"" &&
	accept_fill beredskab-revision-2021 ber-nyt.odt ".kommune=\"Randers\" | .beredskab_godkendt_dato=\"2020-02-01\"" &&
	accept_fill beredskab-revision-2021 ber-mangler.docx ".kommune=\"Kolding\" | del(.beredskab_godkendt_dato)" &&
	accept_run 2021-09-20T10:00:00 &&
	accept_q "SELECT group_concat(d.outcome) FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.offer_id = '"'"'beredskab-revision-2021'"'"'" >actual &&
	echo mangler >expect && test_cmp expect actual &&
	accept_fill beredskab-revision-2021 ber-sen.odt ".kommune=\"Herning\" | .beredskab_godkendt_dato=\"2015-01-01\"" &&
	accept_run 2021-10-02T09:00:00
'

test_expect_success 'the round takes the four oldest beredskaber in rank order, refuses the rest' '
	for f in ber-a.docx ber-b.odt ber-c.docx ber-d.odt ber-e.docx ber-nyt.odt ber-mangler.docx ber-sen.odt
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	ber-a.docx|afslag|proposed
	ber-b.odt|bevilget|proposed
	ber-c.docx|bevilget|proposed
	ber-d.odt|bevilget|proposed
	ber-e.docx|bevilget|proposed
	ber-nyt.odt|afslag|proposed
	ber-mangler.docx|mangler|final
	ber-sen.odt|afslag|proposed
	EOF
	test_cmp expect actual &&
	accept_q "SELECT s.original_name, d.rank FROM submissions s JOIN decisions d ON d.submission_id = s.id AND d.current = 1
		WHERE s.offer_id = '"'"'beredskab-revision-2021'"'"' AND d.outcome = '"'"'bevilget'"'"' ORDER BY d.rank" >actual &&
	cat >expect <<-\EOF &&
	ber-e.docx|1
	ber-d.odt|2
	ber-c.docx|3
	ber-b.odt|4
	EOF
	test_cmp expect actual
'

test_expect_success 'the one not selected is told its rank and the capacity, with a complaints note' '
	accept_text ber-a.docx >text &&
	accept_has "nr. 5 af 5 egnede ansøgninger (den opfylder ikke prioriteringskriteriet)" text &&
	test $(grep -o "Fristen for revision af kommunens beredskab er endnu ikke overskredet" text | wc -l) = 1 &&
	accept_has "plads til 4 kommuner" text &&
	accept_has "ikke udvalgt" text &&
	test_grep "Klagevejledning" text
'

# A rank by date is explained as a Danish case worker writes a date: the
# oldest first, "30. november 2018", not the lowest of "2018-11-30".
test_expect_success 'the ranking date is written in Danish, oldest first' '
	accept_text ber-a.docx >text &&
	accept_has "(ældste først), her 30. november 2018." text &&
	! grep -q "2018-11-30" text
'

test_expect_success 'the refusals carry their own reasons' '
	accept_text ber-nyt.odt >text &&
	accept_has "$(accept_sentence beredskab-revision-2021 revision_forfalder fail)" text &&
	accept_text ber-sen.odt >text &&
	accept_has "efter ansøgningsfristen" text &&
	accept_text ber-mangler.docx >text &&
	accept_has "$(accept_label beredskab-revision-2021 beredskab_godkendt_dato)" text
'

test_expect_success 'export and offer_summary agree on the rounds' '
	accept_q "SELECT offer_id, received, selected, rejected, missing_info, confirmed FROM offer_summary ORDER BY offer_id" >actual &&
	cat >expect <<-\EOF &&
	beredskab-revision-2021|8|4|3|1|0
	informationsmoede-2021|4|0|2|1|1
	spillerum-2019|7|3|3|0|0
	EOF
	test_cmp expect actual &&
	skema -C ws export --rfc | tail -n +2 >rows &&
	test_line_count = 19 rows
'

# The applicant playtest: received at 12.00.30 after a 12.00 deadline, the
# letter said "modtaget ... kl. 12.00, efter ansøgningsfristen ... kl. 12.00".
test_expect_success 'late within the deadline minute: the letter and the explanation give the second' '
	accept_fill partnerskab-magtanvendelse-2021 p-sekund.docx ".cvr=\"${accept_cvrs[6]}\" | .sted_navn=\"Sekundet\"" &&
	accept_run 2021-09-13T12:00:30 &&
	test "$(accept_decision p-sekund.docx)" = "afslag|proposed" &&
	accept_text p-sekund.docx >text &&
	accept_has "modtaget den 13. september 2021 kl. 12.00.30, efter ansøgningsfristen den 13. september 2021 kl. 12.00" text &&
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$(accept_case p-sekund.docx)'"'"'" >expl &&
	test_grep "modtaget 13. september 2021 kl. 12.00.30, efter ansøgningsfristen 13. september 2021 kl. 12.00" expl
'

test_done
