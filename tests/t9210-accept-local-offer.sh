#!/bin/bash
test_description='acceptance: an offer of the administrator'"'"'s own, with its own letter text, from the local configuration directory'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# docs/offer-format.md: an administrator defines an offer without touching
# the shipped files, in $SKEMA_CONFDIR/forms/<id>/offer.xml, using the
# shipped blocks, and may give it its own letter texts in
# $SKEMA_CONFDIR/forms/letters/<id>/.  Here temaforloeb under a new id and
# title, and a bevilget letter with a sentence of its own.

SKEMA_CONFDIR=$TRASH/etc
export SKEMA_CONFDIR
OFFER=$SKEMA_CONFDIR/forms/lokalt-forloeb/offer.xml

test_expect_success 'setup: the local offer, its letter text and its blank form' '
	mkdir -p "$SKEMA_CONFDIR/forms/lokalt-forloeb" "$SKEMA_CONFDIR/forms/letters/lokalt-forloeb" &&
	sed -e "s/id=\"temaforloeb\"/id=\"lokalt-forloeb\"/" \
		-e "s|<title>[^<]*</title>|<title>Lokalt forløb om trivsel</title>|" \
		"$SRC/forms/temaforloeb/offer.xml" >"$OFFER" &&
	sed "s/^## Det videre forløb$/Forløbet holdes i jeres egne lokaler i Aabenraa.\n\n&/" \
		"$SRC/forms/letters/default/bevilget.txt" >"$SKEMA_CONFDIR/forms/letters/lokalt-forloeb/bevilget.txt" &&
	grep -q "Aabenraa" "$SKEMA_CONFDIR/forms/letters/lokalt-forloeb/bevilget.txt" &&
	skema check-forms >out &&
	test_grep "^lokalt-forloeb: ok" out &&
	(cd "$SKEMA_CONFDIR/forms/lokalt-forloeb" && "$mkform" -o blank.docx offer.xml) &&
	skema init ws >/dev/null
'

test_expect_success 'a filled form of the local offer is read, judged and granted with its own letter' '
	"$mkform" --fill "$ACCEPT/temaforloeb.json" -o ws/inbox/lokal.docx "$OFFER" &&
	accept_run 2021-09-01T09:00:00 &&
	accept_q "SELECT offer_id FROM submissions WHERE original_name = '"'"'lokal.docx'"'"'" >actual &&
	echo lokalt-forloeb >expect && test_cmp expect actual &&
	test "$(accept_decision lokal.docx)" = "bevilget|proposed" &&
	accept_text lokal.docx >letter.txt &&
	accept_has "Lokalt forløb om trivsel" letter.txt &&
	accept_has "Forløbet holdes i jeres egne lokaler i Aabenraa." letter.txt
'

test_expect_success 'the reports name the local offer' '
	test -s ws/reports/lokalt-forloeb.pdf &&
	pdftotext ws/reports/oversigt.pdf - | tr -s " \n" "  " >ov.txt &&
	accept_has "Lokalt forløb om trivsel" ov.txt
'

test_expect_success 'a broken letter text: the run goes on, and status counts the letter not written' '
	letter=$SKEMA_CONFDIR/forms/letters/lokalt-forloeb/bevilget.txt &&
	cp "$letter" good.txt &&
	printf "{{#krav}}\n" >>"$letter" &&
	jq ".kommune=\"Vejle\"" "$ACCEPT/temaforloeb.json" >vejle.json &&
	"$mkform" --fill vejle.json -o ws/inbox/vejle.odt "$OFFER" &&
	accept_run 2021-09-01T10:00:00 &&
	test "$(accept_decision vejle.odt)" = "bevilget|proposed" &&
	test_grep "bevilget.txt:[0-9]*: section \"krav\" is not closed" run.err &&
	skema -C ws status >status.out &&
	test_grep "^letters: *1 decision without its letter" status.out &&
	test_expect_code 78 skema check-forms >/dev/null 2>err &&
	test_grep "lokalt-forloeb/bevilget.txt" err &&
	cp good.txt "$letter" &&
	accept_run 2021-09-01T10:05:00 &&
	skema -C ws status >status.out &&
	! grep -q "^letters:" status.out &&
	skema -C ws --json status | jq -e ".letters_pending == 0"
'

test_done
