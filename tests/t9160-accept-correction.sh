#!/bin/bash
test_description='acceptance: a mangler answered by a corrected form, a duplicate, and a purge that keeps what an open case needs'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# sheet FILE: the text of FILE's newest review sheet on one line.
sheet() {
	pdf=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind = 'review' ORDER BY l.id DESC LIMIT 1" |
		sed "s|^\([^/]\)|ws/\1|") &&
	pdftotext -raw "$pdf" - | tr -s " \n" "  "
}

# The mangler letter says "Den nye udgave af skemaet erstatter den, I sendte
# først".  Here that happens: Odense's form without a topic gets a final
# mangler; the corrected form supersedes it and is granted; the same
# corrected file sent twice is a duplicate.  A purge then removes the
# closed cases (the superseded and the duplicate) but keeps the document
# the open case still needs.

test_expect_success 'setup: a form without its topic' '
	skema init ws >/dev/null &&
	accept_fill temaforloeb foerste.docx ".kommune=\"Odense\" | del(.tema)" &&
	accept_run 2021-09-01T10:00:00 &&
	test "$(accept_decision foerste.docx)" = "mangler|final" &&
	accept_text foerste.docx >text &&
	accept_has "Tema for forløbet" text &&
	accept_has "erstatter" text
'

test_expect_success 'the corrected form supersedes the first and is decided' '
	accept_fill temaforloeb rettet.odt ".kommune=\"Odense Kommune\"" &&
	accept_run 2021-09-05T10:00:00 &&
	accept_q "SELECT original_name, status FROM submissions ORDER BY id" >actual &&
	cat >expect <<-\EOF &&
	foerste.docx|superseded
	rettet.odt|stored
	EOF
	test_cmp expect actual &&
	test "$(accept_decision rettet.odt)" = "bevilget|proposed" &&
	c1=$(accept_case foerste.docx) && c2=$(accept_case rettet.odt) &&
	accept_q "SELECT event || '"'"' '"'"' || detail FROM case_history WHERE case_number = '"'"'$c1'"'"'" >events1 &&
	test_grep "^superseded erstattet af $c2" events1 &&
	accept_q "SELECT event || '"'"' '"'"' || detail FROM case_history WHERE case_number = '"'"'$c2'"'"'" >events2 &&
	test_grep "^supersedes erstatter $c1" events2 &&
	skema -C ws review >queue &&
	test_grep "$c2" queue && ! grep -q "$c1" queue
'

# The corrected form has its own journalnummer; its letter and sheet name
# the first one, which the applicant knows from the mangler letter.
test_expect_success 'the corrected form'"'"'s letter and sheet name the case it replaces' '
	c1=$(accept_case foerste.docx) &&
	accept_text rettet.odt >text2 &&
	accept_has "modtaget jeres ansøgning om deltagelse i Temaforløb om overgreb mod børn. Ansøgningen erstatter jeres tidligere ansøgning med journalnummer $c1, som manglede oplysninger." text2 &&
	accept_text foerste.docx >text1 &&
	! grep -q "tidligere ansøgning" text1 &&
	sheet rettet.odt >sheet2 &&
	accept_has "Erstatter sag $c1 (modtaget 1. september 2021 kl. 10.00, manglede oplysninger)." sheet2
'

