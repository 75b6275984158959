#!/bin/bash
test_description='mkform: blank and filled forms made from the offer definitions'
. "$(dirname "$0")/lib.sh"

OFFERS=$(cd "$SRC/forms" && ls */offer.xml | cut -d/ -f1)

# fields OFFER: the field names of an offer, its blocks included.
fields() {
	def=$SRC/forms/$1/offer.xml
	for b in $(xmllint --xpath '//*[local-name()="include"]/@block' "$def" 2>/dev/null | sed 's/ *block="\([^"]*\)"/\1 /g')
	do
		xmllint --xpath '//*[local-name()="field"]/@name' "$SRC/forms/blocks/$b.xml" | sed 's/ *name="\([^"]*\)"/\1\n/g'
	done
	xmllint --xpath '//*[local-name()="offer"]/*/*[local-name()="field"]/@name' "$def" | sed 's/ *name="\([^"]*\)"/\1\n/g'
}

test_expect_success 'mkform --help, --version and usage errors' '
	mkform --help >out &&
	test_grep "^usage: mkform" out &&
	mkform --version >out &&
	test_grep "^mkform (skema) " out &&
	test_expect_code 64 mkform "$SRC/forms/temaforloeb/offer.xml" 2>err &&
	test_expect_code 64 mkform -o x.pdf "$SRC/forms/temaforloeb/offer.xml" 2>err &&
	test_grep "must end in .docx or .odt" err
'

test_expect_success 'the committed blank forms are what the definitions make' '
	for offer in $OFFERS
	do
		mkform -o $offer.docx "$SRC/forms/$offer/offer.xml" &&
		mkform -o $offer.odt "$SRC/forms/$offer/offer.xml" &&
		cmp $offer.docx "$SRC/forms/$offer/blank.docx" &&
		cmp $offer.odt "$SRC/forms/$offer/blank.odt" || return 1
	done
'

