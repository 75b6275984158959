#!/bin/bash
test_description='skema rejudge: open cases judged again after their offer'"'"'s criteria changed'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# A temaforløb asking for 30 hours is refused by the rule of at most 25.
# The administrator widens the rule to 35 (and its sentence).  Stored
# cases keep the old judgement until skema rejudge judges them again; a
# case whose decision is final stays as it is.

export SKEMA_FORMS=$PWD/forms FORMS=$PWD/forms

widen() {
	sed -i -e "s/timer BETWEEN 1 AND 25/timer BETWEEN 1 AND 35/" \
		-e "s/op til 25 timer/op til 35 timer/g" forms/temaforloeb/offer.xml &&
	grep -q "BETWEEN 1 AND 35" forms/temaforloeb/offer.xml
}

test_expect_success 'setup: 30 hours refused, 20 hours proposed a place' '
	cp -r "$SRC/forms" forms &&
	skema init ws >/dev/null &&
	accept_fill temaforloeb t30.docx ".kommune=\"Odense\" | .timer=\"30\"" &&
	accept_fill temaforloeb t20.docx ".kommune=\"Vejle\" | .timer=\"20\"" &&
	accept_run 2026-03-02T10:00:00 &&
	test "$(accept_decision t30.docx)" = "afslag|proposed" &&
	test "$(accept_decision t20.docx)" = "bevilget|proposed"
'

test_expect_success 'usage, an unknown case, an offer without a definition' '
	test_expect_code 64 skema -C ws rejudge 2>err &&
	test_grep "usage: skema rejudge" err &&
	test_expect_code 65 skema -C ws rejudge 2026-999999 2>err &&
	test_grep "2026-999999: ingen sag med det nummer" err &&
	test_expect_code 78 skema -C ws rejudge --offer ingen-saadan 2>err &&
	test_grep "tilbuddet ingen-saadan har ingen definition" err
'

test_expect_success 'the rule widened: rejudge --offer judges both again and decides' '
	widen &&
	c30=$(accept_case t30.docx) && c20=$(accept_case t20.docx) &&
	SKEMA_NOW=2026-03-03T10:00:00 skema -C ws rejudge --offer temaforloeb >out 2>err &&
	test_grep "^$c30: vurderingen er ændret fra »opfylder ikke kravene« til »opfylder kravene«; kriterier med et nyt resultat: timer.\$" out &&
	test_grep "^$c20: vurderingen er fortsat »opfylder kravene«.\$" out &&
	test_grep "^2 sager er vurderet igen: 1 med en ændret vurdering, 0 med nye resultater af kriterier, 1 med samme vurdering.\$" out &&
	test_grep "^$c30 (Odense Kommune) .*nu foreslået bevilget (før foreslået afslag)" out &&
	test "$(accept_decision t30.docx)" = "bevilget|proposed"
'

test_expect_success 'the new judgement is stored: validation, the criterion and its sentence, the event' '
	c30=$(accept_case t30.docx) &&
	test "$(accept_q "SELECT validation FROM submissions WHERE case_number = '"'"'$c30'"'"'")" = eligible &&
	accept_q "SELECT passed || '"'"'|'"'"' || text FROM criteria c JOIN submissions s ON s.id = c.submission_id
		WHERE s.case_number = '"'"'$c30'"'"' AND criterion_id = '"'"'timer'"'"'" >actual &&
	echo "1|Det ønskede antal timer ligger inden for rammen på op til 35 timer." >expect &&
	test_cmp expect actual &&
	accept_q "SELECT detail FROM case_history WHERE case_number = '"'"'$c30'"'"' AND event = '"'"'rejudged'"'"'" >actual &&
	echo "not_eligible -> eligible (timer)" >expect &&
	test_cmp expect actual &&
	# the reviewer reads the event in Danish, the log keeps the codes
	skema -C ws review "$c30" >history &&
	test_grep "^  [0-9T:+-]*  [^ ]* *vurderet igen  *opfylder ikke kravene -> opfylder kravene (timer)$" history &&
	test_grep "  gemt  *temaforloeb: opfylder ikke kravene$" history &&
	! grep -q "eligible\|rejudged" history &&
	accept_q "SELECT json_extract(record, '"'"'$.validation.result'"'"') FROM submissions WHERE case_number = '"'"'$c30'"'"'" >actual &&
	echo eligible >expect &&
	test_cmp expect actual &&
	test "$(accept_q "SELECT count(*) FROM submissions")" = 2