test_expect_success 'the same corrected file sent again is a duplicate, not a third case' '
	cp ws/archive/*rettet.odt "ws/inbox/rettet (2).odt" &&
	accept_run 2021-09-06T10:00:00 &&
	accept_q "SELECT status FROM submissions WHERE original_name = '"'"'rettet (2).odt'"'"'" >actual &&
	echo duplicate >expect && test_cmp expect actual &&
	test "$(accept_decision rettet.odt)" = "bevilget|proposed" &&
	accept_q "SELECT received, duplicates, superseded, selected, awaiting_review FROM offer_summary" >actual &&
	echo "3|1|1|1|1" >expect && test_cmp expect actual
'

test_expect_success 'purge takes the closed cases and keeps the open case'"'"'s document' '
	SKEMA_NOW=2021-12-01T10:00:00 skema -C ws purge --before 2021-11-01 >purge.out &&
	accept_q "SELECT status, purged_at IS NOT NULL FROM submissions ORDER BY id" >actual &&
	cat >expect <<-\EOF &&
	superseded|1
	stored|0
	duplicate|1
	EOF
	test_cmp expect actual &&
	sha=$(accept_q "SELECT sha256 FROM submissions WHERE status = '"'"'stored'"'"'") &&
	test -f "ws/archive/.objects/$sha" &&
	path=$(accept_q "SELECT stored_path FROM submissions WHERE status = '"'"'stored'"'"'") &&
	test -n "$path" &&
	accept_q "SELECT count(*) FROM fields f JOIN submissions s ON s.id = f.submission_id WHERE s.status = '"'"'stored'"'"'" >n &&
	test $(cat n) -gt 10
'

test_expect_success 'confirmed and purged at last: nothing of Odense is left' '
	SKEMA_NOW=2021-12-02T10:00:00 skema -C ws decide "$(accept_case rettet.odt)" bevilget &&
	accept_run 2021-12-02T10:05:00 &&
	test "$(accept_decision rettet.odt)" = "bevilget|final" &&
	accept_text rettet.odt >final &&
	accept_has "Ansøgningen erstatter jeres tidligere ansøgning med journalnummer $(accept_q "SELECT case_number FROM submissions WHERE status = '"'"'superseded'"'"'"), som manglede oplysninger." final &&
	SKEMA_NOW=2021-12-03T10:00:00 skema -C ws purge --before 2021-11-01 &&
	find ws/archive ws/letters -type f >left && test_line_count = 0 left &&
	! sqlite3 ws/skema.db .dump | grep -q -e Odense -e "Anne Hansen" &&
	accept_q "SELECT received, duplicates, superseded, selected FROM offer_summary" >actual &&
	echo "3|1|1|1" >expect && test_cmp expect actual
'


# Corrected twice: the second form still lacks the topic, so it gets a
# mangler letter of its own; the third names both numbers the applicant
# has had.  Each flow in its own workspace (the counts above stay).
test_expect_success 'corrected twice: each letter names every earlier version' '
	mkdir chain && cd chain && skema init ws >/dev/null &&
	accept_fill temaforloeb a1.docx ".kommune=\"Vejle\" | del(.tema)" &&
	accept_run 2021-09-01T10:00:00 &&
	accept_fill temaforloeb a2.docx ".kommune=\"Vejle\" | del(.tema) | .ansoegning_dato=\"3. september 2021\"" &&
	accept_run 2021-09-03T10:00:00 &&
	test "$(accept_decision a2.docx)" = "mangler|final" &&
	c1=$(accept_case a1.docx) && c2=$(accept_case a2.docx) &&
	accept_text a2.docx >text2 &&
	accept_has "Ansøgningen erstatter jeres tidligere ansøgning med journalnummer $c1, som manglede oplysninger. Vi kan ikke behandle ansøgningen endnu" text2 &&
	accept_fill temaforloeb a3.odt ".kommune=\"Vejle\"" &&
	accept_run 2021-09-05T10:00:00 &&
	test "$(accept_decision a3.odt)" = "bevilget|proposed" &&
	accept_text a3.odt >text3 &&
	accept_has "Ansøgningen erstatter jeres tidligere ansøgninger med journalnumrene $c1 og $c2, som manglede oplysninger." text3 &&
	sheet a3.odt >sheet3 &&
	accept_has "Erstatter sag $c1 (modtaget 1. september 2021 kl. 10.00, manglede oplysninger). Erstatter sag $c2 (modtaget 3. september 2021 kl. 10.00, manglede oplysninger)." sheet3
'

test_expect_success 'a registration corrected: the confirmation names the first registration' '
	mkdir reg && cd reg && skema init ws >/dev/null &&
	accept_fill informationsmoede-2021 t1.docx "del(.organisation)" &&
	accept_run 2021-08-10T10:00:00 &&
	test "$(accept_decision t1.docx)" = "mangler|final" &&
	accept_fill informationsmoede-2021 t2.docx &&
	accept_run 2021-08-12T10:00:00 &&
	test "$(accept_decision t2.docx)" = "bekræftelse|final" &&
	accept_text t2.docx >text &&
	accept_has "Vi bekræfter hermed jeres tilmelding, som vi modtog den 12. august 2021. Tilmeldingen erstatter jeres tidligere tilmelding med journalnummer $(accept_case t1.docx), som manglede oplysninger." text
'

test_done
