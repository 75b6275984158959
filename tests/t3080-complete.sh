#!/bin/bash
test_description='skema complete: an ended rådgivningsforløb frees its place for the waiting list'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# The rådgivningsforløb holds 8 places at a time (capacity period
# concurrent).  Nine eligible municipalities apply an hour apart: eight get
# a place, the ninth waits.  Ending a forløb (skema complete) gives its
# place to the ninth.  Also a refused application of the same offer and a
# temaforløb (places per quarter), which cannot be completed.

# r FILE KOMMUNE [JQ]: a rådgivningsforløb application from KOMMUNE.
r() {
	accept_fill raadgivningsforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\"${3:+ | $3}"
}

kommuner="Odense Vejle Kolding Herning Aalborg Esbjerg Randers Horsens Silkeborg"

# outcomes: "file|outcome|state" of r1..r9 and any further, in order.
outcomes() {
	accept_q "SELECT s.original_name || '|' || d.outcome || '|' || d.state FROM submissions s
		JOIN decisions d ON d.submission_id = s.id AND d.current = 1
		WHERE s.offer_id = 'raadgivningsforloeb' AND s.validation = 'eligible'
		ORDER BY s.received_at"
}

# decisions FILE: how many decisions FILE has had.
decisions() {
	accept_q "SELECT count(*) FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '$1'"
}

test_expect_success 'setup: nine eligible rådgivningsforløb, a refused one and a temaforløb' '
	skema init ws >/dev/null &&
	n=0 &&
	for k in $kommuner
	do
		n=$((n + 1)) &&
		r r$n.docx $k &&
		accept_run 2026-03-02T0$n:00:00 || return 1
	done &&
	r chef.odt Viborg ".besluttet_chefniveau=false" &&
	accept_fill temaforloeb tema.docx ".kommune=\"Skive\"" &&
	accept_run 2026-03-02T10:00:00 &&
	accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'stored'"'"'" >actual &&
	echo 11 >expect &&
	test_cmp expect actual
'

test_expect_success 'eight places at a time: eight bevilget, the ninth on the waiting list' '
	outcomes >actual &&
	cat >expect <<-\EOF &&
	r1.docx|bevilget|proposed
	r2.docx|bevilget|proposed
	r3.docx|bevilget|proposed
	r4.docx|bevilget|proposed
	r5.docx|bevilget|proposed
	r6.docx|bevilget|proposed
	r7.docx|bevilget|proposed
	r8.docx|bevilget|proposed
	r9.docx|venteliste|proposed
	EOF
	test_cmp expect actual &&
	test "$(accept_decision chef.odt)" = "afslag|proposed" &&
	accept_q "SELECT explanation FROM current_decisions WHERE outcome = '"'"'venteliste'"'"'" >expl &&
	test_grep "Alle 8 forløb, der kan være i gang ad gangen, er besat" expl
'

test_expect_success 'a reviewer confirms the first place' '
	SKEMA_NOW=2026-03-03T09:00:00 skema -C ws decide "$(accept_case r1.docx)" bevilget >/dev/null &&
	test "$(accept_decision r1.docx)" = "bevilget|final"
'

test_expect_success 'complete: the forløb ends, the waiting one gets the place' '
	c1=$(accept_case r1.docx) &&
	SKEMA_NOW=2027-03-01T12:00:00 skema -C ws complete "$c1" --date 2027-02-26 \
		--note "Afsluttende møde med Kontakt i Odense" >out 2>err &&
	cat >expect <<-EOF &&
	$c1: forløbet er afsluttet 26. februar 2027, og pladsen er ledig
	$(accept_case r9.docx) (Silkeborg Kommune) får en ledig plads: nu foreslået bevilget (før foreslået venteliste).
	EOF
	test_cmp expect out &&
	test_line_count = 0 err &&
	accept_q "SELECT completed_on || '"'"'|'"'"' || completion_note FROM submissions WHERE case_number = '"'"'$c1'"'"'" >actual &&
	echo "2027-02-26|Afsluttende møde med Kontakt i Odense" >expect &&
	test_cmp expect actual &&
	test "$(accept_decision r1.docx)" = "bevilget|final" &&
	test "$(accept_decision r9.docx)" = "bevilget|proposed"