test_expect_success 'every DOCX part is well-formed and every field has a tagged control' '
	for offer in $OFFERS
	do
		mkdir -p x/$offer && (cd x/$offer && unzip -q "$SRC/forms/$offer/blank.docx") &&
		xmllint --noout x/$offer/word/*.xml x/$offer/docProps/*.xml "x/$offer/[Content_Types].xml" &&
		grep -q "name=\"skema.form\"><vt:lpwstr>$offer</vt:lpwstr>" x/$offer/docProps/custom.xml &&
		grep -q "name=\"skema.version\"><vt:lpwstr>1</vt:lpwstr>" x/$offer/docProps/custom.xml &&
		fields $offer >names &&
		test -s names &&
		while read -r name
		do
			test -z "$name" || grep -q "<w:tag w:val=\"$name\"/>" x/$offer/word/document.xml ||
			{ echo "$offer: no control for $name"; return 1; }
		done <names || return 1
	done
'

test_expect_success 'every ODT is a proper package with tagged controls and the properties' '
	for offer in $OFFERS
	do
		mkdir -p o/$offer && (cd o/$offer && unzip -q "$SRC/forms/$offer/blank.odt") &&
		unzip -Z1 "$SRC/forms/$offer/blank.odt" | head -n 1 >first &&
		echo mimetype >expect && test_cmp expect first &&
		unzip -v "$SRC/forms/$offer/blank.odt" mimetype | grep -q " Stored " &&
		xmllint --noout o/$offer/content.xml o/$offer/styles.xml o/$offer/meta.xml o/$offer/META-INF/manifest.xml &&
		grep -q "meta:name=\"skema.form\">$offer<" o/$offer/meta.xml &&
		fields $offer >names &&
		while read -r name
		do
			test -z "$name" || grep -q "loext:tag=\"$name\"" o/$offer/content.xml ||
			{ echo "$offer: no control for $name"; return 1; }
		done <names || return 1
	done
'

test_expect_success 'a choice lists its values, a kommune all 98' '
	grep -o "<w:listItem w:displayText=\"[^\"]*\" w:value=\"[^\"]*\"/>" x/spillerum-2019/word/document.xml |
		grep -c "arbejdspladskursus\|fælleskursus" >count &&
	echo 2 >expect && test_cmp expect count &&
	sed "s|</w:dropDownList>|&\n|g" x/temaforloeb/word/document.xml | grep "<w:tag w:val=\"kommune\"/>" |
		grep -o "<w:listItem " | wc -l >count &&
	echo 98 >expect && test_cmp expect count
'

test_expect_success '--fill writes the values; checkboxes, dates and choices as controls' '
	cat >values.json <<-\EOF &&
	{"tema": "Vold i hjemmet", "besluttet_chefniveau": true, "ledelsesopbakning": "nej",
	 "indledende_moede_dato": "13. august 2021", "forloebstype": "sparring", "timer": 12}
	EOF
	mkform --fill values.json -o f.docx "$SRC/forms/temaforloeb/offer.xml" &&
	unzip -p f.docx word/document.xml >doc.xml &&
	grep -q "<w:tag w:val=\"tema\"/>.*Vold i hjemmet" doc.xml &&
	grep -o "<w:tag w:val=\"besluttet_chefniveau\"/>.\{0,120\}" doc.xml | grep -q "w14:checked w14:val=\"1\"" &&
	grep -o "<w:tag w:val=\"ledelsesopbakning\"/>.\{0,120\}" doc.xml | grep -q "w14:checked w14:val=\"0\"" &&
	grep -q "w:fullDate=\"2021-08-13T00:00:00Z\"" doc.xml &&
	mkform --fill values.json -o f.odt "$SRC/forms/temaforloeb/offer.xml" &&
	unzip -p f.odt content.xml >content.xml &&
	grep -q "loext:current-date=\"2021-08-13T00:00:00Z\"" content.xml &&
	grep -o "loext:tag=\"besluttet_chefniveau\".\{0,60\}" content.xml | grep -q "loext:checked=\"true\""
'

test_expect_success '--plain has no controls, --no-properties no form id' '
	mkform --plain --fill values.json -o p.docx "$SRC/forms/temaforloeb/offer.xml" &&
	unzip -p p.docx word/document.xml >doc.xml &&
	! grep -q "<w:sdt>" doc.xml &&
	grep -q "Vold i hjemmet" doc.xml &&
	mkform --no-properties -o n.odt "$SRC/forms/temaforloeb/offer.xml" &&
	! unzip -p n.odt meta.xml | grep -q skema.form
'

test_expect_success 'a fill value that cannot be a checkbox is refused, an unknown field warned about' '
	echo "{\"besluttet_chefniveau\": \"måske\", \"nonsense\": 1}" >bad.json &&
	test_expect_code 65 mkform --fill bad.json -o bad.docx "$SRC/forms/temaforloeb/offer.xml" 2>err &&
	test_grep "besluttet_chefniveau" err &&
	test_grep "nonsense is not a field" err &&
	! test -e bad.docx
'

if ! command -v soffice >/dev/null 2>&1
then
	say "# soffice not installed: rendering skipped"
	test_done
fi

test_expect_success 'LibreOffice opens every blank form and prints its title and labels' '
	mkdir pdf &&
	cp "$SRC"/forms/temaforloeb/blank.docx pdf/temaforloeb-docx.docx &&
	cp "$SRC"/forms/spillerum-2019/blank.odt pdf/spillerum-odt.odt &&
	cp "$SRC"/forms/beredskab-revision-2021/blank.docx pdf/beredskab-docx.docx &&
	cp "$SRC"/forms/informationsmoede-2021/blank.odt pdf/info-odt.odt &&
	timeout 300 soffice -env:UserInstallation=file://$TRASH/lo-profile --headless \
		--convert-to pdf --outdir pdf pdf/*.docx pdf/*.odt >/dev/null 2>&1 &&
	pdftotext pdf/temaforloeb-docx.pdf - | tr -s " \n" " " >t &&
	test_grep "Temaforløb om overgreb mod børn" t &&
	test_grep "Dato for indledende møde med Socialstyrelsen" t &&
	pdftotext pdf/spillerum-odt.pdf - | tr -s " \n" " " >t &&
	test_grep "Kursus i Spillerum på anbringelsessteder" t &&
	test_grep "Ansøgningsfrist: 1. juni 2019" t &&
	pdftotext pdf/beredskab-docx.pdf - | tr -s " \n" " " >t &&
	test_grep "Ansøgningsfrist: 1. oktober 2021" t &&
	pdftotext pdf/info-odt.pdf - | tr -s " \n" " " >t &&
	test_grep "kl. 12.00" t
'

test_done
