#!/bin/bash
test_description='skema-decide takes back the proposals of a round open again: nothing but mangler before the deadline'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# A round is decided after its deadline; the administrator then moves the
# deadline later and judges the cases again (skema rejudge).  The round is
# open again, and nothing but mangler is proposed before a deadline: the
# refusal for lateness and the place proposed are taken back, with their
# drafts, so that no reviewer confirms them early, and the round is decided
# with every application after the new deadline.

export SKEMA_FORMS=$PWD/forms FORMS=$PWD/forms

p() { # p FILE KOMMUNE N: a facility, CVR number N
	accept_fill partnerskab-magtanvendelse-2021 "$1" \
		".kommune=\"$2\" | .cvr=\"${accept_cvrs[$3]}\" | .sted_navn=\"Institution $3\""
}

test_expect_success 'setup: one form on time, one a day late, decided after the deadline' '
	cp -r "$SRC/forms" forms &&
	skema init ws >/dev/null &&
	p p1.docx Aarhus 1 && accept_run 2021-09-10T10:00:00 &&
	p p2.docx Odense 2 && accept_run 2021-09-14T09:00:00 &&
	accept_run 2021-09-14T10:00:00 &&
	test "$(accept_decision p1.docx)" = "bevilget|proposed" &&
	test "$(accept_decision p2.docx)" = "afslag|proposed" &&
	test -f ws/letters/$(accept_case p2.docx)-afslag-udkast.pdf
'

test_expect_success 'the deadline moved later and the cases judged again: both proposals are taken back' '
	sed -i "s/deadline=.2021-09-13T12:00./deadline=\"2021-09-20T12:00\"/" forms/partnerskab-magtanvendelse-2021/offer.xml &&
	grep -q "2021-09-20T12:00" forms/partnerskab-magtanvendelse-2021/offer.xml &&
	c2=$(accept_case p2.docx) &&
	SKEMA_NOW=2021-09-15T10:00:00 skema -C ws rejudge --offer partnerskab-magtanvendelse-2021 >out 2>err &&
	test_grep "^$c2: vurderingen er ændret fra »opfylder ikke kravene« til »opfylder kravene«; kriterier med et nyt resultat: frist." out &&
	test_grep "^$c2 (.*) har nu ingen afgørelse (før foreslået afslag); den træffes sammen med de andre efter ansøgningsfristen.\$" out &&
	test -z "$(accept_decision p2.docx)" &&
	test -z "$(accept_decision p1.docx)" &&
	test "$(accept_q "SELECT count(*) FROM events WHERE event = '"'"'retracted'"'"'")" = 2 &&
	accept_q "SELECT detail FROM case_history WHERE case_number = '"'"'$c2'"'"' AND event = '"'"'retracted'"'"'" >actual &&
	echo "partnerskab-magtanvendelse-2021: forslaget om afslag bortfalder; ansøgningen afgøres efter ansøgningsfristen" >expect &&
	test_cmp expect actual
'

test_expect_success 'the next run writes the sheets again and removes the drafts' '
	c1=$(accept_case p1.docx) && c2=$(accept_case p2.docx) &&
	accept_run 2021-09-15T11:00:00 &&
	test ! -e ws/letters/$c2-afslag-udkast.pdf &&
	test ! -e ws/letters/$c1-bevilget-udkast.pdf &&
	test "$(accept_q "SELECT count(*) FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.case_number = '"'"'$c2'"'"' AND l.kind = '"'"'review'"'"'")" = 2
'

test_expect_success 'after the new deadline the round is decided with both' '
	accept_run 2021-09-21T10:00:00 &&
	test "$(accept_decision p1.docx)" = "bevilget|proposed" &&
	test "$(accept_decision p2.docx)" = "bevilget|proposed"
'

test_done
