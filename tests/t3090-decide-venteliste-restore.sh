#!/bin/bash
test_description='skema-decide: a place proposed over a confirmed venteliste and taken back leaves the confirmed venteliste standing'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# The rådgivningsforløb holds 8 places at a time.  A reviewer confirms
# the waiting list (final venteliste, and the applicant gets the letter).
# A forløb ends (skema complete): the freed place is proposed to the first
# on the list, on top of its final venteliste.  A reviewer then grants
# another case, which takes that place.  The first goes back to the
# waiting list the reviewer confirmed: nothing is new for it, so it is not
# a proposal again, gets no new letter and is not in the review queue.

# r FILE KOMMUNE: a rådgivningsforløb application from KOMMUNE.
r() {
	accept_fill raadgivningsforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\""
}

# decision_ids FILE: the ids of FILE's decisions, oldest first, the current one marked.
decision_ids() {
	accept_q "SELECT d.id || CASE d.current WHEN 1 THEN '*' ELSE '' END || '|' || d.outcome || '|' || d.state
		FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '$1' ORDER BY d.id"
}

# current_id FILE: the id of FILE's current decision.
current_id() {
	accept_q "SELECT d.id FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '$1' AND d.current = 1"
}

# letters FILE: "kind|draft" of every letter and sheet FILE has had, oldest first.
letters() {
	accept_q "SELECT l.kind || '|' || l.draft FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' ORDER BY l.id"
}

# queued FILE: 1 when FILE is in the review queue, else 0.
queued() {
	accept_q "SELECT count(*) FROM review_queue q JOIN submissions s ON s.id = q.submission_id
		WHERE s.original_name = '$1'"
}

# sheet FILE: the text of FILE's newest review sheet on one line.
sheet() {
	pdf=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind = 'review' ORDER BY l.id DESC LIMIT 1" |
		sed "s|^\([^/]\)|ws/\1|") &&
	pdftotext -raw "$pdf" - | tr -s " \n" "  "
}

me=$(id -un)

test_expect_success 'setup: eight places, two on the waiting list, confirmed with their letters' '
	skema init ws >/dev/null &&
	n=0 &&
	for k in Odense Vejle Kolding Herning Aalborg Esbjerg Randers Horsens Silkeborg Viborg
	do
		n=$((n + 1)) &&
		r r$n.docx $k &&
		accept_run 2026-03-02T$(printf %02d $n):00:00 || return 1
	done &&
	test "$(accept_decision r8.docx)" = "bevilget|proposed" &&
	test "$(accept_decision r9.docx)" = "venteliste|proposed" &&
	test "$(accept_decision r10.docx)" = "venteliste|proposed" &&
	SKEMA_NOW=2026-03-03T09:00:00 skema -C ws decide "$(accept_case r1.docx)" bevilget >/dev/null &&
	SKEMA_NOW=2026-03-03T09:05:00 skema -C ws decide "$(accept_case r9.docx)" venteliste >/dev/null &&
	SKEMA_NOW=2026-03-03T09:10:00 skema -C ws decide "$(accept_case r10.docx)" venteliste >/dev/null &&
	accept_run 2026-03-03T10:00:00 &&
	test "$(accept_decision r9.docx)" = "venteliste|final" &&
	test "$(accept_decision r10.docx)" = "venteliste|final" &&
	letters r9.docx >actual &&
	printf "%s\n" "venteliste|1" "review|0" "venteliste|0" "review|0" >expect &&
	test_cmp expect actual &&
	current_id r9.docx >r9.final &&
	accept_q "SELECT explanation FROM decisions WHERE id = $(cat r9.final)" >r9.explanation &&
	test_grep "venteliste som nr. 1\." r9.explanation
'

