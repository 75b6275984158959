#!/bin/bash
test_description='skema-extract as a stage: records in, records with fields out'
. "$(dirname "$0")/lib.sh"

D=$FIXTURES/extract/docs
R=$FIXTURES/extract/refuse

rec() { # ID FILE -> one input record
	printf '{"id":"%s","path":"%s","sha256":"0","received_at":"2021-09-13T11:59:00+02:00"}\n' "$1" "$2"
}

test_expect_success '--help, --version and a bad option' '
	skema-extract --help >out &&
	test_grep "^usage: skema-extract" out &&
	skema-extract --version >out &&
	test_grep "^skema-extract (skema) " out &&
	test_expect_code 64 skema-extract --no-such-option 2>err </dev/null &&
	test_expect_code 64 skema-extract --max-size lots </dev/null 2>err &&
	test_expect_code 64 skema-extract --inspect 2>err
'
test_expect_success 'a form with content controls: identity, fields, raw and value' '
	rec a "$D/sdt-kinds.docx" | skema-extract >out &&
	test "$(jq -r .format out)" = docx &&
	test "$(jq -c .form out)" = "{\"id\":\"temaforloeb\",\"version\":\"1\",\"source\":\"property\"}" &&
	test "$(jq -r .fields.kommune.raw out)" = "Århus Kommune" &&
	test "$(jq -r .fields.kommune.value out)" = Aarhus &&
	test "$(jq -r .fields.timer.value out)" = 20 &&
	test "$(jq -r .fields.besluttet_chefniveau.value out)" = 1 &&
	test "$(jq -r .fields.tidligere_bistand.value out)" = 0 &&
	test "$(jq -r .fields.forloebstype.value out)" = rådgivning &&
	test "$(jq -r .fields.indledende_moede_dato.value out)" = 2021-03-04 &&
	test "$(jq -r .fields.kontakt_stilling.value out)" = null &&
	test "$(jq -r .fields.kontakt_stilling.raw out)" = "" &&
	test "$(jq -r .fields.tema.source out)" = content-control &&
	test "$(jq -c .fields.forloebstype.options out)" = "[\"Vælg et element.\",\"Sparring\",\"Rådgivning\"]" &&
	test "$(jq -r ".extra_fields[0].name" out)" = raekke &&
	test "$(jq -r .sha256 out)" = 0
'
test_expect_success 'ODT: every encoding lands in the record, with the tracked-change warning' '
	rec b "$D/all-kinds.odt" | skema-extract >out &&
	test "$(jq -r .format out)" = odt &&
	test "$(jq -r .fields.kontakt_telefon.source out)" = fieldmark &&
	test "$(jq -r .fields.kommune.source out)" = user-field &&
	test "$(jq -r .fields.forvaltning.source out)" = text-input &&
	test "$(jq -r .fields.tema.source out)" = form-control &&
	test "$(jq -r .fields.timer.raw out)" = Tyve &&
	test "$(jq -r .fields.timer.value out)" = 20 &&
	test "$(jq -r ".warnings[0].stage" out)" = extract &&
	jq -r ".warnings[0].text" out >w &&
	test_grep "registrerede ændringer" w
'
test_expect_success 'a form that lost its controls: title, tables and paragraphs' '
	rec c "$D/fallback.docx" | skema-extract >out &&
	test "$(jq -r .form.source out)" = title &&
	test "$(jq -r .fields.tema.raw out)" = "Digitale overgreb" &&
	test "$(jq -r .fields.tema.source out)" = table &&
	test "$(jq -r .fields.kontakt_email.value out)" = jens@odense.dk &&
	test "$(jq -r .fields.besluttet_chefniveau.value out)" = 1 &&
	test "$(jq -r .fields.timer.value out)" = 20 &&
	test "$(jq -r .fields.indledende_moede_dato.source out)" = paragraph &&
	test "$(jq -r .fields.indledende_moede_dato.value out)" = 2021-09-13
'
test_expect_success 'no title and no properties: recognised by its labels' '
	rec d "$D/fallback-labels.docx" | skema-extract >out &&
	test "$(jq -r .form.source out)" = labels &&
	test "$(jq -r .form.id out)" = temaforloeb
'
test_expect_success 'no way to tell the offer: unknown_form' '
	rec e "$D/unknown.docx" | skema-extract >out &&
	test "$(jq -r .error.code out)" = unknown_form &&
	jq -r .error.message out >m &&
	test_grep "could not be determined" m
'
test_expect_success 'a form id no offer has: unknown_form naming it' '
	rec f "$D/foreign-form.docx" | skema-extract >out &&
	test "$(jq -r .error.code out)" = unknown_form &&
	jq -r .error.message_da out >m &&
	test_grep "ukendt-tilbud" m
'
test_expect_success 'normalising errors stay on the field, in Danish' '
	rec g "$D/bad-values.docx" >in &&
	skema-extract --forms "$SRC/forms" <in >out &&
	test "$(jq -r .error out)" = null &&
	test "$(jq -r .fields.timer.raw out)" = mange &&
	test "$(jq -r .fields.timer.value out)" = null &&
	test "$(jq -r .fields.indledende_moede_dato.value out)" = null &&
	jq -r ".fields.indledende_moede_dato.error, .fields.timer.error" out >e &&
	test_line_count = 2 e &&
	! grep -x null e
