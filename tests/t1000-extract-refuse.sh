#!/bin/bash
test_description='skema-extract refuses what is not a readable form, with a code and Danish advice'
. "$(dirname "$0")/lib.sh"

R=$FIXTURES/extract/refuse

# refused FILE CODE [OPTIONS...]: --inspect names the code, and the stage
# turns the record into a permanent error with that code and Danish advice.
refused() {
	r_file=$1 r_code=$2
	shift 2
	test_expect_code 65 skema-extract --inspect "$@" "$R/$r_file" >out &&
	test_grep "^# error $r_code: " out &&
	printf '{"id":"x","path":"%s"}\n' "$R/$r_file" >in &&
	skema-extract "$@" <in >rec &&
	test "$(jq -r .error.code rec)" = "$r_code" &&
	test "$(jq -r .error.permanent rec)" = true &&
	test "$(jq -r .error.stage rec)" = extract &&
	jq -r .error.message_da rec >da &&
	test_grep '[a-zæøå]' da &&
	test_line_count = 1 rec
}

test_expect_success 'legacy .doc (OLE compound file)' 'refused legacy.doc legacy_doc'
test_expect_success 'legacy .doc: Danish advice names .docx and .odt' '
	refused legacy.doc legacy_doc &&
	test_grep "Gem dokumentet som .docx eller .odt" da
'
test_expect_success 'encrypted OOXML (OLE EncryptedPackage)' 'refused encrypted.docx encrypted'
test_expect_success 'encrypted ODT (manifest encryption-data)' 'refused encrypted.odt encrypted'
test_expect_success 'a PDF named .docx' 'refused scan.docx pdf'
test_expect_success 'an image named .docx' 'refused photo.docx image'
test_expect_success 'an empty file' 'refused empty.docx empty'
test_expect_success 'plain text named .docx' 'refused notes.docx not_a_document'
test_expect_success 'RTF named .docx' 'refused letter.rtf.docx not_a_document'
test_expect_success 'a spreadsheet package' 'refused sheet.docx not_a_document'
test_expect_success 'an OpenDocument spreadsheet' 'refused sheet.ods not_a_document'
test_expect_success 'a truncated DOCX' 'refused truncated.docx truncated'
test_expect_success 'a damaged central directory' 'refused corrupt.docx corrupt_zip'
test_expect_success 'a whole DOCX with more appended than a zip comment can hold is damaged, not cut short' '
	cp "$FIXTURES/demo/raadgivningsforloeb-koebenhavn.libreoffice.docx" appended.docx &&
	head -c 70000 /dev/zero >>appended.docx &&
	test_expect_code 65 skema-extract --inspect appended.docx >out &&
	test_grep "^# error corrupt_zip: .*70000 bytes of other data after the end of the archive" out
'
test_expect_success 'a DOCX with a short tail appended (a mail signature) is still read' '
	cp "$FIXTURES/demo/raadgivningsforloeb-koebenhavn.libreoffice.docx" tail.docx &&
	printf "\r\n-- \r\nSendt fra min iPhone\r\n" >>tail.docx &&
	skema-extract --inspect tail.docx >out &&
	test_grep "Københavns Kommune" out
'
test_expect_success 'a zip without a document part' 'refused nodoc.docx no_document_part'
test_expect_success '_rels/.rels without officeDocument' 'refused norels.docx no_document_part'
test_expect_success 'main part named but missing' 'refused missingmain.docx no_document_part'
test_expect_success 'two entries with the same name' 'refused dup.docx duplicate_entry'
test_expect_success 'two entries differing only in case' 'refused casedup.docx duplicate_entry'
test_expect_success 'an entry name with ../' 'refused traversal.docx corrupt_zip'
test_expect_success 'more than 1000 entries' 'refused entries.docx too_many_entries'
test_expect_success 'more entries than --max-entries' '
	test_expect_code 65 skema-extract --inspect --max-entries 3 "$FIXTURES/extract/docs/sdt-kinds.docx" >out &&
	test_grep "^# error too_many_entries: .*more than 3" out
'
test_expect_success 'an inflate ratio over 100 (zip bomb)' 'refused bomb.docx zip_bomb'
test_expect_success 'a part larger than --max-part' '
	refused bomb.docx too_large --max-part 1M &&
	test_grep "eller dens tekst er for lang" da
'
test_expect_success 'a part inflating past its declared size' 'refused liar.docx zip_bomb'
test_expect_success 'a file larger than --max-size' 'refused bomb.docx too_large --max-size 10K'
test_expect_success 'DOCTYPE with entities (billion laughs)' 'refused doctype.docx doctype'
test_expect_success 'DOCTYPE after 200 KB of comment (seen as the part streams)' 'refused doctype-late.docx doctype'
test_expect_success 'DOCTYPE with an external entity (XXE)' '
	refused xxe.docx doctype &&
	! grep -q "$(cat /etc/hostname 2>/dev/null || echo nohostname)" rec
