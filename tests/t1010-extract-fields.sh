#!/bin/bash
test_description='skema-extract --inspect reads every field kind exactly (hand-made fixtures)'
. "$(dirname "$0")/lib.sh"

D=$FIXTURES/extract/docs

# Each fixture's listing is compared whole: expected vs actual on failure.
for doc in "$D"/*.docx "$D"/*.docm "$D"/*.odt "$D"/*.fodt "$D"/*.xml; do
	name=$(basename "$doc")
	test_expect_success "fields of $name" "
		(cd '$D' && skema-extract --inspect --forms '$SRC/forms' '$name') >actual &&
		test_cmp '$doc.expected' actual
	"
done

# Documents LibreOffice wrote from those fixtures (fixtures/extract/lo/README).
L=$FIXTURES/extract/lo
for doc in "$L"/*.docx "$L"/*.odt; do
	name=$(basename "$doc")
	test_expect_success "fields of LibreOffice's $name" "
		(cd '$L' && skema-extract --inspect --forms '$SRC/forms' '$name') >actual &&
		test_cmp '$doc.expected' actual
	"
done

# The checks below restate single facts from the listings, so a wrong
# expected file cannot hide them.
field() { # FILE NAME -> the line of field NAME
	skema-extract --inspect "$D/$1" | awk -F'\t' -v n="$2" '$1 == n'
}
test_expect_success 'headers and comments count only for what the body does not have' '
	skema-ingest "$D/comments.docx" | skema-extract --forms "$SRC/forms" >rec &&
	jq -r ".fields | to_entries[] | [.key, .value.value, .value.source] | @tsv" rec | sort >got &&
	printf "%s\t%s\t%s\n" kommune Odense content-control kontakt_email kommentar@odense.dk paragraph \
		kontakt_navn "Kun i kommentaren" content-control tema "Fra brødteksten" content-control >want &&
	test_cmp want got
'
for doc in comments.odt comments.fodt; do
	test_expect_success "$doc: annotations, notes and headers count only for what the body does not have" "
		skema-ingest '$D/$doc' | skema-extract --forms '$SRC/forms' >rec &&
		jq -r '.fields | to_entries[] | [.key, .value.value, .value.source] | @tsv' rec | sort >got &&
		printf '%s\t%s\t%s\n' kommune Odense content-control \
			kontakt_email kommentar@odense.dk paragraph \
			kontakt_navn 'Kun i kommentaren' content-control \
			kontakt_stilling Leder table \
			kontakt_telefon '+45 11 22 33 44' paragraph \
			tema 'Fra brødteksten' content-control >want &&
		test_cmp want got
	"
done
# LibreOffice's own comment markup (fixtures/extract/lo/README): the
# comment's e-mail is taken, its telefon (before the body's) loses, the
# header's kommune is taken; tema's tag LibreOffice drops.
for doc in "$D/comments-text.docx" "$L/comments-text.docx-odt.odt" "$L/comments-text.docx-odt-docx.docx"; do
	test_expect_success "$(basename "$doc"): a comment's and a header's paragraphs count after the body's" "
		skema-ingest '$doc' | skema-extract --forms '$SRC/forms' >rec &&
		jq -r '.fields | to_entries[] | select(.key != \"tema\") | [.key, .value.value, .value.source] | @tsv' rec | sort >got &&
		printf '%s\t%s\t%s\n' kommune Odense paragraph \
			kontakt_email kommentar@odense.dk paragraph \
			kontakt_telefon '+45 11 22 33 44' paragraph >want &&
		test_cmp want got
	"
done
test_expect_success 'LibreOffice wrote an office:annotation (the fixture is what it claims)' '
	unzip -p "$L/comments-text.docx-odt.odt" content.xml >content &&
	test_grep "<office:annotation " content &&
	test_grep "<office:annotation-end " content
'
# The limits count what the asides hold: the body alone is within both.
test_expect_success 'max-fields counts an annotation'"'"'s fields with the body'"'"'s' '
	test_must_fail skema-extract --inspect --max-fields 4 "$D/comments.odt" >out &&
	test_grep "too_many_fields: .*content.xml: annotation: more than 4 fields" out &&
	skema-extract --inspect --max-fields 5 "$D/comments.odt" >out &&
	test_grep "^kontakt_navn	" out
'
test_expect_success 'max-depth applies inside an annotation' '
	test_must_fail skema-extract --inspect --max-depth 9 "$D/comments.odt" >out &&
	test_grep "xml_too_deep: .*content.xml: annotation: nesting deeper than 9" out &&
	test_must_fail skema-extract --inspect --max-depth 9 "$D/comments.fodt" >out &&
	test_grep "xml_too_deep: .*flat ODT: annotation: nesting deeper than 9" out &&
	skema-extract --inspect --max-depth 10 "$D/comments.odt" >out &&
	test_grep "^kontakt_navn	" out
'
test_expect_success 'a header found across the byte scan'"'"'s 16 KiB boundary is read' '
	test "$(field header-split.odt kommune | cut -f3,6)" = "Odense Kommune	styles.xml: header"
'
test_expect_success 'an annotation is named as its part, after every body field' '
	skema-extract --inspect "$D/comments.odt" | grep -v "^#" |
		awk -F "\t" "\$5 != \"table\" && \$5 != \"paragraph\"" | cut -f1,6 >got &&
	printf "%s\t%s\n" tema content.xml kommune "styles.xml: header" \
		tema "content.xml: footnote" tema "content.xml: annotation" \
		kontakt_navn "content.xml: annotation" >want &&
	test_cmp want got
'
test_expect_success 'a value found by its label names the part it was read from' '
	skema-extract --inspect "$D/comments.odt" | grep -v "^#" |
		awk -F "\t" "\$5 == \"table\" || \$5 == \"paragraph\"" | cut -f1,5,6 >got &&
	printf "%s\t%s\t%s\n" kontakt_stilling table content.xml \
		kontakt_email paragraph "content.xml: annotation" \
		kontakt_telefon paragraph content.xml >want &&
	test_cmp want got &&
	skema-extract --inspect "$D/comments-text.docx" | grep -v "^#" |
		awk -F "\t" "\$5 == \"paragraph\"" | cut -f1,6 >got &&
	printf "%s\t%s\n" kommune word/header1.xml kontakt_email word/comments.xml \
		kontakt_telefon word/document.xml >want &&
	test_cmp want got
'
test_expect_success 'the listing shows the label fallback as the record takes it' '
	for doc in fallback.docx comments.odt comments-text.docx; do
		printf "{\"id\":\"x\",\"path\":\"%s\",\"sha256\":\"0\",\"received_at\":\"2021-09-13T11:59:00+02:00\"}\n" \
			"$D/$doc" | skema-extract >rec &&
		jq -r ".fields | to_entries[] | select(.value.source == \"table\" or .value.source == \"paragraph\")
			| [.key, .value.raw, .value.source] | @tsv" rec | sort >want &&
		skema-extract --inspect "$D/$doc" | grep -v "^#" |
			awk -F "\t" "\$5 == \"table\" || \$5 == \"paragraph\"" | cut -f1,4,5 | sort >got &&
		test -s want && test_cmp want got || return 1
	done
'
test_expect_success 'text split across runs and proofErr is joined' '
	field sdt-kinds.docx motivation | cut -f3 >v &&
	echo "Vi ønsker forløbet.\nAnden\tlinje\ntredje" >want &&
	test_cmp want v
'
test_expect_success 'w14 checkbox state, not the glyph' '
	test "$(field sdt-kinds.docx besluttet_chefniveau | cut -f3)" = 1 &&
	test "$(field sdt-kinds.docx tidligere_bistand | cut -f3)" = 0
'
test_expect_success 'drop-down: the shown text maps to its value' '
	field sdt-kinds.docx forloebstype | cut -f2-4 >v &&
	printf "dropdown\trådgivning\tRådgivning\n" >want &&
	test_cmp want v
'
test_expect_success 'date picker: w:fullDate is the value' '
	test "$(field sdt-kinds.docx indledende_moede_dato | cut -f3)" = 2021-03-04
'
test_expect_success 'placeholder text, flagged or Word default, is empty' '
	test -z "$(field sdt-kinds.docx kontakt_stilling | cut -f4)" &&
	test -z "$(field sdt-kinds.docx chef_navn | cut -f4)"
'
test_expect_success 'a text box in mc:AlternateContent is read once' '
	skema-extract --inspect "$D/sdt-kinds.docx" | grep -c "^kontakt_email	" >n &&
	test "$(cat n)" = 1
'
test_expect_success 'building blocks and groups are not fields' '
	! skema-extract --inspect "$D/sdt-kinds.docx" | grep "Indhold"
'
test_expect_success 'legacy checkbox: w:checked overrides w:default, bare w:checked is true' '
	test "$(field legacy-fields.docx ledelsesopbakning | cut -f3)" = 1 &&
	test "$(field legacy-fields.docx besluttet_chefniveau | cut -f3)" = 1 &&
	test "$(field legacy-fields.docx tidligere_bistand | cut -f3)" = 0 &&
	test "$(field legacy-fields.docx personaleressourcer_afsat | cut -f3)" = 0
'
test_expect_success 'legacy drop-down: w:result, else w:default' '
	test "$(field legacy-fields.docx forloebstype | cut -f3)" = undervisning &&
	test "$(field legacy-fields.docx sted_type | cut -f3)" = opholdssted
'
test_expect_success 'empty FORMTEXT (five en spaces) is empty' '
	field legacy-fields.docx kontakt_stilling >line &&
	test -s line &&
	test -z "$(cut -f4 line)"
'
test_expect_success 'tracked changes: insertions in, deletions out, a warning' '
	skema-extract --inspect "$D/tracked.docx" >out &&
	test_grep "^tema	richtext	Vold og overgreb mod børn	" out &&
	test_grep "^# warning .*tracked changes" out
'
test_expect_success 'strict OOXML namespaces' '
	test "$(field strict.docx tema | cut -f3)" = "Strikt OOXML"
'
test_expect_success 'the main part is found through _rels/.rels' '
	field altpath.docx tema | cut -f6 >v &&
	echo word/main2.xml >want &&
	test_cmp want v
'
test_expect_success 'a .docm is read as docm; its macros are never run' '
	skema-extract --inspect "$D/macro.docm" >out &&
	test_grep "^# format docm" out
'
test_expect_success 'a file whose name lies is read by its content' '
	cp "$D/all-kinds.odt" lies.docx &&
	skema-extract --inspect lies.docx >out &&
	test_grep "^# format odt" out
'
test_expect_success 'ODT and flat ODT give the same fields' '
	skema-extract --inspect "$D/all-kinds.odt" | grep -v "^#" | cut -f1-5 >odt &&
	skema-extract --inspect "$D/all-kinds.fodt" | grep -v "^#" | cut -f1-5 >fodt &&
	test_cmp odt fodt
'
test_expect_success 'ODT form controls: values only in form:current-*' '
	test "$(field all-kinds.odt tema | cut -f3)" = "Vold mod børn" &&
	test "$(field all-kinds.odt tidligere_bistand | cut -f3)" = 0 &&
	test "$(field all-kinds.odt forloebstype | cut -f3)" = rådgivning
'
test_expect_success 'flat OPC reads like the DOCX, without the glossary' '
	skema-extract --inspect "$D/sdt-kinds.docx" | grep -v "^#" | cut -f1-5 >docx &&
	skema-extract --inspect "$D/sdt-kinds.xml" | grep -v "^#" | cut -f1-5 >flat &&
	test_cmp docx flat &&
	! grep glossary flat
'
test_expect_success 'data-bound controls: the custom XML part holds the value' '
	test "$(field data-binding.docx tema | cut -f3,5)" = "ny tekst	custom-xml" &&
	test "$(field data-binding.docx besluttet_chefniveau | cut -f3)" = 1 &&
	test "$(field data-binding.docx indledende_moede_dato | cut -f3)" = 2021-05-06 &&
	test "$(field data-binding.docx kontakt_navn | cut -f3,5)" = "ikke bundet	content-control"
'
test_expect_success 'ODT tracked changes: deleted text is not read' '
	! skema-extract --inspect "$D/all-kinds.odt" | grep "ikke med"
'
test_done
