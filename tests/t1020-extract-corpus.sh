#!/bin/bash
test_description='skema-extract --inspect is exact on documents saved by Word and LibreOffice elsewhere'
. "$(dirname "$0")/lib.sh"

test -d "$CORPUS" || test_skip_all "no corpus at $CORPUS"
E=$FIXTURES/extract/corpus

for expected in "$E"/*.expected; do
	base=$(basename "$expected" .expected)
	# lo74-roundtrip_X is lo74-roundtrip/X in the corpus
	case $base in
	lo74-roundtrip_*) rel=lo74-roundtrip/${base#lo74-roundtrip_} ;;
	*) rel=$base ;;
	esac
	test_expect_success "fields of $rel" "
		{ (cd '$CORPUS' && skema-extract --inspect '$rel') >actual 2>&1 || test \$? = 65; } &&
		test_cmp '$expected' actual
	"
done

field() { # FILE NAME -> value column of field NAME
	(cd "$CORPUS" && skema-extract --inspect "$1") | awk -F'\t' -v n="$2" '$1 == n {print $3}'
}
test_expect_success 'POI checkboxes: w:checked wins over w:default' '
	(cd "$CORPUS" && skema-extract --inspect poi_checkboxes.docx) | cut -f1,3 | grep -v "^#" >v &&
	test "$(grep -c "	1$" v)" -ge 4
'
test_expect_success 'LibreOffice content controls (fodt): checkbox checked' '
	(cd "$CORPUS" && skema-extract --inspect lo_content-control-checkbox.fodt) >out &&
	test_grep "	checkbox	1	1	content-control	" out
'
test_expect_success 'fields.odt re-saved with a checked box reads checked' '
	test "$(field lo74-roundtrip/odftoolkit_fields_checked.lo74.odt Kontrollkästchen26 | head -n 1)" = 1 &&
	test "$(field odftoolkit_fields.odt Kontrollkästchen26 | head -n 1)" = 0
'
test_expect_success 'invoice2013: data-bound checkbox and date' '
	test "$(field docx4j_invoice2013.docx "/invoice[1]/VAT[1]/@applies")" = 1 &&
	test "$(field docx4j_invoice2013.docx "/invoice[1]/invoicedate[1]")" = 2015-01-29
'
test_expect_success 'the encrypted POI document is refused as encrypted' '
	(cd "$CORPUS" && test_expect_code 65 skema-extract --inspect poi_bug53475-password-is-pass.docx) >out &&
	test_grep "^# error encrypted:" out
'
test_expect_success 'skema inspect runs the same listing' '
	(cd "$CORPUS" && skema inspect poi_Bug54849.docx) >out &&
	test_cmp "$E/poi_Bug54849.docx.expected" out
'
test_done