'

test_expect_success 'a forløb that has ended gets no other decision: undo the completion first' '
	c1=$(accept_case r1.docx) &&
	test_expect_code 65 env SKEMA_NOW=2027-03-01T13:00:00 skema -C ws decide "$c1" afslag --reason "Fejl" 2>err &&
	test_grep "decide: $c1: forløbet blev afsluttet 26. februar 2027, så afgørelsen kan ikke ændres bagefter. Blev det registreret som afsluttet ved en fejl, så fortryd det først: skema complete --undo $c1" err &&
	test_expect_code 65 env SKEMA_NOW=2027-03-01T13:00:00 skema -C ws decide "$c1" bevilget 2>err &&
	test "$(accept_decision r1.docx)" = "bevilget|final" &&
	test "$(decisions r1.docx)" = 2 &&
	skema -C ws review "$c1" >history &&
	test "$(head -n 1 history)" = "$c1  Odense Kommune  raadgivningsforloeb  (afsluttet 26. februar 2027)"
'

test_expect_success 'the event log has the completion, by the OS user, without the note' '
	c1=$(accept_case r1.docx) &&
	accept_q "SELECT event || '"'"'|'"'"' || actor || '"'"'|'"'"' || detail || '"'"'|'"'"' || at FROM case_history
		WHERE case_number = '"'"'$c1'"'"' AND event = '"'"'completed'"'"'" >actual &&
	echo "completed|$(id -un)|raadgivningsforloeb: afsluttet 2027-02-26|2027-03-01T12:00:00+01:00" >expect &&
	test_cmp expect actual &&
	accept_q "SELECT count(*) FROM events WHERE detail LIKE '"'"'%Afsluttende møde%'"'"'" >actual &&
	echo 0 >expect &&
	test_cmp expect actual &&
	c9=$(accept_case r9.docx) &&
	accept_q "SELECT event || '"'"'|'"'"' || detail FROM case_history WHERE case_number = '"'"'$c9'"'"' AND event = '"'"'proposed'"'"'" >actual &&
	printf "proposed|raadgivningsforloeb: venteliste\nproposed|raadgivningsforloeb: bevilget\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the new place is explained; no other proposal is rewritten' '
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$(accept_case r9.docx)'"'"'" >expl &&
	# The rådgivningsforløb ranks by its priority criterion: no number in
	# the text (the stored rank is checked below).
	test_grep "Afsluttede forløb optager ikke længere en plads" expl &&
	for n in 2 3 4 5 6 7 8
	do
		test "$(decisions r$n.docx)" = 1 || return 1
	done &&
	test "$(decisions r1.docx)" = 2 &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

test_expect_success 'the new place is stored with its number; no two cases share a rank' '
	accept_q "SELECT rank FROM current_decisions WHERE case_number = '"'"'$(accept_case r9.docx)'"'"'" >actual &&
	echo 9 >expect &&
	test_cmp expect actual &&
	accept_q "SELECT s.original_name || '"'"'|'"'"' || d.rank FROM current_decisions d JOIN submissions s USING (case_number)
		WHERE s.offer_id = '"'"'raadgivningsforloeb'"'"' AND s.validation = '"'"'eligible'"'"' ORDER BY d.rank" >actual &&
	printf "r%d.docx|%d\n" 1 1 2 2 3 3 4 4 5 5 6 6 7 7 8 8 9 9 >expect &&
	test_cmp expect actual
'

test_expect_success 'offer_summary counts the ended forløb among the selected' '
	accept_q "SELECT selected, waiting, completed FROM offer_summary WHERE offer_id = '"'"'raadgivningsforloeb'"'"'" >actual &&
	echo "9|0|1" >expect &&
	test_cmp expect actual
'

test_expect_success 'the next run writes the letter of the new place (a draft)' '
	accept_run 2027-03-01T12:05:00 &&
	accept_q "SELECT l.kind || '"'"'|'"'"' || l.draft FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '"'"'r9.docx'"'"' AND l.kind <> '"'"'review'"'"' ORDER BY l.id DESC LIMIT 1" >actual &&
	echo "bevilget|1" >expect &&
	test_cmp expect actual &&
	accept_text r9.docx >text &&
	accept_has "Silkeborg" text &&
	test_grep "UDKAST" text
