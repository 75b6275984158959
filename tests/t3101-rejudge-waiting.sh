#!/bin/bash
test_description='skema rejudge judges a confirmed waiting-list case too, so a freed place never goes to one the new rule refuses'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# Ten temaforløb get the quarter's ten places; an eleventh waits, and a
# reviewer confirms its waiting-list place.  The rule on hours is then
# narrowed: one with a place and the waiting one no longer meet it.  The
# freed place must not go to the waiting case on its old judgement.

export SKEMA_FORMS=$PWD/forms FORMS=$PWD/forms
kommuner="Odense Vejle Kolding Herning Aalborg Esbjerg Randers Horsens Silkeborg Viborg Skive"

test_expect_success 'setup: ten places given, the eleventh on a confirmed waiting list' '
	cp -r "$SRC/forms" forms &&
	skema init ws >/dev/null &&
	n=0 &&
	for k in $kommuner
	do
		n=$((n + 1)) &&
		t=20 && { test $n != 10 || t=23; } && { test $n != 11 || t=24; } &&
		accept_fill temaforloeb t$n.docx ".kommune=\"$k\" | .timer=\"$t\"" &&
		accept_run "2026-02-01T$(printf %02d $((n + 7))):00:00" || return 1
	done &&
	test "$(accept_decision t11.docx)" = "venteliste|proposed" &&
	SKEMA_NOW=2026-02-20T10:00:00 skema -C ws decide "$(accept_case t11.docx)" venteliste >/dev/null &&
	test "$(accept_decision t11.docx)" = "venteliste|final"
'

test_expect_success 'the rule narrowed: the waiting case is judged too and gets no place' '
	sed -i "s/timer BETWEEN 1 AND 25/timer BETWEEN 1 AND 22/" forms/temaforloeb/offer.xml &&
	c10=$(accept_case t10.docx) && c11=$(accept_case t11.docx) &&
	SKEMA_NOW=2026-02-21T10:00:00 skema -C ws rejudge --offer temaforloeb >out 2>err &&
	test_grep "^$c11: vurderingen er ændret fra »opfylder kravene« til »opfylder ikke kravene«" out &&
	test_grep "^$c10: vurderingen er ændret fra »opfylder kravene« til »opfylder ikke kravene«" out &&
	test "$(accept_decision t11.docx)" = "venteliste|final" &&
	test "$(accept_decision t10.docx)" = "afslag|proposed" &&
	! grep -q "$c11 .*får en ledig plads" out
'

test_done
