#!/bin/bash
test_description='acceptance: the partnership round, broad representation, late and below-minimum, through skema run'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# partnerskab-magtanvendelse-2021: deadline 13 September 2021 12:00, 7-10
# facilities, broad representation over sted_type, driftsherre_type and the
# region of the kommune, priority to children with disabilities.
#
# Eleven eligible facilities: nine of one kind (døgninstitution, kommunal,
# Region Midtjylland, handicap), one of that kind in Region Nordjylland, and
# one of a new kind in every way (opholdssted, privat, Region Hovedstaden)
# but without the priority.  Broad representation takes the new kind before
# a tenth of the same, so the one left out is the last of the nine.

p() { # p FILE KOMMUNE N [JQ]: a facility of the common kind, CVR number N
	accept_fill partnerskab-magtanvendelse-2021 "$1" \
		".kommune=\"$2\" | .cvr=\"${accept_cvrs[$3]}\" | .sted_navn=\"Institution $3\" | ${4:-.}"
}

test_expect_success 'setup: fourteen applications before the deadline; only mangler is answered' '
	skema init ws >/dev/null &&
	p p01.docx Silkeborg 0 && p p02.odt Aarhus 1 && p p03.docx Viborg 2 &&
	p p04.odt Herning 3 && p p05.docx Horsens 4 && p p06.odt Randers 5 &&
	p p07.docx Skive 6 && p p08.odt Holstebro 7 && p p09.docx Favrskov 8 &&
	p p10.odt København 9 ".sted_type=\"opholdssted\" | .driftsherre_type=\"privat\" | .maalgruppe_handicap=false | .sted_navn=\"Opholdsstedet Ny Slags\"" &&
	p p11.docx Aalborg 10 &&
	p lukket.odt Odense 11 ".aaben_institution=false" &&
	p mangler.docx Vejle 12 "del(.driftsherre_navn)" &&
	accept_run 2021-09-10T10:00:00 &&
	accept_q "SELECT group_concat(outcome) FROM decisions" >actual &&
	echo mangler >expect && test_cmp expect actual
'

test_expect_success 'a form five minutes after the deadline' '
	p sen.odt Roskilde 13 &&
	accept_run 2021-09-13T12:05:00
'

test_expect_success 'the round after the deadline: ten selected with the new kind, the rest refused' '
	accept_run 2021-09-14T09:00:00 &&
	for f in p01.docx p02.odt p03.docx p04.odt p05.docx p06.odt p07.docx p08.odt p09.docx p10.odt p11.docx lukket.odt mangler.docx sen.odt
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	p01.docx|bevilget|proposed
	p02.odt|bevilget|proposed
	p03.docx|bevilget|proposed
	p04.odt|bevilget|proposed
	p05.docx|bevilget|proposed
	p06.odt|bevilget|proposed
	p07.docx|bevilget|proposed
	p08.odt|bevilget|proposed
	p09.docx|afslag|proposed
	p10.odt|bevilget|proposed
	p11.docx|bevilget|proposed
	lukket.odt|afslag|proposed
	mangler.docx|mangler|final
	sen.odt|afslag|proposed
	EOF
	test_cmp expect actual
'

test_expect_success 'the new kind is explained by what it adds' '
	accept_text p10.odt >text &&
	accept_has "bred repræsentation" text &&
	accept_has "opholdssted" text &&
	accept_has "privat" text &&
	accept_has "Hovedstaden" text
'

test_expect_success 'the one left out is told why, with a complaints note' '
	accept_text p09.docx >text &&
	accept_has "bred repræsentation" text &&
	accept_has "10 anbringelsessteder" text &&
	test_grep "Klagevejledning" text
'

test_expect_success 'the closed institution, the late one and the missing operator' '
	accept_text lukket.odt >text &&
	accept_has "$(accept_sentence partnerskab-magtanvendelse-2021 aaben_institution fail)" text &&
	test_grep "Klagevejledning" text &&
	accept_text sen.odt >text &&
	accept_has "13. september 2021 kl. 12.00" text &&
	test_grep "Klagevejledning" text &&
	accept_text mangler.docx >text &&
	accept_has "$(accept_label partnerskab-magtanvendelse-2021 driftsherre_navn)" text