'

test_expect_success 'completing twice says when it was completed' '
	c1=$(accept_case r1.docx) &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c1" 2>err &&
	test_grep "$c1: er allerede afsluttet den 2027-02-26" err &&
	accept_q "SELECT count(*) FROM events WHERE event = '"'"'completed'"'"'" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'an offer with places per quarter cannot be completed' '
	c=$(accept_case tema.docx) &&
	test -n "$c" &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c" 2>err &&
	test_grep "$c: temaforloeb holder ikke pladser, mens et forløb er i gang (kapacitetsperiode: kvartal)" err &&
	accept_q "SELECT completed_on IS NULL FROM submissions WHERE case_number = '"'"'$c'"'"'" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'a refused case cannot be completed' '
	c=$(accept_case chef.odt) &&
	SKEMA_NOW=2027-03-02T09:00:00 skema -C ws decide "$c" afslag >/dev/null &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c" 2>err &&
	test_grep "$c: afgørelsen er afslag (endelig), ikke bevilget" err
'

test_expect_success 'an unknown case is named' '
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete 2026-999999 2>err &&
	test_grep "complete: 2026-999999: sagen findes ikke" err &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete 99999 2>err &&
	test_grep "complete: 99999: sagen findes ikke" err
'

# The reviewer playtest: a proposed place completed stayed in the review
# queue, and confirming or overriding it then spoke of a forløb that had
# ended.  Only a final grant is completed.
test_expect_success 'a proposed place cannot be completed: the reviewer confirms it first' '
	c2=$(accept_case r2.docx) &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c2" 2>err &&
	test_grep "complete: $c2: bevillingen er kun foreslået og endnu ikke bekræftet; kun en endelig bevilling kan afsluttes. Bekræft den først: skema decide $c2 bevilget" err &&
	accept_q "SELECT count(*) FROM submissions WHERE completed_on IS NOT NULL" >actual &&
	echo 1 >expect &&
	test_cmp expect actual &&
	for f in r2 r3 r4 r5 r6
	do
		# a confirmed case is closed, and the purge below forgets its file name
		accept_case $f.docx >$f.case &&
		SKEMA_NOW=2027-03-02T11:00:00 skema -C ws -q decide --no-decide "$(cat $f.case)" bevilget || return 1
	done
'

test_expect_success 'all or nothing: one bad case and nothing is recorded' '
	c2=$(accept_case r2.docx) &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c2" 2026-999999 2>err &&
	test_grep "2026-999999: sagen findes ikke" err &&
	test_grep "intet er registreret" err &&
	accept_q "SELECT completed_on IS NULL FROM submissions WHERE case_number = '"'"'$c2'"'"'" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'dates: not a date, after today, before receipt' '
	c2=$(accept_case r2.docx) &&
	test_expect_code 64 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c2" --date 2027-02-30 2>err &&
	test_grep "er ikke en dato" err &&
	test_expect_code 64 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c2" --date 1.3.2027 2>err &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c2" --date 2027-03-03 2>err &&
	test_grep "er efter i dag (2027-03-02)" err &&
	test_expect_code 65 env SKEMA_NOW=2027-03-02T12:00:00 skema -C ws complete "$c2" --date 2026-03-01 2>err &&
	test_grep "er før ansøgningen blev modtaget (2026-03-02)" err &&
	accept_q "SELECT count(*) FROM submissions WHERE completed_on IS NOT NULL" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'usage' '
	skema complete --help >out &&
	test_grep "^usage: skema complete CASE" out &&
	test_expect_code 64 skema -C ws complete 2>err &&
	test_grep "^usage:" err &&
	test_expect_code 64 skema -C ws complete --bogus 1 2>err &&
	test_expect_code 78 skema -C nowhere complete 1 2>err
'

test_expect_success 'bash completion: the subcommand, its options, today for --date' '
	cat >complete.sh <<-\EOF &&
	. "$SRC/completion/skema.bash"
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	_skema skema "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf "%s\n" "${COMPREPLY[@]}"
	EOF
	bash --norc --noprofile complete.sh skema comp >got &&
	echo complete >want &&
	test_cmp want got &&
	bash --norc --noprofile complete.sh skema complete --n >got &&
	printf "%s\n" --no-decide --note >want &&
	test_cmp want got &&
	bash --norc --noprofile complete.sh skema complete --date "" >got &&
	date +%Y-%m-%d >want &&
	test_cmp want got
