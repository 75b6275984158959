#!/bin/bash
test_description='acceptance: a mangler answered by a corrected form, a duplicate, and a purge that keeps what an open case needs'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

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
	SKEMA_NOW=2021-12-03T10:00:00 skema -C ws purge --before 2021-11-01 &&
	find ws/archive ws/letters -type f >left && test_line_count = 0 left &&
	! sqlite3 ws/skema.db .dump | grep -q -e Odense -e "Anne Hansen" &&
	accept_q "SELECT received, duplicates, superseded, selected FROM offer_summary" >actual &&
	echo "3|1|1|1" >expect && test_cmp expect actual
'

test_done
