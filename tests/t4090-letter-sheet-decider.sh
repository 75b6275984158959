#!/bin/bash
test_description='review sheet: who decided (skema or a reviewer) and what a reviewer changed, as skema review shows it'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# The sheet printed decisions.actor, the OS user of the program that wrote
# the decision: for skema-decide's proposals and auto-confirmed decisions
# whoever ran the pipeline ("root"), as if a person had decided.  Since
# schema step 7 current_decisions says who decided (decided_by) and what a
# reviewer's decision replaced (changed_from); skema review CASE shows
# both, and the sheet the reviewer keeps must say the same.

# t FILE KOMMUNE [JQ]: a temaforløb application from KOMMUNE.
t() {
	accept_fill temaforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\"${3:+ | $3}"
}

# sheet FILE: the text of FILE's newest review sheet on one line.
sheet() {
	pdf=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind = 'review' ORDER BY l.id DESC LIMIT 1" |
		sed "s|^\([^/]\)|ws/\1|") &&
	pdftotext -raw "$pdf" - | tr -s " \n" "  "
}

me=$(id -un)

test_expect_success 'setup: two applications proposed, one without its topic auto-confirmed' '
	skema init ws >/dev/null &&
	t a.docx Odense && t b.docx Vejle && t c.docx Aalborg "del(.tema)" &&
	accept_run 2021-09-01T10:00:00 &&
	test "$(accept_decision a.docx)" = "bevilget|proposed" &&
	test "$(accept_decision b.docx)" = "bevilget|proposed" &&
	test "$(accept_decision c.docx)" = "mangler|final"
'

test_expect_success 'a proposal and an auto-confirmed decision are skema'"'"'s, not the OS user'"'"'s' '
	sheet a.docx >a1 &&
	accept_has "Foreslået afgørelse Bevilget (foreslået, skema (automatisk), 1. september 2021 kl. 10.00)" a1 &&
	sheet c.docx >c1 &&
	accept_has "Afgørelse Manglende oplysninger (endelig, skema (automatisk), 1. september 2021 kl. 10.00)" c1 &&
	! grep -q "ændret fra" a1 c1
'

test_expect_success 'a reviewer who confirms is named; one who changes the outcome, with what it was' '
	SKEMA_NOW=2021-09-02T09:00:00 skema -C ws decide "$(accept_case a.docx)" bevilget >/dev/null &&
	SKEMA_NOW=2021-09-02T09:30:00 skema -C ws decide "$(accept_case b.docx)" afslag \
		--reason "Forløbet ligger uden for tilbuddets målgruppe." >/dev/null &&
	accept_run 2021-09-02T10:00:00 &&
	sheet a.docx >a2 &&
	accept_has "Afgørelse Bevilget (endelig, $me, 2. september 2021 kl. 09.00)" a2 &&
	! grep -q "ændret fra" a2 &&
	sheet b.docx >b2 &&
	accept_has "Afgørelse Afslag (endelig, $me, 2. september 2021 kl. 09.30, ændret fra bevilget)" b2 &&
	skema -C ws review "$(accept_case b.docx)" >history &&
	test_grep "$me  afslag (endelig, ændret fra bevilget)  <- gældende" history
'


# Nothing is sent for a withdrawn case: the sheet asks no partshøring.
test_expect_success 'a refusal withdrawn: the sheet keeps who decided, without the partshøring reminder' '
	grep -q "Før et afslag sendes" b2 &&
	SKEMA_NOW=2021-09-03T09:00:00 skema -C ws withdraw "$(accept_case b.docx)" >/dev/null &&
	accept_run 2021-09-03T09:00:00 &&
	sheet b.docx >b3 &&
	accept_has "Ansøgningen er trukket tilbage den 3. september 2021 kl. 09.00." b3 &&
	accept_has "Afslag (endelig, $me, 2. september 2021 kl. 09.30, ændret fra bevilget)" b3 &&
	! grep -q "Før et afslag sendes" b3
'

test_done
