#!/bin/bash
test_description='acceptance: what a reviewer reads in a whole round (withdraw, override, actors, unanswered mangler)'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# A reviewer played a round of temaforløb (capacity lowered to 2 a
# quarter through a test-only copy of the definitions) and found: withdraw
# printed skema-decide's JSON, and the withdrawn proposal still counted in
# status and export; an override grant silently pushed another case out;
# every decision was by "root"; an unanswered mangler went unnoticed.

FORMS=$TRASH/forms
export SKEMA_FORMS=$FORMS

t() { # t FILE KOMMUNE [JQ]: a temaforløb from KOMMUNE
	accept_fill temaforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\"${3:+ | $3}"
}

# row FILE: "status,outcome,decision_state" of FILE in skema export --rfc.
row() {
	skema -C ws export --rfc | awk -F, -v f="$1" '$2 == f { print $6 "," $7 "," $15 }'
}

test_expect_success 'setup: two places a quarter, three applications in order' '
	cp -R "$SRC/forms" "$FORMS" &&
	sed -i "s/<capacity unit=\"temaforløb\" period=\"quarter\" min=\"0\" max=\"10\"\/>/<capacity unit=\"temaforløb\" period=\"quarter\" min=\"0\" max=\"2\"\/>/" \
		"$FORMS/temaforloeb/offer.xml" &&
	grep -q "max=\"2\"" "$FORMS/temaforloeb/offer.xml" &&
	skema init ws >/dev/null &&
	t t1.docx Odense && accept_run 2021-09-01T09:00:00 &&
	t t2.odt Vejle && accept_run 2021-09-01T09:10:00 &&
	t t3.docx Kolding && accept_run 2021-09-01T09:20:00 &&
	test "$(accept_decision t1.docx)" = "bevilget|proposed" &&
	test "$(accept_decision t3.docx)" = "venteliste|proposed"
'

test_expect_success 'withdraw says in Danish who was proposed the freed place, no JSON' '
	c1=$(accept_case t1.docx) && c3=$(accept_case t3.docx) &&
	SKEMA_NOW=2021-09-03T10:00:00 skema -C ws withdraw "$c1" >out 2>err &&
	! grep -q "[{}]" out &&
	test_grep "^$c1: trukket tilbage$" out &&
	test_grep "^$c3 (Kolding Kommune) får en ledig plads: nu foreslået bevilget (før foreslået venteliste)\.$" out &&
	test_line_count = 2 out &&
	test "$(accept_decision t3.docx)" = "bevilget|proposed"
'

test_expect_success 'the withdrawn proposal keeps its history but counts nowhere' '
	accept_q "SELECT outcome || '"'"'|'"'"' || state FROM decisions d JOIN submissions s
		ON s.id = d.submission_id WHERE s.original_name = '"'"'t1.docx'"'"'" >actual &&
	echo "bevilget|proposed" >expect &&
	test_cmp expect actual &&
	skema -C ws status >status &&
	test_grep "^  bevilget (forslag) *2$" status &&
	skema -C ws status --json >status.json &&
	test "$(jq ".decisions[\"bevilget (forslag)\"]" status.json)" = 2 &&
	test "$(row t1.docx)" = "withdrawn,," &&
	test "$(row t2.odt)" = "stored,bevilget,proposed" &&
	test "$(row t3.docx)" = "stored,bevilget,proposed"
'

test_expect_success 'withdrawing a place nobody waits for says the place is free' '
	c2=$(accept_case t2.odt) &&
	SKEMA_NOW=2021-09-03T11:00:00 skema -C ws withdraw "$c2" >out &&
	cat >expect <<-EOF &&
	$c2: trukket tilbage
	Ingen anden sag har fået pladsen.
	EOF
	test_cmp expect out
'