'

# A selected facility sends its form again after the deadline (a new phone
# number).  The late form must not supersede the timely application, which
# would then be lost and the facility refused as late.
test_expect_success 'a form sent again after the deadline does not replace the one in time' '
	p p01-igen.odt Silkeborg 0 ".kontakt_telefon=\"86 80 11 23\"" &&
	accept_run 2021-09-15T09:00:00 &&
	accept_q "SELECT original_name || '"'"'|'"'"' || status FROM submissions WHERE original_name LIKE '"'"'p01%'"'"' ORDER BY id" >actual &&
	cat >expect <<-\EOF &&
	p01.docx|stored
	p01-igen.odt|stored
	EOF
	test_cmp expect actual &&
	test "$(accept_decision p01.docx)" = "bevilget|proposed" &&
	test "$(accept_decision p01-igen.odt)" = "afslag|proposed" &&
	accept_q "SELECT count(*) FROM current_decisions WHERE outcome = '"'"'bevilget'"'"'" >actual &&
	echo 10 >expect && test_cmp expect actual
'

test_expect_success 'no below-minimum warning for a full round' '
	accept_q "SELECT count(*) FROM events WHERE event = '"'"'below_minimum'"'"'" >actual &&
	echo 0 >expect && test_cmp expect actual
'

test_expect_success 'below the minimum of seven: selected, and the manager is told' '
	mkdir below && cd below &&
	skema init ws >/dev/null &&
	p a.docx Silkeborg 0 && p b.odt København 1 ".driftsherre_type=\"privat\"" &&
	p c.docx Odense 2 ".sted_type=\"opholdssted\"" &&
	p d.odt Vejle 3 ".ledelsesopbakning=false" &&
	accept_run 2021-09-10T10:00:00 &&
	accept_run 2021-09-14T09:00:00 &&
	for f in a.docx b.odt c.docx d.odt
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	a.docx|bevilget|proposed
	b.odt|bevilget|proposed
	c.docx|bevilget|proposed
	d.odt|afslag|proposed
	EOF
	test_cmp expect actual &&
	accept_q "SELECT detail FROM events WHERE event = '"'"'below_minimum'"'"'" >events &&
	test_line_count = 1 events &&
	test_grep "3 egnede" events &&
	test_grep "minimum 7" events &&
	test_grep "minimum" run.err &&
	skema -C ws review >review.out &&
	test_grep "Bemærk" review.out &&
	test_grep "7" review.out
'

# The approval letter is the applicant'"'"'s: it says what the small round means
# for them, not that management was told.
test_expect_success 'below the minimum: the approval says what it means for the applicant' '
	cd below &&
	accept_text a.docx >text &&
	accept_has "Der er kun 3 egnede ansøgninger, færre end de mindst 7" text &&
	accept_has "Vi kontakter jer, hvis det får betydning for jeres deltagelse." text &&
	! grep -q "ledelsen er orienteret" text
'

test_expect_success 'below the minimum: the summary report says so too' '
	cd below &&
	SKEMA_NOW=2021-09-14T10:00:00 skema -C ws report >report.out 2>&1 &&
	pdftotext -raw ws/reports/partnerskab-magtanvendelse-2021.pdf raw.txt 2>pdftotext.err &&
	tr -s " \n" "  " <raw.txt >text &&
	accept_has "Bevilget / udvalgt 3" text &&
	accept_has "færre end minimum (7)" text
'

# The report's fonts carried libharu's encoding CMap as their ToUnicode, and
# poppler said "Syntax Warning: Invalid 'begincidrange' operator in ToUnicode
# CMap" for every report; text copied from it could come out wrong.
test_expect_success 'the report is read without warnings, its text copies right' '
	cd below &&
	test_must_be_empty_() { ! test -s "$1" || { cat "$1"; false; }; } &&
	test_must_be_empty_ pdftotext.err &&
	test_grep "Partnerskab om forebyggelse af magtanvendelse" raw.txt &&
	for f in ws/reports/*.pdf
	do
		pdftotext "$f" /dev/null 2>err && test_must_be_empty_ err || return 1
	done
'

test_done
