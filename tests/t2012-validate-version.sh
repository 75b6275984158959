#!/bin/bash
test_description='a form filled in on an older version of the offer than its definition now is: the reviewer is told, with the fields the definition no longer knows'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# An administrator playtest: version 1 of a local rådgivningsforløb asked
# "tidligere_deltaget"; version 2 renamed the field (new name, new label),
# against docs/offer-format.md's advice.  A version-1 form dropped with the
# box ticked has that answer only in extra_fields, the renamed field counts
# as unticked and the priority criterion "Kommunen har ikke deltaget ..."
# passes.  skema knows the form's version (skema.version) and the
# definition's: the review sheet must say so, and name what the form said
# that the definition does not know.

SKEMA_CONFDIR=$TRASH/etc
export SKEMA_CONFDIR
V1=$TRASH/v1/raadgivningsforloeb/offer.xml
V2=$SKEMA_CONFDIR/forms/raadgivningsforloeb/offer.xml

# sheet FILE: the text of FILE's newest review sheet on one line.
sheet() {
	pdf=$(accept_q "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind = 'review' ORDER BY l.id DESC LIMIT 1" |
		sed "s|^\([^/]\)|ws/\1|") &&
	test -n "$pdf" && pdftotext -raw "$pdf" - | tr -s " \n" "  "
}

# warnings FILE: the stored record's warnings of FILE, one a line.
warnings() {
	accept_q "SELECT w.value ->> '$.text' FROM submissions s, json_each(s.record, '$.warnings') w
		WHERE s.original_name = '$1'"
}

test_expect_success 'setup: version 1 with tidligere_deltaget, version 2 with it renamed' '
	mkdir -p "$(dirname "$V1")" "$(dirname "$V2")" &&
	sed -e "s/tidligere_bistand/tidligere_deltaget/g" \
		-e "s|<label>Kommunen har tidligere modtaget bistand[^<]*</label>|<label>Kommunen har tidligere deltaget i et rådgivningsforløb</label>|" \
		-e "s|<pass>Kommunen har ikke tidligere modtaget[^<]*</pass>|<pass>Kommunen har ikke deltaget i et rådgivningsforløb før.</pass>|" \
		"$SRC/forms/raadgivningsforloeb/offer.xml" >"$V1" &&
	grep -q "name=\"tidligere_deltaget\"" "$V1" &&
	sed -e "s/version=\"1\"/version=\"2\"/" \
		-e "s/tidligere_deltaget/tidligere_forloeb_siso/g" \
		-e "s|<label>Kommunen har tidligere deltaget[^<]*</label>|<label>Kommunen har inden for fem år deltaget i et forløb hos SISO</label>|" \
		"$V1" >"$V2" &&
	grep -q "version=\"2\"" "$V2" && grep -q "name=\"tidligere_forloeb_siso\"" "$V2" &&
	skema check-forms >out &&
	test_grep "^raadgivningsforloeb: ok" out &&
	skema init ws >/dev/null
'

test_expect_success 'a version-1 form with the box ticked: a warning names both versions and the unknown field' '
	jq ".tidligere_deltaget = true | del(.tidligere_bistand)" \
		"$ACCEPT/raadgivningsforloeb.json" >v1.json &&
	"$mkform" --fill v1.json -o ws/inbox/gammel.docx "$V1" &&
	accept_run 2021-09-01T10:00:00 &&
	accept_q "SELECT json_extract(record, '"'"'$.form.version'"'"') FROM submissions
		WHERE original_name = '"'"'gammel.docx'"'"'" >actual &&
	echo 1 >expect && test_cmp expect actual &&
	warnings gammel.docx >w &&
	test_grep "Ansøgningen er udfyldt på version 1 af skemaet; tilbuddet er nu version 2. Kontrollér felterne." w &&
	test_grep "tidligere_deltaget: ja" w &&
	test_grep "»Kommunen har inden for fem år deltaget i et forløb hos SISO«" w
'

test_expect_success 'the review sheet shows the warning to the reviewer' '
	sheet gammel.docx >s &&
	accept_has "Ansøgningen er udfyldt på version 1 af skemaet; tilbuddet er nu version 2." s &&
	accept_has "tidligere_deltaget: ja" s &&
	accept_has "tidligere_deltaget (indholdskontrol): ja" s
'

test_expect_success 'a form of the current version, and one without properties, get no such warning' '
	jq ".kommune = \"Vejle\" | .tidligere_forloeb_siso = true | del(.tidligere_bistand)" \
		"$ACCEPT/raadgivningsforloeb.json" >v2.json &&
	"$mkform" --fill v2.json -o ws/inbox/ny.odt "$V2" &&
	jq ".kommune = \"Odense\" | .tidligere_deltaget = true | del(.tidligere_bistand)" \
		"$ACCEPT/raadgivningsforloeb.json" >anonym.json &&
	"$mkform" --no-properties --fill anonym.json -o ws/inbox/anonym.docx "$V1" &&
	accept_run 2021-09-01T11:00:00 &&
	test "$(accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'stored'"'"'")" = 3 &&
	warnings ny.odt >w2 &&
	! grep -q "udfyldt på version" w2 &&
	warnings anonym.docx >w3 &&
	! grep -q "udfyldt på version" w3 &&
	sheet ny.odt >s2 &&
	! grep -q "udfyldt på version" s2
'

test_expect_success 'the facts are on the record: both versions, the unknown and the absent fields' '
	accept_q "SELECT json_extract(record, '"'"'$.validation.form_version'"'"') FROM submissions
		WHERE original_name = '"'"'gammel.docx'"'"'" | jq -c "{form, offer, unknown,
		absent_has: (.absent | index(\"tidligere_forloeb_siso\") != null)}" >actual &&
	echo "{\"form\":\"1\",\"offer\":\"2\",\"unknown\":[\"tidligere_deltaget\"],\"absent_has\":true}" >expect &&
	test_cmp expect actual &&
	test "$(accept_q "SELECT json_type(record, '"'"'$.validation.form_version'"'"') FROM submissions
		WHERE original_name = '"'"'ny.odt'"'"'")" = ""
'

test_expect_success 'a mangler the offer confirms by itself waits for a reviewer when a field was renamed under the form' '
	jq ".kommune = \"Kolding\" | .tidligere_deltaget = true | del(.tidligere_bistand) | del(.kontakt_email)" \
		"$ACCEPT/raadgivningsforloeb.json" >v1-mangler.json &&
	"$mkform" --fill v1-mangler.json -o ws/inbox/gammel-mangler.docx "$V1" &&
	jq ".kommune = \"Horsens\" | .tidligere_forloeb_siso = true | del(.tidligere_bistand) | del(.kontakt_email)" \
		"$ACCEPT/raadgivningsforloeb.json" >v2-mangler.json &&
	"$mkform" --fill v2-mangler.json -o ws/inbox/ny-mangler.docx "$V2" &&
	accept_run 2021-09-01T12:00:00 &&
	test "$(accept_decision gammel-mangler.docx)" = "mangler|proposed" &&
	test "$(accept_decision ny-mangler.docx)" = "mangler|final"
'

test_done
