#!/bin/bash
test_description='a round decision says how the place was given, with one number, and the selection policy only where it decided: in the database and in the letter'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# partnerskab-magtanvendelse-2021: 10 places, broad representation.  A
# grant's explanation said both "rangeret som nr. 2 af 10 egnede" and
# "udvalgt som nr. 5", and explained ranking and broad representation even
# when every eligible facility got a place.  skema-decide writes the
# explanation knowing the whole selection, and the letter and the review
# sheet print it as it is.

# p FILE KOMMUNE N [JQ]: a facility of the common kind, CVR number N.
p() {
	accept_fill partnerskab-magtanvendelse-2021 "$1" \
		".kommune=\"$2\" | .cvr=\"${accept_cvrs[$3]}\" | .sted_navn=\"Institution $3\" | ${4:-.}"
}
new_kind='.sted_type="opholdssted" | .driftsherre_type="privat" | .maalgruppe_handicap=false'

# explanation FILE: the current decision's explanation in the database.
explanation() {
	accept_q "SELECT d.explanation FROM current_decisions d JOIN submissions s USING (case_number)
		WHERE s.original_name = '$1'"
}

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

# files OUTCOME: the files of the current decisions with OUTCOME.
files() {
	accept_q "SELECT s.original_name FROM current_decisions d JOIN submissions s USING (case_number)
		WHERE d.outcome = '$1' ORDER BY d.rank"
}

# count TEXT FILE: how often TEXT occurs in FILE.
count() {
	grep -o -F -e "$1" "$2" | wc -l
}

all_fit="Der var plads til alle 6 egnede ansøgninger, så det har ikke været nødvendigt at prioritere mellem dem."
lower="Derfor kan en ansøgning, der står lavere i prioriteringen, være udvalgt frem for denne ansøgning."

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

test_expect_success 'room for all: the explanation says so, without ranking, policy or capacity' '
	cd few &&
	for f in a.docx b.odt c.docx d.odt e.docx f.odt
	do
		explanation $f >expl &&
		accept_has "$all_fit" expl &&
		! grep -q "bred repræsentation" expl &&
		! grep -q "Der er plads til" expl &&
		! grep -q "nr\. [0-9]" expl || return 1
	done
'

test_expect_success 'room for all: the letter prints the explanation as it is, once' '
	cd few &&
	for f in a.docx b.odt c.docx d.odt e.docx f.odt
	do
		begrundelse $f >text &&
		accept_has "$(explanation $f)" text &&
		test "$(count "Der var plads til alle" text)" = 1 &&
		! grep -q "bred repræsentation" text &&
		! grep -q "nr\. [0-9]" text || return 1
	done
'

test_expect_success 'room for all: the review sheet shows the same explanation' '
	cd few &&
	sheet b.odt >text &&
	accept_has "$all_fit" text &&
	! grep -q "udvalgt som nr" text
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

test_expect_success 'not all fit: every explanation gives its stored rank as the one number' '
	cd many &&
	for f in $(files bevilget) $(files afslag)
	do
		explanation $f >expl &&
		rank=$(accept_q "SELECT d.rank FROM current_decisions d JOIN submissions s USING (case_number) WHERE s.original_name = '"'"'$f'"'"'") &&
		accept_has "Efter prioriteringskriterierne er ansøgningen rangeret som nr. $rank af 12 egnede ansøgninger" expl &&
		test "$(count "nr. " expl)" = 1 &&
		! grep -q "udvalgt som nr" expl &&
		! grep -q "Der var plads til alle" expl &&
		accept_has "Ved udvælgelsen er der lagt vægt på bred repræsentation (type af anbringelsessted, driftsherre, region)" expl || return 1
	done
'

test_expect_success 'not all fit: each grant says there are ten places; the best ranked adds nothing' '
	cd many &&
	for f in $(files bevilget)
	do
		explanation $f >expl &&
		accept_has "Der er plads til 10 anbringelsessteder, og ansøgningen er udvalgt." expl || return 1
	done &&
	explanation p0.docx >expl &&
	accept_has "rangeret som nr. 1 af 12" expl &&
	! grep -q "Ansøgningen bidrager" expl
'

test_expect_success 'broad representation: the new kind is told what it adds' '
	cd many &&
	explanation ny.odt >expl &&
	accept_has "rangeret som nr. 12 af 12 egnede ansøgninger" expl &&
	accept_has "Ansøgningen bidrager med noget, som ikke allerede var repræsenteret blandt de udvalgte (type af anbringelsessted: opholdssted, driftsherre: privat, region: Region Hovedstaden)." expl
'

test_expect_success 'broad representation: a refusal says how a lower rank could be selected' '
	cd many &&
	within=0 &&
	for f in $(files afslag)
	do
		explanation $f >expl &&
		accept_has "$lower" expl &&
		rank=$(sed -n "s/.*rangeret som nr\. \([0-9]*\) af.*/\1/p" expl) &&
		if test "$rank" -le 10
		then
			# Within the places by rank: the spread, not their number, is why.
			within=$((within + 1)) &&
			accept_has "Der er plads til 10 anbringelsessteder, og alle pladserne er fordelt; ansøgningen er derfor ikke udvalgt." expl &&
			! grep -q "Der er kun plads til" expl
		else
			accept_has "Der er kun plads til 10 anbringelsessteder, og ansøgningen er derfor ikke udvalgt." expl
		fi || return 1
	done &&
	test $within -ge 1
'

test_expect_success 'not all fit: the letters print the explanations as they are' '
	cd many &&
	for f in $(files bevilget) $(files afslag)
	do
		begrundelse $f >text &&
		accept_has "$(explanation $f)" text &&
		test "$(count "nr. " text)" = 1 &&
		test "$(count "bred repræsentation" text)" = 1 || return 1
	done &&
	for f in $(files afslag)
	do
		begrundelse $f >text &&
		accept_has "flere ansøgninger end pladser" text &&
		test "$(count "$lower" text)" = 1 || return 1
	done
'

test_expect_success 'the only eligible application: said in the singular, in the database and the letter' '
	mkdir one && cd one &&
	skema init ws >/dev/null &&
	p a.docx Silkeborg 0 && p b.odt Vejle 1 ".ledelsesopbakning=false" &&
	accept_run 2021-09-10T10:00:00 &&
	accept_run 2021-09-14T09:00:00 &&
	test "$(accept_decision a.docx)" = "bevilget|proposed" &&
	explanation a.docx >expl &&
	accept_has "Ansøgningen var den eneste egnede ansøgning, så det har ikke været nødvendigt at prioritere." expl &&
	accept_has "Der er kun 1 egnet ansøgning, færre end de mindst 7" expl &&
	! grep -q "rangeret" expl &&
	! grep -q "bred repræsentation" expl &&
	begrundelse a.docx >text &&
	accept_has "$(explanation a.docx)" text &&
	test "$(count "den eneste egnede ansøgning" text)" = 1
'

test_done