'

test_expect_success 'a place confirmed after its proposal ends; --no-decide leaves the freeing to the next run' '
	c2=$(accept_case r2.docx) && c3=$(accept_case r3.docx) &&
	SKEMA_NOW=2027-04-01T12:00:00 skema -C ws complete --no-decide "$c2" 3 "$c3" >out &&
	test_line_count = 2 out &&
	accept_q "SELECT case_number || '"'"'|'"'"' || completed_on FROM submissions WHERE completed_on IS NOT NULL ORDER BY id" >actual &&
	cat >expect <<-EOF &&
	$(accept_case r1.docx)|2027-02-26
	$c2|2027-04-01
	$c3|2027-04-01
	EOF
	test_cmp expect actual &&
	test "$(decisions r2.docx)" = 2 &&
	test "$(decisions r3.docx)" = 2 &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

test_expect_success 'the places freed go to the next applications, in order' '
	r r10.docx Næstved && accept_run 2027-04-02T09:00:00 &&
	r r11.docx Slagelse && accept_run 2027-04-02T10:00:00 &&
	r r12.docx Lejre && accept_run 2027-04-02T11:00:00 &&
	outcomes | tail -n 3 >actual &&
	cat >expect <<-\EOF &&
	r10.docx|bevilget|proposed
	r11.docx|bevilget|proposed
	r12.docx|venteliste|proposed
	EOF
	test_cmp expect actual &&
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$(accept_case r11.docx)'"'"'" >expl &&
	test_grep "Afsluttede forløb optager ikke længere en plads" expl &&
	test "$(accept_q "SELECT rank FROM current_decisions WHERE case_number = '"'"'$(accept_case r11.docx)'"'"'")" = 11 &&
	for n in 2 3 4 5 6
	do
		test "$(decisions r$n.docx)" = 2 || return 1
	done &&
	test "$(decisions r7.docx)" = 1 &&
	test "$(decisions r8.docx)" = 1 &&
	test "$(decisions r9.docx)" = 2 &&
	accept_q "SELECT selected, waiting, completed FROM offer_summary WHERE offer_id = '"'"'raadgivningsforloeb'"'"'" >actual &&
	echo "11|1|3" >expect &&
	test_cmp expect actual
'

test_expect_success 'a withdrawn case is not a running forløb' '
	c=$(accept_case r12.docx) &&
	SKEMA_NOW=2027-04-03T09:00:00 skema -C ws withdraw --no-decide "$c" >/dev/null &&
	test_expect_code 65 env SKEMA_NOW=2027-04-03T12:00:00 skema -C ws complete "$c" 2>err &&
	test_grep "$c: sagen har status »trukket tilbage« og er ikke et forløb, der er i gang" err
'

test_expect_success 'the date defaults to today (SKEMA_NOW)' '
	c=$(accept_case r4.docx) &&
	SKEMA_NOW=2027-05-10T23:30:00 skema -C ws -q complete "$c" >out &&
	test_line_count = 0 out &&
	accept_q "SELECT completed_on FROM submissions WHERE case_number = '"'"'$c'"'"'" >actual &&
	echo 2027-05-10 >expect &&
	test_cmp expect actual
'