# Issue B: an override grant in a full quarter.  offers.md gives a rolling
# offer a waiting list, so the proposal that loses its place goes there;
# skema decide says so.  A place a reviewer has confirmed is never taken:
# with every place confirmed the grant is refused and nothing is written.
test_expect_success 'setup: the quarter fills again, one more waits' '
	t t4.odt Herning && accept_run 2021-09-01T09:30:00 &&
	t t5.docx Aalborg && accept_run 2021-09-01T09:40:00 &&
	test "$(accept_decision t3.docx)" = "bevilget|proposed" &&
	test "$(accept_decision t4.odt)" = "bevilget|proposed" &&
	test "$(accept_decision t5.docx)" = "venteliste|proposed"
'

test_expect_success 'an override grant says which case lost its proposed place, and to what' '
	c4=$(accept_case t4.odt) && c5=$(accept_case t5.docx) &&
	SKEMA_NOW=2021-09-05T10:00:00 skema -C ws decide "$c5" bevilget \
		--reason "Kommunen har en akut sag." >out 2>err &&
	cat >expect <<-EOF &&
	$c5: bevilget (endelig), ændret fra venteliste
	$c4 (Herning Kommune) mistede sin foreslåede plads og er nu foreslået venteliste.
	EOF
	test_cmp expect out &&
	test "$(accept_decision t4.odt)" = "venteliste|proposed" &&
	test "$(accept_decision t3.docx)" = "bevilget|proposed" &&
	accept_q "SELECT explanation FROM current_decisions WHERE case_number = '"'"'$c4'"'"'" >expl &&
	test_grep "venteliste som nr. 1\." expl
'

test_expect_success 'a grant that could only take a confirmed place is refused, nothing written' '
	c3=$(accept_case t3.docx) && c4=$(accept_case t4.odt) && c5=$(accept_case t5.docx) &&
	SKEMA_NOW=2021-09-05T11:00:00 skema -C ws decide "$c3" bevilget >/dev/null &&
	accept_q "SELECT count(*) FROM decisions" >decisions.before &&
	accept_q "SELECT count(*) FROM events" >events.before &&
	SKEMA_NOW=2021-09-05T12:00:00 test_expect_code 65 skema -C ws decide "$c4" bevilget \
		--reason "Også vigtig." >out 2>err &&
	test_line_count = 0 out &&
	test_grep "decide: $c4: alle 2 temaforløb i 3. kvartal 2021 er bevilget endeligt ($c3, $c5)\." err &&
	test_grep "en bekræftet plads tages ikke fra ansøgeren. Intet er ændret\." err &&
	test_grep "skema decide $c4 venteliste --reason" err &&
	test_grep "skema withdraw SAGSNR" err &&
	test_grep "temaforloeb/offer.xml" err &&
	accept_q "SELECT count(*) FROM decisions" >decisions.after &&
	accept_q "SELECT count(*) FROM events" >events.after &&
	test_cmp decisions.before decisions.after &&
	test_cmp events.before events.after &&
	test "$(accept_decision t4.odt)" = "venteliste|proposed"
'

test_expect_success 'once a confirmed place is given up, the grant goes through' '
	c3=$(accept_case t3.docx) && c4=$(accept_case t4.odt) &&
	SKEMA_NOW=2021-09-06T10:00:00 skema -C ws withdraw "$c3" >out &&
	test_grep "^$c4 (Herning Kommune) får en ledig plads: nu foreslået bevilget (før foreslået venteliste)\.$" out &&
	SKEMA_NOW=2021-09-06T10:05:00 skema -C ws decide "$c4" bevilget >out &&
	test_grep "^$c4: bevilget (endelig)$" out
'

# Issue C: the round's decisions as a reviewer reads them.
test_expect_success 'the pipeline decided as skema (automatisk); the override says what it changed' '
	c5=$(accept_case t5.docx) &&
	skema -C ws review "$c5" >history &&
	test_grep "^  [0-9T:+-]*  skema (automatisk)  venteliste (forslag)$" history &&
	test_grep "^  [0-9T:+-]*  $(id -un)  bevilget (endelig, ændret fra venteliste)  <- gældende$" history &&
	! grep -q "  $(id -un)  venteliste (forslag)" history &&
	skema -C ws review --all >all &&
	test_grep "^  Afgjort: bevilget – $(id -un), ændret fra venteliste$" all
