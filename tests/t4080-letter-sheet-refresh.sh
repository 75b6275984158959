#!/bin/bash
test_description='skema-letter --pending --review-sheets: an ended forløb and a withdrawn case get a fresh review sheet, not a second letter'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# skema complete records that a rådgivningsforløb has ended; the decision,
# and so the letter, stands.  The review sheet was written only with a
# letter, so the reviewer's sheet went on showing a running forløb.

# r FILE KOMMUNE: a rådgivningsforløb application from KOMMUNE.
r() {
	accept_fill raadgivningsforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\""
}

# sheet FILE: the text of FILE's review sheet on one line.
sheet() {
	pdf=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind = 'review' ORDER BY l.id DESC LIMIT 1" |
		sed "s|^\([^/]\)|ws/\1|") &&
	pdftotext -raw "$pdf" - | tr -s " \n" "  "
}

# written FILE KIND: how many files of KIND (review, or a letter: not review) FILE has had.
written() {
	op="="
	test "$2" = review || op="<>"
	accept_q "SELECT count(*) FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind $op 'review'"
}

test_expect_success 'setup: two forløb granted, the first confirmed and its final letter written' '
	skema init ws >/dev/null &&
	r r1.docx Odense && r r2.docx Vejle &&
	accept_run 2026-03-02T10:00:00 &&
	SKEMA_NOW=2026-03-03T09:00:00 skema -C ws decide "$(accept_case r1.docx)" bevilget >/dev/null &&
	accept_run 2026-03-03T09:00:00 &&
	test "$(accept_decision r1.docx)" = "bevilget|final" &&
	test "$(written r1.docx letter)" = 2 &&
	test "$(written r1.docx review)" = 2 &&
	sheet r1.docx >before &&
	! grep -q "afsluttet" before
'

# The same second as the run before: the order of the events decides, not the clock.
test_expect_success 'complete, then a run: a fresh sheet says the forløb has ended' '
	SKEMA_NOW=2026-03-03T09:00:00 skema -C ws complete "$(accept_case r1.docx)" --date 2026-03-03 \
		--note "Afsluttende møde med Kontakt i Odense" >out 2>err &&
	accept_run 2026-03-03T09:00:00 &&
	test "$(written r1.docx review)" = 3 &&
	sheet r1.docx >after &&
	accept_has "Status modtaget, forløbet afsluttet 3. marts 2026" after &&
	accept_has "Forløbet er afsluttet den 3. marts 2026." after &&
	accept_has "Note ved afslutningen: Afsluttende møde med Kontakt i Odense" after
'

test_expect_success 'the letter stands: no second final letter, the other case untouched' '
	test "$(written r1.docx letter)" = 2 &&
	ls ws/letters >files &&
	! grep -q -- "-bevilget-2.pdf" files &&
	test "$(written r2.docx review)" = 1
'

test_expect_success 'a run with nothing new writes the sheet no more' '
	accept_run 2026-03-04T09:00:00 &&
	test "$(written r1.docx review)" = 3
'

test_expect_success 'complete --undo, then a run: the sheet shows a running forløb again' '
	SKEMA_NOW=2026-03-05T09:00:00 skema -C ws complete --undo "$(accept_case r1.docx)" >out 2>err &&
	accept_run 2026-03-05T09:00:00 &&
	test "$(written r1.docx review)" = 4 &&
	sheet r1.docx >undone &&
	! grep -q "afsluttet" undone &&
	test "$(written r1.docx letter)" = 2
'


# skema withdraw: no letter is ever written for a withdrawn case, so the
# sheet went on showing the live proposal.  The sheet is what the reviewer
# keeps: it is written once more, saying when the case was withdrawn.
test_expect_success 'withdraw, then a run: a fresh sheet says the case was withdrawn and when' '
	test "$(accept_decision r2.docx)" = "bevilget|proposed" &&
	sheet r2.docx >live &&
	! grep -q "trukket tilbage" live &&
	SKEMA_NOW=2026-03-06T14:30:00 skema -C ws withdraw "$(accept_case r2.docx)" >out 2>err &&
	accept_run 2026-03-06T14:30:00 &&
	test "$(written r2.docx review)" = 2 &&
	test "$(written r2.docx letter)" = 1 &&
	sheet r2.docx >withdrawn &&
	accept_has "Status trukket tilbage den 6. marts 2026 kl. 14.30" withdrawn &&
	accept_has "Foreslået afgørelse Ansøgningen er trukket tilbage den 6. marts 2026 kl. 14.30. Forslaget nedenfor bortfalder, og der sendes ikke noget brev." withdrawn &&
	accept_run 2026-03-07T09:00:00 &&
	test "$(written r2.docx review)" = 2
'

# No letter follows a withdrawal, so the draft (UDKAST) of the proposal is
# removed with the fresh sheet, and export names no letter for the case.
test_expect_success 'a withdrawn proposal: its draft letter is removed, export names none' '
	c2=$(accept_case r2.docx) &&
	! test -e "ws/letters/$c2-bevilget-udkast.pdf" &&
	test -f "ws/letters/$c2-gennemgang.pdf" &&
	skema -C ws export --rfc >export.csv &&
	tr -d "\r" <export.csv | awk -F, -v c="$c2" "\$11 == c { print \$8 \"|\" \$6 }" >row &&
	echo "|withdrawn" >row.expect &&
	test_cmp row.expect row
'

test_expect_success 'a granted case withdrawn: its sheet says the decision came before' '
	SKEMA_NOW=2026-03-08T09:00:00 skema -C ws withdraw "$(accept_case r1.docx)" >out 2>err &&
	accept_run 2026-03-08T09:00:00 &&
	test "$(written r1.docx review)" = 5 &&
	test "$(written r1.docx letter)" = 2 &&
	sheet r1.docx >withdrawn1 &&
	accept_has "Afgørelse Ansøgningen er trukket tilbage den 8. marts 2026 kl. 09.00. Afgørelsen nedenfor blev truffet, før ansøgningen blev trukket tilbage. Der sendes ikke flere breve i sagen. Bevilget (endelig" withdrawn1
'

# A corrected form replaces the first (superseded): no letter is written
# for the first any more, so its sheet says by which case, once.
test_expect_success 'a corrected form replaces a case: its sheet names the new case, and no letter' '
	accept_fill raadgivningsforloeb m1.docx ".kommune=\"Viborg\" | .kontakt_navn=\"Kontakt i Viborg\" | del(.kontakt_email)" &&
	accept_run 2026-03-09T09:00:00 &&
	accept_decision m1.docx | grep -q "^mangler|" &&
	test "$(written m1.docx review)" = 1 &&
	test "$(written m1.docx letter)" = 1 &&
	r m2.odt Viborg &&
	accept_run 2026-03-10T09:30:00 &&
	test "$(accept_q "SELECT status FROM submissions WHERE original_name = '"'"'m1.docx'"'"'")" = superseded &&
	test "$(written m1.docx review)" = 2 &&
	test "$(written m1.docx letter)" = 1 &&
	sheet m1.docx >replaced &&
	c2=$(accept_case m2.odt) &&
	accept_has "Status erstattet af nyere (sag $c2)" replaced &&
	accept_has "Ansøgningen er erstattet af en rettet udgave, sag $c2, modtaget den 10. marts 2026 kl. 09.30." replaced &&
	accept_run 2026-03-11T09:00:00 &&
	test "$(written m1.docx review)" = 2
'

test_done