'
test_expect_success 'nesting deeper than 256' 'refused deep.docx xml_too_deep'
test_expect_success 'nesting deeper than --max-depth' '
	test_expect_code 65 skema-extract --inspect --max-depth 5 "$FIXTURES/extract/docs/sdt-kinds.docx" >out &&
	test_grep "^# error xml_too_deep: .*nesting deeper than 5" out
'
test_expect_success 'XML that is not well-formed' 'refused broken.docx xml_error'
test_expect_success 'bytes that are not UTF-8' 'refused latin1.docx xml_error'
test_expect_success 'more fields than --max-fields' '
	test_expect_code 65 skema-extract --inspect --max-fields 3 "$FIXTURES/extract/docs/sdt-kinds.docx" >out &&
	test_grep "^# error too_many_fields: " out
'
test_expect_success 'a field longer than --max-field-length' '
	test_expect_code 65 skema-extract --inspect --max-field-length 10 "$FIXTURES/extract/docs/sdt-kinds.docx" >out &&
	test_grep "^# error field_too_long: " out
'
test_expect_success 'a record longer than --max-record: refused, what was read dropped' '
	printf "{\"id\":\"x\",\"path\":\"%s\"}\n" "$FIXTURES/extract/docs/sdt-kinds.docx" >in &&
	skema-extract --max-record 1K <in >rec 2>err &&
	test "$(jq -r .error.code rec)" = too_much_text &&
	test "$(jq -r .error.permanent rec)" = true &&
	test "$(jq -r "has(\"fields\")" rec)" = false &&
	jq -r .error.message_da rec >da &&
	test_grep "forkorte teksterne" da &&
	test_grep "sdt-kinds.docx: the record would be longer than 1024 bytes" err &&
	test_expect_code 64 skema-extract --max-record 33M </dev/null 2>/dev/null
'