'

# Issue D: a mangler nobody answers.  The mangler letter gives a svarfrist
# (letter.reply_days, 14 days); once it has passed without a corrected
# form, skema status lists the case for the staff to follow up.  One
# municipality answers with a corrected form, one does not.
test_expect_success 'setup: two mangler, one answered by a corrected form' '
	t m1.docx Skive "del(.tema)" && accept_run 2021-10-01T09:00:00 &&
	t m2.odt Lejre "del(.tema)" && accept_run 2021-10-01T09:10:00 &&
	test "$(accept_decision m1.docx)" = "mangler|final" &&
	test "$(accept_decision m2.odt)" = "mangler|final" &&
	t m2-rettet.odt Lejre && accept_run 2021-10-05T09:00:00 &&
	test "$(accept_q "SELECT status FROM submissions WHERE original_name = '"'"'m2.odt'"'"'")" = superseded &&
	accept_text m1.docx >text &&
	test_grep "senest den 15. oktober 2021" text
'

test_expect_success 'status lists no unanswered mangler before the svarfrist has passed' '
	SKEMA_NOW=2021-10-15T16:00:00 skema -C ws status >status &&
	! grep -q "mangler uden svar" status &&
	SKEMA_NOW=2021-10-15T16:00:00 skema -C ws status --json >status.json &&
	test "$(jq ".mangler_overdue | length" status.json)" = 0
'

test_expect_success 'status lists the mangler whose svarfrist passed without a corrected form' '
	c=$(accept_case m1.docx) &&
	SKEMA_NOW=2021-10-16T09:00:00 skema -C ws status >status &&
	test_grep "^mangler uden svar: 1 sag, hvor svarfristen er overskredet, uden at der er kommet en rettet ansøgning$" status &&
	test_grep "^  $c  temaforloeb  Skive Kommune  svarfrist 15. oktober 2021$" status &&
	! grep -q "Lejre" status &&
	SKEMA_NOW=2021-10-16T09:00:00 skema -C ws status --json >status.json &&
	jq -r ".mangler_overdue[] | [.case_number, .offer_id, .applicant, .svarfrist] | @tsv" status.json >actual &&
	printf "%s\ttemaforloeb\tSkive Kommune\t2021-10-15\n" "$c" >expect &&
	test_cmp expect actual
'

# In an open deadline round the letter's svarfrist is the deadline, when
# that comes first: status counts from the same date.
test_expect_success 'in a deadline round the svarfrist is the deadline when that comes first' '
	accept_fill partnerskab-magtanvendelse-2021 p1.docx \
		".cvr=\"${accept_cvrs[0]}\" | del(.driftsherre_navn)" &&
	accept_run 2021-09-10T09:00:00 &&
	test "$(accept_decision p1.docx)" = "mangler|final" &&
	accept_text p1.docx >text &&
	test_grep "senest den 13. september 2021" text &&
	c=$(accept_case p1.docx) &&
	SKEMA_NOW=2021-09-13T18:00:00 skema -C ws status >status &&
	! grep -q "$c" status &&
	SKEMA_NOW=2021-09-14T09:00:00 skema -C ws status >status &&
	test_grep "^  $c  partnerskab-magtanvendelse-2021  .*  svarfrist 13. september 2021$" status
'

