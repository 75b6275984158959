#!/bin/bash
test_description='skema-letter: a round decision says how the place was given, with one number, and the selection policy only where it decided'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# partnerskab-magtanvendelse-2021: 10 places, broad representation.  A
# grant letter said both "rangeret som nr. 2 af 10 egnede" and "udvalgt som
# nr. 5", and explained broad representation even when every eligible
# facility got a place.  The review sheet keeps skema-decide's explanation
# whole: the reviewer checks the selection.

# p FILE KOMMUNE N [JQ]: a facility of the common kind, CVR number N.
p() {
	accept_fill partnerskab-magtanvendelse-2021 "$1" \
		".kommune=\"$2\" | .cvr=\"${accept_cvrs[$3]}\" | .sted_navn=\"Institution $3\" | ${4:-.}"
}
new_kind='.sted_type="opholdssted" | .driftsherre_type="privat" | .maalgruppe_handicap=false'

# begrundelse FILE: the letter's Begrundelse section on one line.
begrundelse() {
	accept_text "$1" | sed -e 's/.* Begrundelse //' -e 's/ Det videre forløb .*//'
}

# sheet FILE: the text of FILE's review sheet on one line.
sheet() {
	pdf=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind = 'review' ORDER BY l.id DESC LIMIT 1" |
		sed "s|^\([^/]\)|ws/\1|") &&
	pdftotext -raw "$pdf" - | tr -s " \n" "  "
}

test_expect_success 'setup: six eligible facilities for ten places, one of a new kind' '
	mkdir few && cd few &&
	skema init ws >/dev/null &&
	p a.docx Silkeborg 0 && p b.odt København 1 "$new_kind" && p c.docx Viborg 2 &&
	p d.odt Herning 3 && p e.docx Horsens 4 && p f.odt Randers 5 &&
	accept_run 2021-09-10T10:00:00 &&
	accept_run 2021-09-14T09:00:00 &&
	accept_q "SELECT group_concat(DISTINCT outcome) FROM current_decisions" >actual &&
	echo bevilget >expect && test_cmp expect actual
'

test_expect_success 'room for all: the grant says so, without ranking or broad representation' '
	cd few &&
	for f in a.docx b.odt c.docx d.odt e.docx f.odt
	do
		begrundelse $f >text &&
		accept_has "Der var plads til alle 6 egnede ansøgninger, så det har ikke været nødvendigt at prioritere mellem dem." text &&
		! grep -q "bred repræsentation" text &&
		! grep -q "nr\. [0-9]" text || return 1
	done
'

test_expect_success 'room for all: the review sheet keeps the whole selection' '
	cd few &&
	sheet b.odt >text &&
	accept_has "bred repræsentation" text &&
	accept_has "udvalgt som nr." text
'

test_expect_success 'setup: twelve eligible facilities for ten places' '
	mkdir many && cd many &&
	skema init ws >/dev/null &&
	n=0 &&
	for k in Silkeborg Aarhus Viborg Herning Horsens Randers Skive Holstebro Favrskov Odense Aalborg
	do
		p p$n.docx $k $n || return 1
		n=$((n + 1))
	done &&
	p ny.odt København 11 "$new_kind" &&
	accept_run 2021-09-10T10:00:00 &&
	accept_run 2021-09-14T09:00:00 &&
	accept_q "SELECT outcome, count(*) FROM current_decisions GROUP BY outcome" >actual &&
	printf "afslag|2\nbevilget|10\n" >expect && test_cmp expect actual
'

test_expect_success 'not all fit: each grant gives its rank as the one number, and the policy' '
	cd many &&
	for f in $(accept_q "SELECT s.original_name FROM current_decisions d JOIN submissions s USING (case_number) WHERE d.outcome = '"'"'bevilget'"'"'")
	do
		begrundelse $f >text &&
		accept_has "Efter prioriteringskriterierne er ansøgningen rangeret som nr." text &&
		test "$(grep -o "nr\. [0-9]*" text | wc -l)" = 1 &&
		! grep -q "udvalgt som nr" text &&
		! grep -q "Der var plads til alle" text &&
		accept_has "bred repræsentation" text || return 1
	done
'

test_expect_success 'not all fit: the new kind is told what it adds' '
	cd many &&
	begrundelse ny.odt >text &&
	accept_has "rangeret som nr. 12 af 12 egnede ansøgninger" text &&
	accept_has "Ansøgningen bidrager med noget, som ikke allerede var repræsenteret blandt de udvalgte (type af anbringelsessted: opholdssted, driftsherre: privat, region: Region Hovedstaden)." text
'

test_expect_success 'not all fit: a refusal explains how a lower rank could be selected' '
	cd many &&
	for f in $(accept_q "SELECT s.original_name FROM current_decisions d JOIN submissions s USING (case_number) WHERE d.outcome = '"'"'afslag'"'"'")
	do
		begrundelse $f >text &&
		accept_has "flere ansøgninger end pladser" text &&
		accept_has "Derfor kan en ansøgning, der står lavere i prioriteringen, være udvalgt frem for jeres." text &&
		test "$(grep -o "nr\. [0-9]*" text | wc -l)" = 1 || return 1
	done
'

test_expect_success 'the only eligible application: said in the singular' '
	mkdir one && cd one &&
	skema init ws >/dev/null &&
	p a.docx Silkeborg 0 && p b.odt Vejle 1 ".ledelsesopbakning=false" &&
	accept_run 2021-09-10T10:00:00 &&
	accept_run 2021-09-14T09:00:00 &&
	test "$(accept_decision a.docx)" = "bevilget|proposed" &&
	begrundelse a.docx >text &&
	accept_has "Jeres ansøgning var den eneste egnede ansøgning, så det har ikke været nødvendigt at prioritere." text &&
	accept_has "Der er kun 1 egnet ansøgning, færre end de mindst 7" text &&
	! grep -q "bred repræsentation" text
'

test_done
