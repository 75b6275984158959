#!/bin/bash
test_description='acceptance: an age range typed backwards is asked for again, not refused'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# offers.md: alder_fra <= alder_til.  The anbringelsessted block has that as
# a rule between fields (aldersinterval): a facility that types its range
# backwards gets a mangler letter naming both fields, not an afslag because
# "4 år" as the upper bound is outside an offer's target group.  Sent again
# with the range right, the application is judged on its merits.

test_expect_success 'setup' '
	skema init ws >/dev/null
'

test_expect_success 'opkvalificering: 17-6 years is mangler, sent at once, naming both fields' '
	accept_fill opkvalificering-anbringelsessted baglaens.docx ".alder_fra=\"17\" | .alder_til=\"6\"" &&
	accept_run 2021-03-01T10:00:00 &&
	test "$(accept_decision baglaens.docx)" = "mangler|final" &&
	accept_text baglaens.docx >letter.txt &&
	accept_has "Følgende felter i ansøgningsskemaet mangler at blive udfyldt eller rettet" letter.txt &&
	accept_has "Børnenes alder fra (år) og Børnenes alder til (år) (alderen fra, 17 år, er højere end alderen til, 6 år)" letter.txt &&
	accept_has "Udfyld eller ret felterne i ansøgningsskemaet" letter.txt &&
	! grep -q "afslag\|Klagevejledning" letter.txt &&
	accept_q "SELECT d.explanation FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '"'"'baglaens.docx'"'"' AND d.current = 1" >explanation &&
	accept_has "Felterne »Børnenes alder fra (år)« og »Børnenes alder til (år)« er ikke udfyldt korrekt: alderen fra, 17 år, er højere end alderen til, 6 år." explanation
'

test_expect_success 'the review sheet marks both fields with what is wrong' '
	sheet=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '"'"'baglaens.docx'"'"' AND l.kind = '"'"'review'"'"'" |
		sed "s|^\([^/]\)|ws/\1|") &&
	pdftotext -raw "$sheet" - | tr -s " \n" "  " >sheet.txt &&
	test "$(grep -o "FEJL: alderen fra, 17 år, er højere end alderen til, 6 år" sheet.txt | wc -l)" = 2
'

test_expect_success 'sent again with the range right, the same facility is granted a place' '
	accept_fill opkvalificering-anbringelsessted rettet.odt &&
	accept_run 2021-03-02T10:00:00 &&
	test "$(accept_decision rettet.odt)" = "bevilget|proposed" &&
	accept_q "SELECT status FROM submissions WHERE original_name = '"'"'baglaens.docx'"'"'" >actual &&
	echo superseded >expect && test_cmp expect actual
'

test_expect_success 'a required field filled in wrongly is asked for once, and not printed as the address' '
	accept_fill opkvalificering-anbringelsessted email.docx \
		".cvr=\"${accept_cvrs[5]}\" | .sted_navn=\"Birkely\" | .kontakt_email=\"ikke en mail\"" &&
	accept_run 2021-03-03T10:00:00 &&
	test "$(accept_decision email.docx)" = "mangler|final" &&
	accept_text email.docx >letter.txt &&
	test "$(grep -o "Kontaktpersonens e-mail" letter.txt | wc -l)" = 1 &&
	accept_has "Kontaktpersonens e-mail (ikke en gyldig e-mailadresse)" letter.txt &&
	accept_has "Dette felt i ansøgningsskemaet" letter.txt &&
	! grep -q "ikke en mail" letter.txt &&
	accept_q "SELECT d.explanation FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '"'"'email.docx'"'"' AND d.current = 1" >explanation &&
	! grep -q "Der mangler" explanation &&
	accept_has "Feltet »Kontaktpersonens e-mail« er ikke udfyldt korrekt" explanation
'

test_expect_success 'partnerskab: 10-4 years is mangler, though 4 alone is below the target group' '
	accept_fill partnerskab-magtanvendelse-2021 partner.docx \
		".cvr=\"${accept_cvrs[3]}\" | .alder_fra=\"10\" | .alder_til=\"4\"" &&
	accept_run 2021-09-10T10:00:00 &&
	test "$(accept_decision partner.docx | cut -d"|" -f1)" = mangler
'

test_expect_success 'a range that is right but outside the target group is still refused' '
	accept_fill partnerskab-magtanvendelse-2021 smaa.odt \
		".cvr=\"${accept_cvrs[4]}\" | .sted_navn=\"Småbørnshuset\" | .alder_fra=\"0\" | .alder_til=\"4\"" &&
	accept_run 2021-09-10T10:05:00 &&
	accept_run 2021-09-14T09:00:00 &&
	test "$(accept_decision smaa.odt | cut -d"|" -f1)" = afslag
'

test_done