test_expect_success 'a forløb ends: the freed place is proposed to the first on the list, with a draft' '
	SKEMA_NOW=2026-06-01T09:00:00 skema -C ws complete "$(accept_case r1.docx)" >out &&
	test "$(accept_decision r9.docx)" = "bevilget|proposed" &&
	test "$(accept_decision r10.docx)" = "venteliste|final" &&
	accept_run 2026-06-01T10:00:00 &&
	c9=$(accept_case r9.docx) &&
	test -f "ws/letters/$c9-bevilget-udkast.pdf" &&
	test "$(queued r9.docx)" = 1 &&
	# it was told it waits; the place is news, and said so (applicant playtest)
	pdftotext -raw "ws/letters/$c9-bevilget-udkast.pdf" - | tr -s " \n" "  " >granted &&
	test_grep "Ansøgningen har stået på venteliste, og der er nu blevet en plads ledig. Vi har besluttet at imødekomme jeres ansøgning." granted
'

test_expect_success 'a reviewer grants another case: the first is back on its confirmed venteliste' '
	c9=$(accept_case r9.docx) && c10=$(accept_case r10.docx) &&
	SKEMA_NOW=2026-06-02T09:00:00 skema -C ws decide "$c10" bevilget \
		--reason "Kommunen har et akut behov." >out 2>err &&
	test_grep "$c9 (.*) mistede sin foreslåede plads og er nu endelig venteliste\." out &&
	test "$(accept_decision r10.docx)" = "bevilget|final" &&
	test "$(accept_decision r9.docx)" = "venteliste|final" &&
	test "$(current_id r9.docx)" = "$(cat r9.final)" &&
	decision_ids r9.docx >actual &&
	p=$(accept_q "SELECT max(d.id) FROM decisions d JOIN submissions s ON s.id = d.submission_id WHERE s.original_name = '"'"'r9.docx'"'"'") &&
	f=$(cat r9.final) &&
	cat >expect <<-EOF &&
	$(accept_q "SELECT min(d.id) FROM decisions d JOIN submissions s ON s.id = d.submission_id WHERE s.original_name = '"'"'r9.docx'"'"'")|venteliste|proposed
	$f*|venteliste|final
	$p|bevilget|proposed
	EOF
	test_cmp expect actual
'

test_expect_success 'it is neither in the review queue nor counted as awaiting review' '
	test "$(queued r9.docx)" = 0 &&
	accept_q "SELECT waiting, awaiting_review FROM offer_summary WHERE offer_id = '"'"'raadgivningsforloeb'"'"'" >actual &&
	echo "1|7" >expect &&
	test_cmp expect actual &&
	skema -C ws review >queue &&
	! grep -q "$(accept_case r9.docx)" queue
'

test_expect_success 'the reviewer still sees it: decided_by and the explanation confirmed' '
	accept_q "SELECT decided_by || '"'"'|'"'"' || coalesce(changed_from, '"'"''"'"') || '"'"'|'"'"' || explanation
		FROM current_decisions WHERE case_number = '"'"'$(accept_case r9.docx)'"'"'" >actual &&
	echo "$me||$(cat r9.explanation)" >expect &&
	test_cmp expect actual
'

test_expect_success 'the event log says the proposed place was taken back' '
	accept_q "SELECT event || '"'"'|'"'"' || detail FROM case_history
		WHERE case_number = '"'"'$(accept_case r9.docx)'"'"' ORDER BY at" >history &&
	tail -n 1 history >actual &&
	echo "restored|raadgivningsforloeb: foreslået bevilget bortfalder, endelig venteliste står igen" >expect &&
	test_cmp expect actual &&
	skema -C ws review "$(accept_case r9.docx)" >review &&
	test_grep "  genoprettet  *raadgivningsforloeb: foreslået bevilget bortfalder" review
'