'

test_expect_success 'the next run writes the draft of the new proposal' '
	accept_run 2026-03-03T11:00:00 &&
	c30=$(accept_case t30.docx) &&
	test -f ws/letters/$c30-bevilget-udkast.pdf
'

test_expect_success 'a case judged alike but with a new sentence gets its draft and sheet again' '
	c20=$(accept_case t20.docx) &&
	test "$(accept_q "SELECT count(*) FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.case_number = '"'"'$c20'"'"' AND l.kind = '"'"'bevilget'"'"' AND l.draft = 1")" = 2 &&
	pdftotext ws/letters/$c20-gennemgang.pdf - | tr -s " \n" "  " >sheet20.txt &&
	test_grep "op til 35 timer" sheet20.txt &&
	SKEMA_NOW=2026-03-03T11:05:00 skema -C ws status >st &&
	! grep -q "without its letter" st
'

test_expect_success 'judged again without a change: nothing moves' '
	before=$(accept_q "SELECT count(*) FROM decisions") &&
	events=$(accept_q "SELECT count(*) FROM events") &&
	letters=$(accept_q "SELECT count(*) FROM letters") &&
	SKEMA_NOW=2026-03-03T12:00:00 skema -C ws rejudge --offer temaforloeb >out &&
	test_grep "^2 sager er vurderet igen: 0 med en ændret vurdering, 0 med nye resultater af kriterier, 2 med samme vurdering.\$" out &&
	test "$(accept_q "SELECT count(*) FROM decisions")" = "$before" &&
	test "$(accept_q "SELECT count(*) FROM events")" = "$events" &&
	accept_run 2026-03-03T12:10:00 &&
	test "$(accept_q "SELECT count(*) FROM letters")" = "$letters"
'

test_expect_success 'a final decision stays: counted with --offer, refused when named' '
	c20=$(accept_case t20.docx) && c30=$(accept_case t30.docx) &&
	SKEMA_NOW=2026-03-04T10:00:00 skema -C ws decide "$c20" bevilget >/dev/null &&
	sed -i "s/timer BETWEEN 1 AND 35/timer BETWEEN 1 AND 10/" forms/temaforloeb/offer.xml &&
	SKEMA_NOW=2026-03-04T11:00:00 skema -C ws rejudge --offer temaforloeb >out &&
	test_grep "^$c30: vurderingen er ændret fra »opfylder kravene« til »opfylder ikke kravene«" out &&
	test_grep "1 sag har en endelig afgørelse og er ikke vurderet igen." out &&
	test "$(accept_decision t20.docx)" = "bevilget|final" &&
	test "$(accept_q "SELECT validation FROM submissions WHERE case_number = '"'"'$c20'"'"'")" = eligible &&
	test_expect_code 65 env SKEMA_NOW=2026-03-04T12:00:00 skema -C ws rejudge "$c20" "$c30" 2>err &&
	test_grep "$c20: sagen har en endelig afgørelse og vurderes ikke igen" err &&
	test_grep "ingen sag er vurderet igen" err
'

test_expect_success 'a field renamed under the label: its answer is read again from the document, no mangler' '
	c30=$(accept_case t30.docx) &&
	sed -i -e "s/name=\"motivation\" type=\"longtext\"/name=\"motivering\" type=\"longtext\"/" \
		-e "s/length(motivation)/length(motivering)/" forms/temaforloeb/offer.xml &&
	SKEMA_NOW=2026-03-05T10:00:00 skema -C ws rejudge "$c30" >out 2>err &&
	test_grep "^$c30: vurderingen er fortsat" out &&
	test "$(accept_q "SELECT validation FROM submissions WHERE case_number = '"'"'$c30'"'"'")" != incomplete &&
	test "$(accept_q "SELECT count(*) FROM fields f JOIN submissions s ON s.id = f.submission_id
		WHERE s.case_number = '"'"'$c30'"'"' AND f.name = '"'"'motivering'"'"' AND length(f.value) > 0")" = 1 &&
	test "$(accept_q "SELECT count(*) FROM fields f JOIN submissions s ON s.id = f.submission_id
		WHERE s.case_number = '"'"'$c30'"'"' AND f.name = '"'"'motivation'"'"'")" = 0