test_expect_success 'a busy database: exit 75 and nothing recorded' '
	c=$(accept_case r5.docx) &&
	mkfifo hold &&
	{ sqlite3 ws/skema.db "BEGIN IMMEDIATE; INSERT INTO case_numbers VALUES (1999, 1);" ".shell cat hold" "ROLLBACK;" & } &&
	sleep 1 &&
	SKEMA_BUSY_TIMEOUT=200 SKEMA_NOW=2027-05-11T10:00:00 test_expect_code 75 skema -C ws complete "$c" 2>err;
	code=$?; echo done >hold; wait;
	test $code = 0 &&
	accept_q "SELECT completed_on IS NULL FROM submissions WHERE case_number = '"'"'$c'"'"'" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'undo: a completion taken back holds its place again, and a proposal from it waits' '
	c4=$(accept_case r4.docx) &&
	r r13.docx Roskilde && accept_run 2027-05-12T09:00:00 &&
	test "$(accept_decision r13.docx)" = "bevilget|proposed" &&
	SKEMA_NOW=2027-05-12T12:00:00 skema -C ws complete --undo "$c4" >out 2>err &&
	cat >expect <<-EOF &&
	$c4: afslutningen 10. maj 2027 er annulleret, og forløbet optager igen en plads
	$(accept_case r13.docx) (Roskilde Kommune) mistede sin foreslåede plads og er nu foreslået venteliste.
	EOF
	test_cmp expect out &&
	test_line_count = 0 err &&
	accept_q "SELECT completed_on IS NULL, completion_note IS NULL FROM submissions WHERE case_number = '"'"'$c4'"'"'" >actual &&
	echo "1|1" >expect &&
	test_cmp expect actual &&
	test "$(accept_decision r4.docx)" = "bevilget|final" &&
	test "$(decisions r4.docx)" = 2 &&
	test "$(accept_decision r13.docx)" = "venteliste|proposed" &&
	accept_q "SELECT event || '"'"'|'"'"' || detail FROM case_history WHERE case_number = '"'"'$c4'"'"'
		AND event IN ('"'"'completed'"'"', '"'"'completion_undone'"'"')" >actual &&
	printf "completed|raadgivningsforloeb: afsluttet 2027-05-10\ncompletion_undone|raadgivningsforloeb: afsluttet 2027-05-10 annulleret\n" >expect &&
	test_cmp expect actual &&
	accept_q "SELECT selected, waiting, completed FROM offer_summary WHERE offer_id = '"'"'raadgivningsforloeb'"'"'" >actual &&
	echo "11|1|3" >expect &&
	test_cmp expect actual &&
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

test_expect_success 'undo: only a completed case, all or nothing, and no --date or --note' '
	c4=$(accept_case r4.docx) && c3=$(accept_case r3.docx) &&
	test_expect_code 65 env SKEMA_NOW=2027-05-12T13:00:00 skema -C ws complete --undo "$c4" 2>err &&
	test_grep "$c4: er ikke afsluttet, så der er intet at annullere" err &&
	test_expect_code 65 env SKEMA_NOW=2027-05-12T13:00:00 skema -C ws complete --undo "$c3" "$c4" 2>err &&
	test_grep "intet er registreret" err &&
	accept_q "SELECT completed_on FROM submissions WHERE case_number = '"'"'$c3'"'"'" >actual &&
	echo 2027-04-01 >expect &&
	test_cmp expect actual &&
	test_expect_code 65 env SKEMA_NOW=2027-05-12T13:00:00 skema -C ws complete --undo "$(accept_case r12.docx)" 2>err &&
	test_grep "sagen har status »trukket tilbage« og kan ikke genoptages" err &&
	test_expect_code 65 env SKEMA_NOW=2027-05-12T13:00:00 skema -C ws complete --undo 2027-999999 2>err &&
	test_grep "2027-999999: sagen findes ikke" err &&
	test_expect_code 64 skema -C ws complete --undo --date 2027-05-01 "$c3" 2>err &&
	test_grep "bruges uden --date og --note" err &&
	test_expect_code 64 skema -C ws complete --undo --note x "$c3" 2>err &&
	accept_q "SELECT count(*) FROM events WHERE event = '"'"'completion_undone'"'"'" >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'a purge removes the note and keeps the day' '
	c1=$(accept_case r1.docx) &&
	SKEMA_NOW=2030-01-01T10:00:00 skema -C ws purge --before 2026-12-31 >/dev/null &&
	accept_q "SELECT purged_at IS NOT NULL, completed_on, completion_note IS NULL FROM submissions WHERE case_number = '"'"'$c1'"'"'" >actual &&
	echo "1|2027-02-26|1" >expect &&
	test_cmp expect actual &&
	! sqlite3 ws/skema.db .dump | grep -q "Afsluttende møde"
'

test_expect_success 'undo: a purged case stays closed' '
	c1=$(accept_q "SELECT case_number FROM submissions WHERE purged_at IS NOT NULL AND completed_on = '"'"'2027-02-26'"'"'") &&
	test -n "$c1" &&
	test_expect_code 65 env SKEMA_NOW=2030-01-02T10:00:00 skema -C ws complete --undo "$c1" 2>err &&
	test_grep "$c1: slettet den 2030-01-01; en slettet sag forbliver lukket" err