# Issue E: a deadline round (beredskab-revision-2021, 4 places, the oldest
# beredskab first) after reviewers acted.  A grant to nr. 5 refused nr. 4,
# whose letter then said "nr. 4 ... Der er kun plads til 4 kommuner, og
# ansøgningen er derfor ikke udvalgt"; a confirmed refusal dropped out of
# the count ("nr. 5 af 5" where 6 are eligible); and a place freed by
# withdrawals went out with "Der var plads til alle", though nr. 4 stays
# refused.  A fresh workspace, so that the clock starts over.
b() { # b FILE KOMMUNE DATE: a beredskab revision from KOMMUNE
	accept_fill beredskab-revision-2021 "$1" \
		".kommune=\"$2\" | .beredskab_godkendt_dato=\"$3\" | .kontakt_navn=\"Kontakt i $2\""
}

expl() { # expl FILE: the explanation of FILE's current decision
	accept_q "SELECT d.explanation FROM submissions s JOIN decisions d
		ON d.submission_id = s.id AND d.current = 1 WHERE s.original_name = '$1'"
}

test_expect_success 'setup: six beredskab revisions for four places' '
	mv ws ws-tema &&
	skema init ws >/dev/null &&
	b b1.docx Odense 2015-01-01 && b b2.odt Vejle 2015-06-01 &&
	b b3.docx Horsens 2016-01-01 && b b4.odt Esbjerg 2016-06-01 &&
	b b5.docx Randers 2017-01-01 && b b6.odt Aalborg 2018-01-01 &&
	accept_run 2021-09-20T09:00:00 &&
	accept_run 2021-10-02T09:00:00 &&
	test "$(accept_decision b4.odt)" = "bevilget|proposed" &&
	test "$(accept_decision b5.docx)" = "afslag|proposed"
'

test_expect_success 'a refusal within the places says a reviewer gave one to a lower-ranked application' '
	c5=$(accept_case b5.docx) &&
	SKEMA_NOW=2021-10-04T10:00:00 skema -C ws decide "$c5" bevilget \
		--reason "Kommunen har en akut sag." >out &&
	test "$(accept_decision b4.odt)" = "afslag|proposed" &&
	expl b4.odt >expl &&
	test_grep "rangeret som nr. 4 af 6 egnede ansøgninger" expl &&
	test_grep "Der er kun plads til 4 kommuner. En af pladserne er givet af en sagsbehandler til en ansøgning, der står lavere i prioriteringen, og ansøgningen er derfor ikke udvalgt\." expl &&
	! grep -q "Randers" expl
'

test_expect_success 'a confirmed refusal still counts among the eligible, and its letter says why' '
	c4=$(accept_case b4.odt) &&
	SKEMA_NOW=2021-10-04T11:00:00 skema -C ws decide "$c4" afslag >/dev/null &&
	test "$(accept_decision b4.odt)" = "afslag|final" &&
	expl b6.odt >expl &&
	test_grep "rangeret som nr. 6 af 6 egnede ansøgninger" expl &&
	accept_run 2021-10-04T12:00:00 &&
	accept_text b4.odt >text &&
	accept_has "rangeret som nr. 4 af 6 egnede ansøgninger" text &&
	accept_has "En af pladserne er givet af en sagsbehandler til en ansøgning, der står lavere i prioriteringen, og ansøgningen er derfor ikke udvalgt." text &&
	! grep -q "Der er kun plads til 4 kommuner, og ansøgningen er derfor ikke udvalgt" text &&
	! grep -q "Randers" text
'

test_expect_success 'a place freed by withdrawals is not "room for all" while nr. 4 stays refused' '
	SKEMA_NOW=2021-10-06T10:00:00 skema -C ws withdraw "$(accept_case b1.docx)" >/dev/null &&
	SKEMA_NOW=2021-10-06T10:05:00 skema -C ws withdraw "$(accept_case b2.odt)" >/dev/null &&
	test "$(accept_decision b6.odt)" = "bevilget|proposed" &&
	test "$(accept_decision b4.odt)" = "afslag|final" &&
	expl b6.odt >expl &&
	! grep -q "Der var plads til alle" expl &&
	test_grep "rangeret som nr. 4 af 4 egnede ansøgninger" expl &&
	test_grep "Der er plads til 4 kommuner, og ansøgningen er udvalgt\." expl
'

test_done