'

test_expect_success 'a document that cannot be read again: named, the others judged, exit 65' '
	c30=$(accept_case t30.docx) &&
	sed -i "s/timer BETWEEN 1 AND 10/timer BETWEEN 1 AND 40/" forms/temaforloeb/offer.xml &&
	accept_fill temaforloeb t25.docx ".kommune=\"Kolding\" | .timer=\"25\" | .motivering = .motivation | del(.motivation)" &&
	accept_run 2026-03-05T11:00:00 &&
	c25=$(accept_case t25.docx) &&
	path=$(accept_q "SELECT stored_path FROM submissions WHERE case_number = '"'"'$c25'"'"'") &&
	mv "ws/$path" moved.docx &&
	test_expect_code 65 env SKEMA_NOW=2026-03-05T12:00:00 skema -C ws rejudge --offer temaforloeb >out 2>err &&
	test_grep "rejudge: $c25: kunne ikke vurderes igen: " err &&
	test_grep "^$c30: " out &&
	test_grep "1 kunne ikke vurderes igen (se ovenfor)." out &&
	mv moved.docx "ws/$path"
'

test_expect_success 'a decision made final meanwhile is not judged again by the store' '
	c30=$(accept_case t30.docx) &&
	SKEMA_NOW=2026-03-06T10:00:00 skema -C ws decide "$c30" afslag --reason "Særlig grund" >/dev/null &&
	accept_q "SELECT record FROM submissions WHERE case_number = '"'"'$c30'"'"'" |
		skema-validate | skema-store --rejudge ws/skema.db >rec &&
	test "$(jq -r .error.code rec)" = decided &&
	test "$(jq -r .submission.case_number rec)" = "$c30" &&
	test "$(accept_decision t30.docx)" = "afslag|final"
'

test_expect_success 'an archived document that is not the one received is not judged: named, exit 65' '
	c20=$(accept_case t20.docx) && c25=$(accept_case t25.docx) &&
	p20=$(accept_q "SELECT stored_path FROM submissions WHERE case_number = '"'"'$c20'"'"'") &&
	p25=$(accept_q "SELECT stored_path FROM submissions WHERE case_number = '"'"'$c25'"'"'") &&
	cp "ws/$p25" saved25.docx &&
	cp "ws/$p20" "ws/$p25" &&
	test_expect_code 65 env SKEMA_NOW=2026-03-07T10:00:00 skema -C ws rejudge "$c25" >out 2>err &&
	test_grep "rejudge: $c25: kunne ikke vurderes igen: det arkiverede dokument er ikke længere det modtagne" err &&
	test "$(accept_q "SELECT count(*) FROM events e JOIN submissions s ON s.id = e.submission_id
		WHERE s.case_number = '"'"'$c25'"'"' AND e.event = '"'"'rejudged'"'"' AND e.at LIKE '"'"'2026-03-07%'"'"'")" = 0 &&
	cp saved25.docx "ws/$p25"
'

test_expect_success 'a field renamed with a new label and the same version: the mangler waits for a reviewer' '
	c25=$(accept_case t25.docx) &&
	sed -i -e "s/name=\"motivering\" type=\"longtext\" required=\"true\"><label>Motivation for at deltage/name=\"begrundelse\" type=\"longtext\" required=\"true\"><label>Kommunens begrundelse/" \
		-e "s/length(motivering)/length(begrundelse)/" forms/temaforloeb/offer.xml &&
	grep -q "Kommunens begrundelse" forms/temaforloeb/offer.xml &&
	SKEMA_NOW=2026-03-07T11:00:00 skema -C ws rejudge "$c25" >out 2>err &&
	test_grep "^$c25: vurderingen er ændret fra »opfylder kravene« til »mangler oplysninger«" out &&
	test "$(accept_decision t25.docx)" = "mangler|proposed" &&
	accept_q "SELECT w.value ->> '"'"'$.text'"'"' FROM submissions s, json_each(s.record, '"'"'$.warnings'"'"') w
		WHERE s.case_number = '"'"'$c25'"'"'" >w &&
	test_grep "Blanketten passer ikke til tilbuddets definition" w
'

test_done
