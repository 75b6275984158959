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
	Ingen venter på en plads, så pladsen er ledig.
	EOF
	test_cmp expect out
'

test_done
