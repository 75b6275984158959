#!/bin/bash
test_description='skema review CASE: a proposal written again only for its place in the ranking is shown once'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# A case above it withdrawn moves a proposal up the ranking, and
# skema-decide writes it again with the same words: the reviewer playtest
# read one explanation three times over.

r() {
	accept_fill raadgivningsforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\""
}

test_expect_success 'setup: three rådgivningsforløb, the first withdrawn' '
	skema init ws >/dev/null &&
	r r1.docx Odense && accept_run 2026-03-02T09:00:00 &&
	r r2.docx Vejle && accept_run 2026-03-02T10:00:00 &&
	r r3.docx Kolding && accept_run 2026-03-02T11:00:00 &&
	SKEMA_NOW=2026-03-03T09:00:00 skema -C ws -q withdraw "$(accept_case r1.docx)" &&
	accept_q "SELECT count(*) FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '"'"'r3.docx'"'"'" >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_expect_success 'the proposal written again is one line, its explanation shown once' '
	c3=$(accept_case r3.docx) &&
	skema -C ws review "$c3" >history &&
	test_grep "^  2026-03-02T11:00:00+01:00  skema (automatisk)  bevilget (forslag)$" history &&
	test_grep "^  2026-03-03T09:00:00+01:00  skema (automatisk)  bevilget (forslag), skrevet igen med samme begrundelse  <- gældende$" history &&
	grep -c "Ansøgningen opfylder tildelingskriterierne" history >shown &&
	echo 1 >expect &&
	test_cmp expect shown
'

test_expect_success 'a changed outcome is shown with its words' '
	c3=$(accept_case r3.docx) &&
	SKEMA_NOW=2026-03-03T10:00:00 skema -C ws -q decide "$c3" afslag --reason "Kommunen har allerede et forløb." &&
	skema -C ws review "$c3" >history &&
	test_grep "afslag (endelig, ændret fra bevilget)  <- gældende$" history &&
	test_grep "Kommunen har allerede et forløb." history
'

test_done