'

# What the reviewer reads is the summary skema withdraw and skema decide
# print: who was proposed the freed place, or that nobody got it; with
# --undo, whose proposed place went back to the waiting list, if any.
test_expect_success 'two forløb end, one waits: the waiting one gets a place, the other place is free' '
	c5=$(cat r5.case) && c6=$(cat r6.case) && c13=$(accept_case r13.docx) &&
	test "$(accept_decision r13.docx)" = "venteliste|proposed" &&
	SKEMA_NOW=2030-02-01T10:00:00 skema -C ws complete "$c5" "$c6" --date 2030-01-31 >out 2>err &&
	cat >expect <<-EOF &&
	$c5: forløbet er afsluttet 31. januar 2030, og pladsen er ledig
	$c6: forløbet er afsluttet 31. januar 2030, og pladsen er ledig
	$c13 (Roskilde Kommune) får en ledig plads: nu foreslået bevilget (før foreslået venteliste).
	1 af de 2 ledige pladser har ingen anden sag fået.
	EOF
	test_cmp expect out &&
	test_line_count = 0 err &&
	test "$(accept_decision r13.docx)" = "bevilget|proposed" &&
	! grep -q "[{}]" out
'

test_expect_success 'a forløb ends and nobody waits: the reviewer is told nobody got the place' '
	accept_q "SELECT count(*) FROM current_decisions d JOIN submissions s USING (case_number)
		WHERE s.offer_id = '"'"'raadgivningsforloeb'"'"' AND s.status = '"'"'stored'"'"' AND d.outcome = '"'"'venteliste'"'"'" >actual &&
	echo 0 >expect &&
	test_cmp expect actual &&
	c7=$(accept_case r7.docx) &&
	SKEMA_NOW=2030-02-02T09:00:00 skema -C ws -q decide --no-decide "$c7" bevilget &&
	SKEMA_NOW=2030-02-02T10:00:00 skema -C ws complete "$c7" --date 2030-02-01 >out 2>err &&
	cat >expect <<-EOF &&
	$c7: forløbet er afsluttet 1. februar 2030, og pladsen er ledig
	Ingen anden sag har fået pladsen.
	EOF
	test_cmp expect out &&
	test_line_count = 0 err
'

test_expect_success 'undo with free places left: no proposed place goes back, and nothing more is said' '
	c7=$(accept_case r7.docx) &&
	SKEMA_NOW=2030-02-02T11:00:00 skema -C ws complete --undo "$c7" >out 2>err &&
	echo "$c7: afslutningen 1. februar 2030 er annulleret, og forløbet optager igen en plads" >expect &&
	test_cmp expect out &&
	test_line_count = 0 err &&
	test "$(accept_decision r13.docx)" = "bevilget|proposed"
'

test_expect_success 'quiet: no summary either' '
	c7=$(accept_case r7.docx) &&
	SKEMA_NOW=2030-02-03T10:00:00 skema -C ws -q complete "$c7" >out &&
	test_line_count = 0 out &&
	SKEMA_NOW=2030-02-03T11:00:00 skema -C ws -q complete --undo "$c7" >out &&
	test_line_count = 0 out
'

test_expect_success 'two forløb end and nobody waits: both places are said to be free' '
	c7=$(accept_case r7.docx) && c8=$(accept_case r8.docx) &&
	test "$(accept_decision r8.docx)" = "bevilget|proposed" &&
	SKEMA_NOW=2030-02-04T09:00:00 skema -C ws -q decide --no-decide "$c8" bevilget &&
	SKEMA_NOW=2030-02-04T10:00:00 skema -C ws complete "$c7" "$c8" --date 2030-02-04 >out 2>err &&
	cat >expect <<-EOF &&
	$c7: forløbet er afsluttet 4. februar 2030, og pladsen er ledig
	$c8: forløbet er afsluttet 4. februar 2030, og pladsen er ledig
	Ingen anden sag har fået de 2 ledige pladser.
	EOF
	test_cmp expect out &&
	test_line_count = 0 err
'

test_done