# docx_with FILE: a DOCX of temaforloeb (skema.form) whose main part is
# the bytes on stdin, as they are.
docx_with() {
	python3 -c "
import sys, zipfile
doc = sys.stdin.buffer.read()
with zipfile.ZipFile(sys.argv[1], \"w\", zipfile.ZIP_DEFLATED) as z:
    z.writestr(\"[Content_Types].xml\", \"<?xml version=\\\"1.0\\\" encoding=\\\"UTF-8\\\"?><Types xmlns=\\\"http://schemas.openxmlformats.org/package/2006/content-types\\\"><Default Extension=\\\"rels\\\" ContentType=\\\"application/vnd.openxmlformats-package.relationships+xml\\\"/><Override PartName=\\\"/word/document.xml\\\" ContentType=\\\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\\\"/></Types>\")
    z.writestr(\"_rels/.rels\", \"<?xml version=\\\"1.0\\\" encoding=\\\"UTF-8\\\"?><Relationships xmlns=\\\"http://schemas.openxmlformats.org/package/2006/relationships\\\"><Relationship Id=\\\"r1\\\" Type=\\\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\\\" Target=\\\"word/document.xml\\\"/><Relationship Id=\\\"r2\\\" Type=\\\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties\\\" Target=\\\"docProps/custom.xml\\\"/></Relationships>\")
    z.writestr(\"docProps/custom.xml\", \"<?xml version=\\\"1.0\\\" encoding=\\\"UTF-8\\\"?><Properties xmlns=\\\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\\\" xmlns:vt=\\\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\\\"><property fmtid=\\\"{D5CDD505-2E9C-101B-9397-08002B2CF9AE}\\\" pid=\\\"2\\\" name=\\\"skema.form\\\"><vt:lpwstr>temaforloeb</vt:lpwstr></property></Properties>\")
    z.writestr(\"word/document.xml\", doc)
" "$1"
}

# One content control: tag $1, text $2.
W='xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
sdt() {
	printf '<w:sdt><w:sdtPr><w:tag w:val="%s"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:sdtContent></w:sdt>' "$1" "$2"
}

# big.docx: 60 content controls of 99,000 varied letters each, every one
# within --max-field-length: 6 MB of text, a record of 12 MB.
make_big_docx() {
	python3 -c "
import random
rnd = random.Random(1)
print('<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document $W><w:body>' + ''.join(
    '<w:sdt><w:sdtPr><w:tag w:val=\"f%d\"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>%s</w:t>'
    '</w:r></w:p></w:sdtContent></w:sdt>' % (i, ''.join(rnd.choice('abcdefghij ') for _ in range(99000)))
    for i in range(60)) + '</w:body></w:document>')
" | docx_with "$1"
}
test_expect_success 'a form with far more text than an application is refused by this stage, not the next' '
	make_big_docx big.docx &&
	printf "{\"id\":\"x\",\"path\":\"%s\"}\n" "$TRASH/big.docx" >in &&
	skema-extract <in >rec 2>err &&
	test "$(jq -r .error.code rec)" = too_much_text &&
	test $(wc -c <rec) -lt 4096 &&
	test_grep "the record would be longer than 4194304 bytes" err &&
	skema-extract --no-sandbox <in >rec &&
	test "$(jq -r .error.code rec)" = too_much_text
'
test_expect_success 'a reader'"'"'s answer past four times --max-record is refused before it is parsed' '
	printf "{\"id\":\"x\",\"path\":\"%s\"}\n" "$TRASH/big.docx" >in &&
	skema-extract --max-record 256K <in >rec 2>err &&
	test "$(jq -r .error.code rec)" = too_much_text &&
	test_grep "the reader.s answer was longer than 1048576 bytes" err &&
	test_expect_code 65 skema-extract --inspect --max-record 256K big.docx >out &&
	test_grep "^# error too_much_text: " out
'
test_expect_success 'the encoding a part declares is not obeyed: UTF-8 bytes declared Latin-1 read as UTF-8' '
	{ printf "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><w:document %s><w:body>" "$W" &&
	  sdt forvaltning "Børne- og Familieforvaltningen" && printf "</w:body></w:document>"; } |
	docx_with latin1-declared.docx &&
	skema-extract --inspect latin1-declared.docx >out &&
	test_grep "^forvaltning	richtext	Børne- og Familieforvaltningen	" out
'
# libxml2 switches to the declared encoding after the declaration: bytes
# after it in EBCDIC were read, and a DOCTYPE in them escaped the byte scan.
test_expect_success 'a part declared EBCDIC is refused as not UTF-8, its DOCTYPE never parsed' '
	python3 -c "import sys; sys.stdout.buffer.write(b\"<?xml version=\\\"1.0\\\" encoding=\\\"IBM037\\\"?><w:doc\" + sys.argv[1].encode(\"cp037\"))" \
		"ument $W><w:body>$(sdt tema Seksuelle)</w:body></w:document>" | docx_with ebcdic.docx &&
	test_expect_code 65 skema-extract --inspect ebcdic.docx >out &&
	test_grep "^# error xml_error: .*not proper UTF-8" out &&
	python3 -c "import sys; sys.stdout.buffer.write(b\"<?xml version=\\\"1.0\\\" encoding=\\\"IBM037\\\"?><!DOCT\" + sys.argv[1].encode(\"cp037\"))" \
		"YPE w:document [<!ENTITY a \"b\"><!ENTITY c \"&a;&a;&a;\">]><w:document $W><w:body>$(sdt tema "&c;")</w:body></w:document>" |
	docx_with ebcdic-doctype.docx &&
	test_expect_code 65 skema-extract --inspect ebcdic-doctype.docx >out &&
	test_grep "^# error xml_error: " out &&
	! grep -i "entity" out
'
test_expect_success 'an element with more attributes than --max-attributes (libxml2 checks them pairwise)' '
	{ printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document %s><w:body><w:p" "$W" &&
	  seq 1 1500 | sed "s/.*/ a&=\"\"/" | tr -d "\n" &&
	  printf "/>%s</w:body></w:document>" "$(sdt tema Seksuelle)"; } | docx_with attrs.docx &&
	test_expect_code 65 skema-extract --inspect attrs.docx >out &&
	test_grep "^# error too_many_attributes: .*more than 1000 attributes" out &&
	test_expect_code 64 skema-extract --inspect --max-attributes 999 attrs.docx 2>/dev/null &&
	skema-extract --inspect --max-attributes 2000 attrs.docx >out &&
	test_grep "^tema	" out
'
test_expect_success 'a flat ODT element with too many attributes is refused too' '
	{ printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" office:mimetype=\"application/vnd.oasis.opendocument.text\"" &&
	  seq 1 1500 | sed "s/.*/ a&=\"\"/" | tr -d "\n" &&
	  printf "><office:body><office:text/></office:body></office:document>"; } >attrs.fodt &&
	test_expect_code 65 skema-extract --inspect attrs.fodt >out &&
	test_grep "^# error too_many_attributes: " out
'
test_expect_success 'a part the relationships name many times is read once' '
	{ printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document %s><w:body>%s</w:body></w:document>" "$W" "$(sdt tema Seksuelle)"; } |
	docx_with once.docx &&
	python3 -c "
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], \"a\")
w = \"xmlns:w=\\\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\\\"\"
z.writestr(\"word/header1.xml\", \"<w:hdr %s><w:sdt><w:sdtPr><w:tag w:val=\\\"kommune\\\"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Odense</w:t></w:r></w:p></w:sdtContent></w:sdt></w:hdr>\" % w)
z.writestr(\"word/_rels/document.xml.rels\", \"<Relationships xmlns=\\\"http://schemas.openxmlformats.org/package/2006/relationships\\\">\" + \"\".join(
    \"<Relationship Id=\\\"h%d\\\" Type=\\\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\\\" Target=\\\"header1.xml\\\"/>\" % i for i in range(200)) + \"</Relationships>\")
" once.docx &&
	skema-extract --inspect once.docx >out &&
	grep "^kommune	" out >kommune &&
	test_line_count = 1 kommune &&
	test_grep "word/header1.xml" kommune
'
# with_mimetype IN OUT TEXT: the ODT IN with its mimetype entry replaced by TEXT.
with_mimetype() {
	python3 -c "
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], \"w\") as z:
    z.writestr(\"mimetype\", sys.argv[3])
    for n in src.namelist():
        if n != \"mimetype\":
            z.writestr(src.getinfo(n), src.read(n), zipfile.ZIP_DEFLATED)
" "$1" "$2" "$3"
}
test_expect_success 'a padded mimetype is judged by what it says, a huge one refused as too large' '
	with_mimetype "$FIXTURES/extract/docs/all-kinds.odt" padded.odt \
		"application/vnd.oasis.opendocument.text$(printf "%300s" "")" &&
	skema-extract --inspect padded.odt >out &&
	test_grep "^# format odt" out &&
	with_mimetype "$FIXTURES/extract/docs/all-kinds.odt" huge.odt "$(head -c 5000 /dev/zero | tr "\0" x)" &&
	test_expect_code 65 skema-extract --inspect huge.odt >out &&
	test_grep "^# error too_large: .*mimetype: longer than 4096 bytes" out
'
test_expect_success 'two controls of one name with different text: the first is taken, with a warning' '
	{ printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document %s><w:body>" "$W" &&
	  sdt tema første && sdt tema anden && sdt kommune Odense && sdt kommune Odense &&
	  printf "</w:body></w:document>"; } | docx_with twins.docx &&
	printf "{\"id\":\"x\",\"path\":\"%s\"}\n" "$TRASH/twins.docx" | skema-extract >rec &&
	test "$(jq -r .fields.tema.raw rec)" = første &&
	jq -r ".warnings[].text" rec >warnings &&
	test_line_count = 1 warnings &&
	test_grep "den første (\"første\") er brugt, den anden (\"anden\") ikke" warnings
'
test_expect_success 'mc:AlternateContent: the first Choice Word understands is read, not one it skips' '
	MC="xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" xmlns:xyz=\"urn:bogus\" xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\"" &&
	{ printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document %s %s><w:body><mc:AlternateContent>" "$W" "$MC" &&
	  printf "<mc:Choice Requires=\"xyz\">%s</mc:Choice>" "$(sdt tema skjult)" &&
	  printf "<mc:Choice Requires=\"wps\">%s</mc:Choice>" "$(sdt tema vist)" &&
	  printf "<mc:Fallback>%s</mc:Fallback>" "$(sdt tema reserve)" &&
	  printf "</mc:AlternateContent></w:body></w:document>"; } | docx_with altcontent.docx &&
	skema-extract --inspect altcontent.docx | grep "^tema	" >out &&
	test_line_count = 1 out &&
	test_grep "^tema	[a-z]*	vist	" out
'
test_expect_success 'a missing file is an io error, not permanent' '
	printf "{\"id\":\"x\",\"path\":\"%s\"}\n" "$TRASH/nothing.docx" >in &&
	skema-extract <in >rec &&
	test "$(jq -r .error.code rec)" = io &&
	test "$(jq -r .error.permanent rec)" = false
'
test_expect_success 'error messages name the file and stay on one line' '
	refused traversal.docx corrupt_zip &&
	jq -r .error.message rec >msg &&
	test_grep "traversal.docx: zip: unsafe entry name" msg &&
	test_line_count = 1 msg
'
# Inputs the fuzzer (make fuzz) once crashed on: each must now give a
# verdict, never a crash (a sanitizer build turns a regression into one).
for f in "$FIXTURES"/extract/fuzz/*; do
	test_expect_success "fuzzer find $(basename "$f") gives a verdict" "
		{ skema-extract --no-sandbox --inspect '$f' >out || test \$? = 65; } &&
		test_grep '^# ' out &&
		printf '{\"id\":\"x\",\"path\":\"%s\"}\\n' '$f' >in &&
		skema-extract <in >rec &&
		test_line_count = 1 rec
	"
done
test_done
