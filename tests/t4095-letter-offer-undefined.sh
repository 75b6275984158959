#!/bin/bash
test_description='a letter waits while its offer has no definition (folder removed or renamed)'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# An administrator moves an offer's folder away while a case of it is
# open.  A final letter is never replaced, so one written without the
# definition (no title, criteria or contact) would go out as it is: the
# letter waits instead, and is written once the definition is back.

export SKEMA_FORMS=$PWD/forms FORMS=$PWD/forms

test_expect_success 'setup: a temaforløb, proposed a place, with its draft' '
	cp -r "$SRC/forms" forms &&
	skema init ws >/dev/null &&
	accept_fill temaforloeb t1.docx ".kommune=\"Odense\"" &&
	accept_fill temaforloeb t2.docx ".kommune=\"Vejle\"" &&
	accept_fill temaforloeb t3.docx ".kommune=\"Kolding\"" &&
	accept_run 2026-03-02T10:00:00 &&
	test "$(accept_decision t1.docx)" = "bevilget|proposed" &&
	test -f ws/letters/$(accept_case t1.docx)-bevilget-udkast.pdf
'

test_expect_success 'the definition gone: a reviewer'"'"'s decision is recorded, and told why nothing follows' '
	mv forms/temaforloeb temaforloeb.away &&
	c=$(accept_case t1.docx) &&
	SKEMA_NOW=2026-03-03T10:00:00 skema -C ws decide "$c" bevilget >out 2>err &&
	test "$(accept_decision t1.docx)" = "bevilget|final" &&
	test_grep "tilbuddet temaforloeb har ingen definition" err &&
	test_grep "brevet skrives først, når definitionen er tilbage" err &&
	! grep -q "sluttede med" err
'

test_expect_success 'the run writes no letter without the definition, and says why' '
	c=$(accept_case t1.docx) &&
	accept_run 2026-03-03T11:00:00 &&
	test_grep "skema-letter: $c: offer temaforloeb is not defined" run.err &&
	test ! -e ws/letters/$c-bevilget.pdf &&
	test "$(accept_q "SELECT count(*) FROM letters WHERE kind = '"'"'bevilget'"'"' AND draft = 0")" = 0 &&
	SKEMA_NOW=2026-03-03T11:00:00 skema -C ws status >status.out &&
	test_grep "1 decision without its letter" status.out
'

test_expect_success 'the reports are written without the definition, a withdrawn case too' '
	SKEMA_NOW=2026-03-03T12:00:00 skema -C ws withdraw "$(accept_case t2.docx)" >/dev/null 2>&1 &&
	SKEMA_NOW=2026-03-03T12:10:00 skema -C ws report >out 2>err &&
	! grep -q "signal" err &&
	pdftotext ws/reports/temaforloeb.pdf - | tr -s " \n" "  " >rep.txt &&
	test_grep "Tilbuddets definition findes ikke" rep.txt
'

test_expect_success 'the definition back: the next run writes the final letter, with its title' '
	mv temaforloeb.away forms/temaforloeb &&
	c=$(accept_case t1.docx) &&
	accept_run 2026-03-04T09:00:00 &&
	test -f ws/letters/$c-bevilget.pdf &&
	pdftotext ws/letters/$c-bevilget.pdf - | tr -s " \n" "  " >letter.txt &&
	title=$(xmllint --xpath "string(//*[local-name()=\"title\"])" forms/temaforloeb/offer.xml) &&
	test_grep "$title" letter.txt &&
	! grep -q temaforloeb letter.txt
'

test_done
