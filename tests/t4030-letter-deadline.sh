#!/bin/bash
test_description='skema-letter: refusals at a deadline: late, and eligible but not selected'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/letter/cases.sh"

export SKEMA_NOW=2021-09-20T09:00:00+02:00

test_expect_success 'setup: an application five minutes after the deadline, decided after it' '
	mkdir ws &&
	fields=$(jq -n -c "{sted_navn: \"Opholdsstedet Åen\", sted_type: \"opholdssted\", cvr: \"12345674\",
		kommune: \"Vejle\", leder_navn: \"Åse Østergård\", kontakt_navn: \"Søren Ærø\",
		kontakt_email: \"s@example.dk\", kontakt_telefon: \"+45 12 34 56 78\",
		aaben_institution: 1, driftsherre_navn: \"Vejle Kommune\", driftsherre_type: \"kommunal\",
		driftsherre_deltager: 1, motivation: \"Vi vil gerne.\", ledelsesopbakning: 1}") &&
	mkrec 1 partnerskab-magtanvendelse-2021 2021-09-13T12:05:00+02:00 eligible "$fields" \
		"[[\"aaben_institution\",\"eligibility\",true]]" |
		jq -c ".validation.deadline = {at: \"2021-09-13T12:00:00+02:00\", late: true}" >in &&
	skema-store ws/skema.db <in >/dev/null &&
	skema-decide ws/skema.db >decided &&
	test "$(jq -r .outcome decided)" = afslag
'

test_expect_success 'the refusal gives the time received and the deadline, and a klagevejledning' '
	skema-letter -d ws/skema.db -o out <decided >written &&
	flat "$(jq -r .path written)" >t &&
	has_text "Ansøgningen er modtaget den 13. september 2021 kl. 12.05, efter ansøgningsfristen den 13. september 2021 kl. 12.00." t &&
	has_text "Opholdsstedet Åen" t &&
	! grep -q "flere ansøgninger end pladser" t &&
	has_text "Klagevejledning" t
'

test_expect_success 'an eligible application not selected in the round: the selection and priorities are the reasons' '
	mkrec 2 temaforloeb 2021-09-01T10:00:00+02:00 eligible "$(kommune_fields Vejle)" "$TEMA_OK" >in2 &&
	skema-store ws/skema.db <in2 >/dev/null &&
	id=$(sql ws/skema.db "SELECT id FROM submissions WHERE record_id LIKE \"%-2\"") &&
	sql ws/skema.db "UPDATE decisions SET current = 0 WHERE submission_id = $id" &&
	sql ws/skema.db "INSERT INTO decisions (submission_id, outcome, state, explanation, actor, decided_at)
		VALUES ($id, \"afslag\", \"final\", \"Der var 14 egnede ansøgninger til 10 pladser.\", \"test\", \"2021-09-20T09:00:00+02:00\")" &&
	echo "{\"submission_id\": $id}" | skema-letter -d ws/skema.db -o out2 >written2 &&
	flat "$(jq -r .path written2)" >t &&
	has_text "opfylder betingelserne for at deltage, men der har været flere ansøgninger end pladser" t &&
	has_text "$(criterion temaforloeb motivation fail)" t &&
	has_text "$(criterion temaforloeb ingen_tidligere_bistand pass)" t &&
	has_text "Der var 14 egnede ansøgninger til 10 pladser." t &&
	! grep -q "efter ansøgningsfristen" t
'

test_expect_success 'a letter the database cannot record is taken back; the next run writes it under its own name' '
	id=$(sql ws/skema.db "SELECT id FROM submissions WHERE record_id LIKE \"%-2\"") &&
	sql ws/skema.db "CREATE TRIGGER refuse BEFORE INSERT ON letters BEGIN SELECT RAISE(ABORT, \"nej\"); END" &&
	echo "{\"submission_id\": $id}" >one &&
	test_expect_code 70 skema-letter -d ws/skema.db -o out3 <one >written3 2>err &&
	test_line_count = 0 written3 &&
	test_grep "recording out3/2021-000002-afslag.pdf" err &&
	ls out3 >files &&
	test_line_count = 0 files &&
	sql ws/skema.db "DROP TRIGGER refuse" &&
	skema-letter -d ws/skema.db -o out3 <one >written3 &&
	test "$(jq -r .path written3)" = out3/2021-000002-afslag.pdf
'

test_done
