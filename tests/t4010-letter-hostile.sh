#!/bin/bash
test_description='skema-letter: hostile field values give correct letters and review sheets'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/letter/cases.sh"

export SKEMA_NOW=2026-03-10T09:00:00+01:00

test_expect_success 'setup: PDF syntax, markup, control characters, RTL text, emoji, 100,000 characters' '
	mkdir ws &&
	long=$(head -c 100000 /dev/zero | tr "\0" "x") &&
	story=$(for i in $(seq 1 80); do printf "Sætning nummer %03d om kommunens arbejde med børn og unge. " $i; done)SLUTORD &&
	kommune_fields Vejle | jq -c --arg long "$long" --arg story "$story" "
		.kontakt_navn = \") Tj ET BT /F1 99 Tf (x) Tj \\\\ %%EOF <</Type /Catalog>> **fed** # ikke overskrift\" |
		.forvaltning = \"Afd.\u0001\u0002\u001b[31m rød\u0007 \u05e9\u05dc\u05d5\u05dd \ud83d\ude00 \u202eslut\" |
		.adresse = \$long |
		.tema = \"\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \ud83d\ude00 \u202eslut\" |
		.chef_navn = \$long | .motivation = \$story |
		.kontakt_stilling = (\"Første\" + (\"\\n\" * 50000) + \"sidste æøå\" * 400)" >fields &&
	test $(wc -c <fields) -gt 100000 &&
	mkrec 1 temaforloeb 2026-03-01T10:00:00+01:00 eligible @fields "$TEMA_OK" >in &&
	skema-store ws/skema.db <in >/dev/null &&
	skema-decide ws/skema.db >decided &&
	test_line_count = 1 decided
'

test_expect_success 'the letter and the review sheet are written' '
	skema-letter -d ws/skema.db -o out --review-sheets <decided >written &&
	test_line_count = 2 written &&
	for f in out/*.pdf
	do
		qpdf --check "$f" >/dev/null 2>&1 || return 1
		pdffonts "$f" 2>/dev/null | tail -n +3 >fonts &&
		! grep -v " yes yes yes " fonts || return 1
	done
'

test_expect_success 'PDF syntax and markup in a value are printed as typed' '
	flat out/2026-000001-bevilget-udkast.pdf >t &&
	has_text ") Tj ET BT /F1 99 Tf (x) Tj \\ %%EOF <</Type /Catalog>> **fed** # ikke overskrift" t
'

test_expect_success 'control characters are replaced visibly, the rest of the value kept' '
	flat out/2026-000001-bevilget-udkast.pdf >t &&
	has_text "Afd.���[31m rød� ���� � �slut" t
'

test_expect_success 'a 100,000-character address is cut to one line; the letter keeps its one page' '
	flat out/2026-000001-bevilget-udkast.pdf >t &&
	has_text "xxxxxxxxxx…" t &&
	test $(pdfinfo out/2026-000001-bevilget-udkast.pdf 2>/dev/null | sed -n "s/^Pages: *//p") -le 2 &&
	has_text "Med venlig hilsen" t
'

test_expect_success 'letters stay small: at most 40 KB' '
	test $(wc -c <out/2026-000001-bevilget-udkast.pdf) -le 40960
'

test_expect_success 'review sheet: RTL text and emoji become U+FFFD, never vanish' '
	flat out/2026-000001-gennemgang.pdf >t &&
	has_text "���� ����� � �slut" t
'

test_expect_success 'review sheet: a 100,000-character value is cut and says so' '
	flat out/2026-000001-gennemgang.pdf >t &&
	has_text "[afkortet: 100000 byte i alt]" t &&
	pages=$(pdfinfo out/2026-000001-gennemgang.pdf 2>/dev/null | sed -n "s/^Pages: *//p") &&
	test "$pages" -le 12
'

test_expect_success 'review sheet: 50,000 line breaks in a value cost lines, not pages' '
	flat out/2026-000001-gennemgang.pdf >t &&
	has_text "Første" t &&
	has_text "sidste æøå" t &&
	test $(pdfinfo out/2026-000001-gennemgang.pdf 2>/dev/null | sed -n "s/^Pages: *//p") -le 12
'

test_expect_success 'review sheet: a long motivation flows over pages to its last word' '
	flat out/2026-000001-gennemgang.pdf >t &&
	has_text "Sætning nummer 001" t &&
	has_text "Sætning nummer 080 om kommunens arbejde med børn og unge. SLUTORD" t &&
	test $(pdfinfo out/2026-000001-gennemgang.pdf 2>/dev/null | sed -n "s/^Pages: *//p") -ge 2
'

test_expect_success 'review sheet: no table cell is cut short (every … is a stated cut)' '
	flat out/2026-000001-gennemgang.pdf >t &&
	ellipses=$(grep -o "…" t | wc -l) &&
	stated=$(grep -o "… \[hele teksten\|… \[afkortet" t | wc -l) &&
	test "$stated" -ge 3 &&
	test "$ellipses" -eq "$stated"
'

test_expect_success 'every page says Side X af Y' '
	f=out/2026-000001-gennemgang.pdf &&
	pages=$(pdfinfo "$f" 2>/dev/null | sed -n "s/^Pages: *//p") &&
	for i in $(seq 1 "$pages")
	do
		pdftotext -f $i -l $i "$f" - 2>/dev/null | grep -q "Side $i af $pages" || return 1
	done
'

test_expect_success 'the ballot boxes and bullets of forms without controls are printed, not replaced' '
	mkdir ws2 &&
	kommune_fields Vejle | jq -c ".tema = \"☒ ja ☐ nej ☑ ■ □ ○ ● ✔ ✘\"" >fields2 &&
	mkrec 1 temaforloeb 2026-03-01T10:00:00+01:00 eligible @fields2 "$TEMA_OK" >in2 &&
	skema-store ws2/skema.db <in2 >/dev/null &&
	skema-decide ws2/skema.db >decided2 &&
	skema-letter -d ws2/skema.db -o out2 --review-sheets <decided2 >/dev/null 2>err2 &&
	! grep -i "lacks" err2 &&
	flat out2/2026-000001-gennemgang.pdf >t &&
	has_text "☒ ja ☐ nej ☑ ■ □" t &&
	for c in ○ ● ✔ ✘; do has_text "$c" t || return 1; done &&
	! grep -q "�" t
'

test_done
