#!/bin/bash
test_description='acceptance: the letters folder holds no draft beside the letter to send'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# A draft is written for every proposal and redone freely; once the case
# has a draft of another outcome or its final letter, the old draft goes,
# so staff cannot send it by mistake.  temaforloeb with room for one a
# quarter: the first is proposed a place, the second the waiting list.  A
# reviewer turns the first down (a final afslag), and the second moves up
# to a proposed place.

FORMS=$TRASH/forms
export SKEMA_FORMS=$FORMS

letters_of() { # letters_of CASE: the case's letters and drafts, by name
	(cd ws/letters && ls -1 "$1"-*.pdf 2>/dev/null | grep -v gennemgang)
}

test_expect_success 'setup: one place, two applications' '
	cp -R "$SRC/forms" "$FORMS" &&
	sed -i "s/<capacity unit=\"temaforløb\" period=\"quarter\" min=\"0\" max=\"10\"\/>/<capacity unit=\"temaforløb\" period=\"quarter\" min=\"0\" max=\"1\"\/>/" \
		"$FORMS/temaforloeb/offer.xml" &&
	grep -q "max=\"1\"" "$FORMS/temaforloeb/offer.xml" &&
	skema init ws >/dev/null &&
	accept_fill temaforloeb t1.docx ".kommune=\"Odense\"" && accept_run 2021-09-01T09:00:00 &&
	accept_fill temaforloeb t2.odt ".kommune=\"Vejle\"" && accept_run 2021-09-01T09:10:00 &&
	test "$(accept_decision t1.docx)" = "bevilget|proposed" &&
	test "$(accept_decision t2.odt)" = "venteliste|proposed" &&
	c1=$(accept_case t1.docx) && c2=$(accept_case t2.odt) &&
	echo "$c1-bevilget-udkast.pdf" >expect && letters_of $c1 >actual && test_cmp expect actual &&
	echo "$c2-venteliste-udkast.pdf" >expect && letters_of $c2 >actual && test_cmp expect actual &&
	# one place: not "Alle 1 temaforløb" (applicant playtest)
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$c2'"'"'" >expl &&
	test_grep "Den eneste plads i 3. kvartal 2021 er besat, og ansøgningen er derfor sat på venteliste som nr. 1\." expl &&
	! grep -q "Alle 1 " expl
'

test_expect_success 'a final letter takes its case'"'"'s draft away' '
	c1=$(accept_case t1.docx) &&
	SKEMA_NOW=2021-09-02T10:00:00 skema -C ws decide $c1 afslag \
		--reason "Kommunen har allerede fået et forløb i år." &&
	accept_run 2021-09-02T10:05:00 &&
	echo "$c1-afslag.pdf" >expect && letters_of $c1 >actual && test_cmp expect actual &&
	accept_q "SELECT kind || draft FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.case_number = '"'"'$c1'"'"' AND kind <> '"'"'review'"'"' ORDER BY l.id" >actual &&
	printf "bevilget1\nafslag0\n" >expect && test_cmp expect actual
'

test_expect_success 'a draft of another outcome takes the old draft away' '
	c2=$(accept_case t2.odt) &&
	test "$(accept_decision t2.odt)" = "bevilget|proposed" &&
	echo "$c2-bevilget-udkast.pdf" >expect && letters_of $c2 >actual && test_cmp expect actual
'

test_expect_success 'the review sheet of a decided case heads it as the decision, with the reason once' '
	c1=$(accept_case t1.docx) &&
	pdftotext -raw ws/letters/$c1-gennemgang.pdf - | tr -s " \n" "  " >sheet &&
	accept_has "Afgørelse Afslag (endelig" sheet &&
	! grep -q "Foreslået afgørelse" sheet &&
	test $(grep -o "Kommunen har allerede fået et forløb i år" sheet | wc -l) = 1 &&
	c2=$(accept_case t2.odt) &&
	pdftotext -raw ws/letters/$c2-gennemgang.pdf - | tr -s " \n" "  " >sheet2 &&
	accept_has "Foreslået afgørelse Bevilget (foreslået" sheet2
'

test_expect_success 'the refusal names one e-mail address and one name for the unit throughout' '
	c1=$(accept_case t1.docx) &&
	pdftotext -raw ws/letters/$c1-afslag.pdf - | tr -s " \n" "  " >letter &&
	applicant=$(jq -r .kontakt_email values-t1.docx.json) && test -n "$applicant" &&
	grep -o "[a-z.]*@[a-z.]*[a-z]" letter | grep -v -x -F "$applicant" | sort -u >emails &&
	test_line_count = 1 emails &&
	accept_has "seksuelle overgreb mod børn" letter &&
	! grep -q "sm\.dk" letter
'

test_expect_success 'skema status lines its columns up in characters, whatever the names' '
	accept_fill informationsmoede-2021 moede.docx &&
	accept_run 2021-08-10T10:00:00 &&
	test "$(accept_decision moede.docx)" = "bekræftelse|final" &&
	skema -C ws status >status &&
	python3 -c "
import re, sys
lines = open(sys.argv[1], encoding=\"utf-8\").read().splitlines()
for group in (\"decisions by outcome:\", \"offers:\"):
    i = lines.index(group) + 1
    cols = set()
    while i < len(lines) and lines[i].startswith(\"  \"):
        cols.add(re.match(r\"  (.*?) +(\\d+)( live.*)?$\", lines[i]).start(2))
        i += 1
    assert len(cols) == 1, (group, cols)
" status
'

# The applicant playtest: a reason given when confirming a proposal was
# stored and never printed; a reason that changed the outcome is printed once.
test_expect_success 'a reason given when confirming a grant is in its final letter, once' '
	c2=$(accept_case t2.odt) &&
	SKEMA_NOW=2021-09-03T10:00:00 skema -C ws decide $c2 bevilget \
		--reason "Forløbet kan begynde i oktober 2021." >/dev/null &&
	accept_run 2021-09-03T10:05:00 &&
	pdftotext -raw ws/letters/$c2-bevilget.pdf - | tr -s " \n" "  " >granted &&
	test $(grep -o "Forløbet kan begynde i oktober 2021" granted | wc -l) = 1 &&
	accept_has "Vi har besluttet at imødekomme jeres ansøgning" granted &&
	c1=$(accept_case t1.docx) &&
	pdftotext -raw ws/letters/$c1-afslag.pdf - | tr -s " \n" "  " >refused &&
	test $(grep -o "Kommunen har allerede fået et forløb i år" refused | wc -l) = 1 &&
	# the postal address and the e-mail are two ways, not one run-on address
	test_grep "Klagen sendes til Socialstyrelsen, .*[0-9]\{4\} [A-ZÆØÅa-zæøå ]*, eller på e-mail til [a-z.]*@[a-z.]* med angivelse af journalnummer" refused
'

test_done
