#!/bin/bash
test_description='a criterion changed after a case was judged: the letter gives the sentence the case was judged by'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# An administrator widens a criterion (at most 25 hours becomes 35) and its
# sentence with it, while a case refused by the old rule waits for review.
# Cases are not judged again, so a letter quoting the new sentence beside
# the old result would contradict itself ("op til 35 timer; ansøgningen
# angiver 30 timer").  The letter keeps the stored sentence; the review
# sheet says the criterion has changed since, so the reviewer can decide
# the case again; the run log says so to the administrator.

export SKEMA_FORMS=$PWD/forms FORMS=$PWD/forms

test_expect_success 'setup: a temaforløb asking for 30 hours is refused by the rule of 25' '
	cp -r "$SRC/forms" forms &&
	skema init ws >/dev/null &&
	accept_fill temaforloeb t1.docx ".kommune=\"Odense\" | .timer=\"30\"" &&
	accept_run 2026-03-02T10:00:00 &&
	test "$(accept_decision t1.docx)" = "afslag|proposed" &&
	accept_q "SELECT text FROM criteria WHERE criterion_id = '"'"'timer'"'"'" >stored &&
	echo "Et temaforløb er på op til 25 timer; ansøgningen angiver 30 timer." >expect &&
	test_cmp expect stored
'

test_expect_success 'the rule and its sentence widened; the reviewer confirms the refusal' '
	sed -i -e "s/timer BETWEEN 1 AND 25/timer BETWEEN 1 AND 35/" \
		-e "s/Et temaforløb er på op til 25 timer;/Et temaforløb er på op til 35 timer;/" \
		forms/temaforloeb/offer.xml &&
	grep -q "op til 35 timer;" forms/temaforloeb/offer.xml &&
	SKEMA_NOW=2026-03-03T10:00:00 skema -C ws decide "$(accept_case t1.docx)" afslag >/dev/null &&
	accept_run 2026-03-03T11:00:00 &&
	test "$(accept_decision t1.docx)" = "afslag|final"
'

test_expect_success 'the letter gives the sentence the case was judged by' '
	accept_text t1.docx >letter.txt &&
	test_grep "Et temaforløb er på op til 25 timer; ansøgningen angiver 30 timer." letter.txt &&
	! grep -q "op til 35 timer" letter.txt
'

test_expect_success 'the review sheet says the criterion has changed since' '
	c=$(accept_case t1.docx) &&
	pdftotext -raw ws/letters/$c-gennemgang.pdf - | tr -s " \n" "  " >sheet.txt &&
	test_grep "op til 25 timer; ansøgningen angiver 30 timer. (Kriteriets tekst er ændret, siden ansøgningen blev vurderet; vurderingen følger den tidligere tekst.)" sheet.txt &&
	test_grep "skema-letter: $c: the sentence of criterion timer has changed since the case was judged" run.err
'

test_expect_success 'an unchanged criterion gets no remark' '
	! grep -q "chefniveau has changed" run.err &&
	test "$(grep -c "Kriteriets tekst er ændret" sheet.txt)" = 1
'

test_done