test_expect_success 'the next run: no new letter, a fresh sheet, and the draft of the place is removed' '
	accept_run 2026-06-02T10:00:00 &&
	c9=$(accept_case r9.docx) &&
	letters r9.docx >actual &&
	printf "%s\n" "venteliste|1" "review|0" "venteliste|0" "review|0" "bevilget|1" "review|0" "review|0" >expect &&
	test_cmp expect actual &&
	! test -e "ws/letters/$c9-bevilget-udkast.pdf" &&
	! test -e "ws/letters/$c9-venteliste-udkast.pdf" &&
	test -f "ws/letters/$c9-venteliste.pdf" &&
	sheet r9.docx >text &&
	accept_has "Afgørelse Venteliste (endelig, $me, 3. marts 2026 kl. 09.05)" text &&
	! grep -q "UDKAST" text &&
	accept_run 2026-06-03T10:00:00 &&
	letters r9.docx >again &&
	test_cmp expect again
'

test_expect_success 'nothing more to decide' '
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

# The waiting list moved on meanwhile: the case's confirmed venteliste said
# "nr. 2", and it would now be nr. 1.  The number is not a decision: a
# confirmed venteliste is never rewritten for a new number (there is no
# letter for it), so the confirmed decision stands here too.
test_expect_success 'setup: a second confirmed venteliste (nr. 2) and two places freed' '
	r r11.docx Skive && accept_run 2026-06-10T09:00:00 &&
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$(accept_case r11.docx)'"'"'" >r11.explanation &&
	test_grep "venteliste som nr. 2\." r11.explanation &&
	SKEMA_NOW=2026-06-11T09:00:00 skema -C ws decide "$(accept_case r11.docx)" venteliste >/dev/null &&
	accept_run 2026-06-11T10:00:00 &&
	current_id r11.docx >r11.final &&
	for f in r2 r3
	do
		SKEMA_NOW=2026-07-01T08:00:00 skema -C ws -q decide --no-decide "$(accept_case $f.docx)" bevilget || return 1
	done &&
	SKEMA_NOW=2026-07-01T09:00:00 skema -C ws complete "$(accept_case r2.docx)" "$(accept_case r3.docx)" >out &&
	test "$(accept_decision r9.docx)" = "bevilget|proposed" &&
	test "$(accept_decision r11.docx)" = "bevilget|proposed" &&
	r r12.docx Thisted && accept_run 2026-07-01T10:00:00 &&
	test "$(accept_decision r12.docx)" = "venteliste|proposed"
'

test_expect_success 'a grant takes the later place back: the confirmed venteliste stands, its number as confirmed' '
	SKEMA_NOW=2026-07-02T09:00:00 skema -C ws decide "$(accept_case r12.docx)" bevilget \
		--reason "Kommunen har et akut behov." >out 2>err &&
	test "$(accept_decision r9.docx)" = "bevilget|proposed" &&
	test "$(accept_decision r11.docx)" = "venteliste|final" &&
	test "$(current_id r11.docx)" = "$(cat r11.final)" &&
	test "$(queued r11.docx)" = 0 &&
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$(accept_case r11.docx)'"'"'" >actual &&
	test_cmp r11.explanation actual &&
	accept_run 2026-07-02T10:00:00 &&
	accept_q "SELECT count(*) FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '"'"'r11.docx'"'"' AND l.kind <> '"'"'review'"'"'" >actual &&
	echo 3 >expect &&
	test_cmp expect actual &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

test_expect_success 'a completion undone takes a place back the same way' '
	test "$(accept_decision r9.docx)" = "bevilget|proposed" &&
	SKEMA_NOW=2026-07-03T09:00:00 skema -C ws complete --undo "$(accept_case r3.docx)" >out 2>err &&
	test_line_count = 0 err &&
	test_grep "$(accept_case r9.docx) (.*) mistede sin foreslåede plads og er nu endelig venteliste\." out &&
	test "$(accept_decision r9.docx)" = "venteliste|final" &&
	test "$(current_id r9.docx)" = "$(cat r9.final)" &&
	test "$(queued r9.docx)" = 0 &&
	accept_q "SELECT count(*) FROM case_history WHERE case_number = '"'"'$(accept_case r9.docx)'"'"' AND event = '"'"'restored'"'"'" >actual &&
	echo 2 >expect &&
	test_cmp expect actual &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

test_done
