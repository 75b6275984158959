#!/bin/bash
test_description='skema-validate with records as they come: failed, unknown, odd and broken'
. "$(dirname "$0")/lib.sh"

test_expect_success 'a failed record passes through untouched' '
	echo "{\"id\":\"a\",\"error\":{\"stage\":\"extract\",\"code\":\"pdf\",\"permanent\":true}}" >in &&
	skema-validate <in >out &&
	jq -S . in >expect && jq -S . out >actual &&
	test_cmp expect actual
'

test_expect_success 'an unknown form and a missing form get an error' '
	cat >in <<-\EOF &&
	{"id":"b","form":{"id":"nope"},"fields":{}}
	{"id":"c","fields":{}}
	EOF
	skema-validate <in >out &&
	jq -r "[.id, .error.stage, .error.code, .error.permanent, (.validation == null)] | @tsv" out >actual &&
	printf "b\tvalidate\tunknown_form\ttrue\ttrue\nc\tvalidate\tunknown_form\ttrue\ttrue\n" >expect &&
	test_cmp expect actual &&
	jq -r .error.message_da out >da &&
	test_grep "Skemaet kunne ikke genkendes" da
'

test_expect_success 'a line that is not a record is reported, the rest still judged' '
	cat >in <<-\EOF &&
	{"id":"d","received_at":"2021-08-10T10:00:00+02:00","form":{"id":"informationsmoede-2021"},"fields":{"navn":{"raw":"A"},"email":{"raw":"a@b.dk"},"organisation":{"raw":"O"}}}
	this is not json
	{"id":"e","received_at":"2021-08-18T10:00:00+02:00","form":{"id":"informationsmoede-2021"},"fields":{"navn":{"raw":"A"},"email":{"raw":"a@b.dk"},"organisation":{"raw":"O"}}}
	EOF
	test_expect_code 65 skema-validate <in >out 2>err &&
	test_grep "line 2" err &&
	jq -r "[.id, .validation.result] | @tsv" out >actual &&
	printf "d\teligible\ne\tnot_eligible\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'odd field objects: numbers, values without raw, unknown fields' '
	cat >in <<-\EOF &&
	{"id":"f","received_at":"2021-08-10T10:00:00+02:00","form":{"id":"informationsmoede-2021"},"fields":{"navn":{"raw":17},"email":{"value":"a@b.dk"},"organisation":"not an object","sted_type":{"raw":"OPHOLDSSTED"},"extra":{"raw":"x"}}}
	EOF
	skema-validate <in >out &&
	jq -c "[.validation.result, .validation.missing, .validation.values.email, .validation.values.sted_type]" out >actual &&
	echo "[\"incomplete\",[\"navn\",\"organisation\"],\"a@b.dk\",\"opholdssted\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'no received_at: judged now, with a warning' '
	echo "{\"id\":\"g\",\"form\":{\"id\":\"informationsmoede-2021\"},\"fields\":{}}" >in &&
	SKEMA_NOW=2021-08-20T10:00 skema-validate <in >out &&
	jq -r "[.validation.deadline.late, (.warnings[0].text | test(\"received_at\"))] | @tsv" out >actual &&
	printf "true\ttrue\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a value that is not of its type is invalid with a Danish reason' '
	cat >in <<-\EOF &&
	{"id":"h","received_at":"2021-09-01T10:00:00+02:00","form":{"id":"temaforloeb"},"fields":{"kontakt_email":{"raw":"anne at aarhus"},"kontakt_telefon":{"raw":"1234"},"kommune":{"raw":"Gotham"},"timer":{"raw":"mange"},"indledende_moede_dato":{"raw":"31.02.2021"}}}
	EOF
	skema-validate <in >out &&
	jq -r ".validation.invalid[] | [.field, .message] | @tsv" out >actual &&
	cat >expect <<-\EOF &&
	kommune	ikke en dansk kommune
	kontakt_email	ikke en gyldig e-mailadresse
	kontakt_telefon	ikke et gyldigt dansk telefonnummer på 8 cifre
	timer	ikke et helt tal
	indledende_moede_dato	ikke en gyldig dato
	EOF
	test_cmp expect actual
'

# A form made from an older (or newer) version of the offer is judged by
# today's definition as before; the reviewer is told, and shown what the
# form said that the definition does not know (t2012 has the whole story).
test_expect_success 'a form of another version than the definition: a warning, the judgement unchanged' '
	f="\"navn\":{\"raw\":\"A\"},\"email\":{\"raw\":\"a@b.dk\"},\"organisation\":{\"raw\":\"O\"}" &&
	all="$f,\"stilling\":{\"raw\":\"\"},\"sted_type\":{\"raw\":\"\"}" &&
	at="\"received_at\":\"2021-08-10T10:00:00+02:00\"" &&
	cat >in <<-EOF &&
	{"id":"none",$at,"form":{"id":"informationsmoede-2021"},"fields":{$all}}
	{"id":"empty",$at,"form":{"id":"informationsmoede-2021","version":""},"fields":{$all}}
	{"id":"same",$at,"form":{"id":"informationsmoede-2021","version":"1"},"fields":{$all}}
	{"id":"zero",$at,"form":{"id":"informationsmoede-2021","version":"01"},"fields":{$all}}
	{"id":"newer",$at,"form":{"id":"informationsmoede-2021","version":"3"},"fields":{$all},"extra_fields":[]}
	{"id":"older",$at,"form":{"id":"informationsmoede-2021","version":"0"},"fields":{$f},"extra_fields":[{"name":"afdeling","kind":"text","raw":"Børn\nog   unge","source":"content-control"},{"name":"deltager_foer","kind":"checkbox","raw":"0","source":"content-control"}]}
	EOF
	skema-validate <in >out &&
	jq -r "[.id, .validation.result, (.warnings // [] | map(.stage + \": \" + .text) | join(\" | \"))] | @tsv" out >actual &&
	cat >expect <<-\EOF &&
	none	eligible	
	empty	eligible	
	same	eligible	
	zero	eligible	
	newer	eligible	validate: Ansøgningen er udfyldt på version 3 af skemaet; tilbuddet er nu version 1. Kontrollér felterne.
	older	eligible	validate: Ansøgningen er udfyldt på version 0 af skemaet; tilbuddet er nu version 1. Kontrollér felterne. Blanketten har felter, som tilbuddet ikke kender: afdeling: Børn og unge; deltager_foer: nej. Tilbuddets felter »Stilling« og »Type anbringelsessted (hvis relevant)« blev ikke fundet i blanketten og er vurderet som tomme.
	EOF
	test_cmp expect actual
'

test_done