'
test_expect_success 'a record that already failed passes through untouched' '
	echo "{\"id\":\"h\",\"path\":\"$D/sdt-kinds.docx\",\"error\":{\"stage\":\"ingest\",\"code\":\"io\",\"permanent\":false,\"message\":\"m\",\"message_da\":\"d\"}}" >in &&
	skema-extract <in >out &&
	jq -S . in >want &&
	jq -S . out >got &&
	test_cmp want got
'
test_expect_success 'one bad document never stops the batch; order is kept' '
	{
		rec 1 "$D/sdt-kinds.docx" &&
		rec 2 "$R/legacy.doc" &&
		rec 3 "$R/doctype.docx" &&
		rec 4 "$R/bomb.docx" &&
		rec 5 "$D/all-kinds.fodt" &&
		rec 6 "$R/truncated.docx"
	} >in &&
	skema-extract <in >out &&
	jq -r "[.id, (.error.code // .form.id)] | join(\" \")" out >got &&
	printf "1 temaforloeb\n2 legacy_doc\n3 doctype\n4 zip_bomb\n5 temaforloeb\n6 truncated\n" >want &&
	test_cmp want got
'
test_expect_success 'a line that is not a record: the rest is written, exit 65' '
	{ rec 1 "$D/strict.docx" && echo "not json" && rec 2 "$D/sdt-kinds.docx"; } >in &&
	test_expect_code 65 skema-extract <in >out 2>err &&
	test_line_count = 2 out &&
	test_grep "not a JSON object" err
'
test_expect_success 'no offer definitions: exit 78' '
	mkdir empty-forms &&
	rec 1 "$D/strict.docx" >in &&
	test_expect_code 78 skema-extract --forms empty-forms <in >out 2>err
'
test_expect_success 'messages name the file as staff dropped it, not its claimed path' '
	mkdir -p work/1614675600.P13063R8640da482bc7 &&
	cp "$FIXTURES/extract/refuse/legacy.doc" work/1614675600.P13063R8640da482bc7/document.docx &&
	printf "{\"id\":\"1\",\"path\":\"%s\",\"original_name\":\"inbox/ansøgning\\\\u001b.docx\"}\n" \
		"$PWD/work/1614675600.P13063R8640da482bc7/document.docx" >in &&
	printf "not a form\n" >work/plain.docx &&
	printf "{\"id\":\"2\",\"path\":\"%s\",\"original_name\":\"inbox/x.docx\"}\n" \
		"$PWD/work/plain.docx" >>in &&
	printf "{\"id\":\"3\",\"path\":\"%s\"}\n" "$PWD/work/plain.docx" >>in &&
	skema-extract <in >out 2>err &&
	jq -r .error.message out >got &&
	cat >want <<-EOF &&
	inbox/ansøgning\\x1b.docx: a legacy Word document (.doc, OLE compound file)
	inbox/x.docx: not a DOCX or ODT file (neither a zip package nor flat XML)
	$PWD/work/plain.docx: not a DOCX or ODT file (neither a zip package nor flat XML)
	EOF
	test_cmp want got &&
	sed "s/^/skema-extract: /" want >want.err &&
	test_cmp want.err err
'
test_expect_success 'a long text LibreOffice split: the paragraphs after its control, up to the next heading' '
	L=$FIXTURES/extract/lo &&
	printf "Første afsnit om behovet.\nAndet afsnit.\nTredje afsnit." >want &&
	for f in "$L/split-longtext.docx-docx.docx" "$D/split-longtext-lo.docx" "$D/split-longtext.docx" \
		"$L/split-longtext-cell.docx-docx.docx" "$D/split-longtext-cell.docx"
	do
		rec s "$f" | skema-extract >out &&
		jq -j .fields.motivation.raw out >got &&
		test_cmp want got &&
		test "$(jq -r .fields.motivation.source out)" = content-control &&
		test "$(jq -r .fields.kontakt_navn.raw out)" = "Jens Hansen" || return 1
	done &&
	rec s "$L/split-longtext-cell.docx-docx.docx" | skema-extract >out &&
	! jq -r .fields.motivation.raw out | grep -q "Beskriv" &&
	rec s "$L/split-longtext.docx-docx.docx" | skema-extract >out &&
	! jq -r .fields.motivation.raw out | grep -q "spørgsmål" &&
	jq -r ".warnings[].text" out >w &&
	test_grep "Motivation for at deltage\" er læst med 2 afsnit" w &&
	test_grep "LibreOffice" w
'
test_expect_success 'the same shape from a writer that is not LibreOffice: only the control is the answer' '
	rec s "$D/split-longtext-inline.docx" | skema-extract >out &&
	test "$(jq -r .fields.motivation.raw out)" = "Første afsnit om behovet." &&
	test "$(jq -r ".warnings | length" out)" = 0 &&
	skema-extract --inspect "$D/split-longtext-inline.docx" >listing &&
	! grep -q "^# following" listing
'
test_expect_success 'unknown_form names the file as staff dropped it' '
	printf "{\"id\":\"1\",\"path\":\"%s\",\"original_name\":\"inbox/Ansøgning.docx\"}\n" \
		"$D/unknown.docx" >in &&
	skema-extract <in >out 2>err &&
	test "$(jq -r .error.code out)" = unknown_form &&
	jq -r .error.message out >msg &&
	test_grep "^inbox/Ansøgning.docx: which offer" msg &&
	test_grep "^skema-extract: inbox/Ansøgning.docx: which offer" err
'
test_expect_success '--inspect still names the file as given' '
	cp "$FIXTURES/extract/refuse/legacy.doc" given.docx &&
	test_expect_code 65 skema-extract --inspect given.docx >out 2>err &&
	test_grep "given.docx" out
'
test_done
