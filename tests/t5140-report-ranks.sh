#!/bin/bash
test_description='report: consecutive ranks and a spread that counts every place, after reviewers, withdrawals and ended forløb'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"
. "$FIXTURES/report/read.sh"

# A round played to the end, as a manager reads its report afterwards: a
# reviewer overrides proposals both ways and grants a place to one that
# does not meet the criteria, an applicant withdraws, a rådgivningsforløb
# ends and frees its place, and a rolling offer fills a second quarter.
# The ranks the decisions were written with then skip numbers and repeat
# them; the list in the PDF and in the CSV must number its rows 1, 2, 3 ...
# and say in Danish what happened to each case, and the spread must count
# every place once.

# csv_col FILE COLUMN: the cells of COLUMN, one a line, in the file's order
# (Danish dialect: BOM, ";", quoted cells), read as a spreadsheet would.
csv_col() {
	python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
col = rows[0].index(sys.argv[2])
for row in rows[1:]:
    print(row[col])
' "$@"
}

# csv_ranked FILE: "rank case" of the numbered rows, in the file's order.
csv_ranked() {
	python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
for row in rows[1:]:
    if row[0]:
        print(row[0], row[1])
' "$1"
}

# pdf_ranked PDF: "rank case" of the numbered rows of the PDF's list.
pdf_ranked() {
	pdf_text "$1" | sed -n "s/^ *\([0-9][0-9]*\)  *\([0-9]\{4\}-[0-9]\{6\}\) .*/\1 \2/p"
}

# consecutive FILE: the first column of FILE is 1, 2, 3, ... (unique, no gap).
consecutive() {
	cut -d" " -f1 "$1" >numbers &&
	seq 1 "$(wc -l <"$1")" >numbers.expect &&
	test_cmp numbers.expect numbers
}

# decide FILE OUTCOME REASON: a reviewer's decision on FILE's case.
decide() {
	SKEMA_NOW=2021-09-15T09:00:00 skema -C ws decide "$(accept_case "$1")" "$2" \
		${3:+--reason "$3"} >/dev/null
}

p() { # p FILE KOMMUNE N [JQ]: a facility of the common kind, CVR number N
	accept_fill partnerskab-magtanvendelse-2021 "$1" \
		".kommune=\"$2\" | .cvr=\"${accept_cvrs[$3]}\" | .sted_navn=\"Institution $3\" | ${4:-.}"
}

test_expect_success 'setup: the partnership round, eleven eligible, one closed institution' '
	mkdir round && cd round &&
	skema init ws >/dev/null &&
	p p01.docx Silkeborg 0 && p p02.odt Aarhus 1 && p p03.docx Viborg 2 &&
	p p04.odt Herning 3 && p p05.docx Horsens 4 && p p06.odt Randers 5 &&
	p p07.docx Skive 6 && p p08.odt Holstebro 7 && p p09.docx Favrskov 8 &&
	p p10.odt København 9 ".sted_type=\"opholdssted\" | .driftsherre_type=\"privat\" | .maalgruppe_handicap=false | .sted_navn=\"Opholdsstedet Ny Slags\"" &&
	p p11.docx Aalborg 10 &&
	p lukket.odt Odense 11 ".aaben_institution=false" &&
	accept_run 2021-09-10T10:00:00 &&
	accept_run 2021-09-14T09:00:00 &&
	test "$(accept_decision p09.docx)" = "afslag|proposed" &&
	test "$(accept_decision lukket.odt)" = "afslag|proposed"
'

test_expect_success 'setup: reviewers override both ways, grant the closed one, one withdraws' '
	cd round &&
	decide p09.docx bevilget "Vi har fået midler til en plads mere." &&
	decide p05.docx afslag "Stedet lukker ved årets udgang." &&
	decide lukket.odt bevilget "Institutionen bliver åben fra januar." &&
	decide p01.docx bevilget &&
	SKEMA_NOW=2021-09-15T09:30:00 skema -C ws withdraw "$(accept_case p03.docx)" >/dev/null &&
	accept_run 2021-09-15T10:00:00 &&
	test "$(accept_q "SELECT status FROM submissions WHERE original_name = '"'"'p03.docx'"'"'")" = withdrawn
'

test_expect_success 'deadline round: the CSV numbers its ranked rows 1, 2, 3 ... and every place has a number' '
	cd round &&
	csv=ws/reports/partnerskab-magtanvendelse-2021.csv &&
	csv_ranked $csv >ranked &&
	consecutive ranked &&
	csv_col $csv udfald >outcomes &&
	csv_col $csv rang >ranks &&
	paste -d"|" ranks outcomes | grep "|bevilget\$" >granted &&
	! grep "^|" granted &&
	test "$(wc -l <granted)" = "$(accept_q "SELECT count(*) FROM current_decisions WHERE status = '"'"'stored'"'"' AND outcome = '"'"'bevilget'"'"' AND offer_id = '"'"'partnerskab-magtanvendelse-2021'"'"'")"
'

test_expect_success 'deadline round: the PDF list has the same numbers for the same cases' '
	cd round &&
	pdf_ranked ws/reports/partnerskab-magtanvendelse-2021.pdf >pdf.ranked &&
	csv_ranked ws/reports/partnerskab-magtanvendelse-2021.csv >csv.ranked &&
	test_cmp csv.ranked pdf.ranked &&
	consecutive pdf.ranked
'

test_expect_success 'the reviewer'"'"'s decisions are labelled, with what was proposed' '
	cd round &&
	csv=ws/reports/partnerskab-magtanvendelse-2021.csv &&
	test "$(csv_cell $csv "$(accept_case p05.docx)" bemærkning)" = "ændret af sagsbehandler; forslaget var bevilget" &&
	test "$(csv_cell $csv "$(accept_case p09.docx)" bemærkning)" = "ændret af sagsbehandler; forslaget var afslag" &&
	test "$(csv_cell $csv "$(accept_case lukket.odt)" bemærkning)" = "ændret af sagsbehandler; forslaget var afslag" &&
	test "$(csv_cell $csv "$(accept_case p01.docx)" bemærkning)" = "" &&
	test "$(csv_cell $csv "$(accept_case p02.odt)" bemærkning)" = "" &&
	rows ws/reports/partnerskab-magtanvendelse-2021.pdf >pm.rows &&
	grep " $(accept_case p05.docx) " pm.rows >p05 &&
	test_grep "Afslag (endelig, ændret af$" p05 &&
	grep " $(accept_case p01.docx) " pm.rows >p01 &&
	test_grep "Bevilget (endelig)\$" p01 &&
	flat ws/reports/partnerskab-magtanvendelse-2021.pdf >pm.txt &&
	test_grep "Forslaget var bevilget; en sagsbehandler har ændret det. Sagsbehandlerens begrundelse: Stedet lukker ved årets udgang." pm.txt &&
	test_grep "Forslaget var afslag; en sagsbehandler har ændret det. Sagsbehandlerens begrundelse: Vi har fået midler til en plads mere." pm.txt &&
	test_grep "Nr. er ansøgningens plads i listen, som den står nu." pm.txt
'

test_expect_success 'the withdrawn case: not in the list, shown below it as withdrawn' '
	cd round &&
	c3=$(accept_case p03.docx) &&
	! grep ";$c3;" ws/reports/partnerskab-magtanvendelse-2021.csv &&
	! grep "^ *[0-9][0-9]* $c3 " pm.rows &&
	sed -n "/^Trukket tilbage\$/,\$p" pm.rows >withdrawn &&
	test_grep "^Sagsnr. Ansøger Modtaget Trukket Udfald før\$" withdrawn &&
	test_grep "^$c3 Institution 2 10.9.2021 10.00 15.9.2021 Bevilget (forslag)\$" withdrawn &&
	test_grep "Disse ansøgninger er trukket tilbage. De er ikke med i listen ovenfor og optager ingen plads." pm.txt
'

test_expect_success 'the spread counts every place once, also the reviewer'"'"'s grant outside the criteria' '
	cd round &&
	granted=$(accept_q "SELECT count(*) FROM current_decisions WHERE status = '"'"'stored'"'"' AND outcome = '"'"'bevilget'"'"' AND offer_id = '"'"'partnerskab-magtanvendelse-2021'"'"'") &&
	eligible=$(accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'stored'"'"' AND validation = '"'"'eligible'"'"' AND offer_id = '"'"'partnerskab-magtanvendelse-2021'"'"'") &&
	test_grep "^Bevilget / udvalgt $granted " pm.rows &&
	sed -n "/^Bred repræsentation/,/^Rangordnet liste/p" pm.rows >spread &&
	grep "^I alt " spread >totals &&
	test_line_count = 3 totals &&
	while read -r _ _ e g
	do
		test "$e $g" = "$eligible $granted" || return 1
	done <totals &&
	test_grep "1 af de bevilgede opfylder ikke kriterierne, men er bevilget af en sagsbehandler. Den er talt med under Bevilget, så hver tabel tæller alle $granted bevilgede." pm.txt &&
	test_grep "^Region Syddanmark 0 1\$" spread
'

r() { # r FILE KOMMUNE: a rådgivningsforløb application from KOMMUNE
	accept_fill raadgivningsforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\""
}

test_expect_success 'setup: nine rådgivningsforløb, the first confirmed and ended, the ninth gets its place' '
	mkdir raad && cd raad &&
	skema init ws >/dev/null &&
	n=0 &&
	for k in Odense Vejle Kolding Herning Aalborg Esbjerg Randers Horsens Silkeborg
	do
		n=$((n + 1)) &&
		r r$n.docx $k &&
		accept_run 2026-03-02T0$n:00:00 || return 1
	done &&
	SKEMA_NOW=2026-03-03T09:00:00 skema -C ws decide "$(accept_case r1.docx)" bevilget >/dev/null &&
	SKEMA_NOW=2027-03-01T12:00:00 skema -C ws complete "$(accept_case r1.docx)" --date 2027-02-26 >/dev/null &&
	accept_run 2027-03-01T12:05:00 &&
	test "$(accept_decision r9.docx)" = "bevilget|proposed"
'

test_expect_success 'after skema complete: no two cases share a rank, in the CSV and the PDF' '
	cd raad &&
	csv_ranked ws/reports/raadgivningsforloeb.csv >csv.ranked &&
	test_line_count = 9 csv.ranked &&
	consecutive csv.ranked &&
	pdf_ranked ws/reports/raadgivningsforloeb.pdf >pdf.ranked &&
	test_cmp csv.ranked pdf.ranked &&
	tail -n 1 csv.ranked >last &&
	echo "9 $(accept_case r9.docx)" >last.expect &&
	test_cmp last.expect last
'

test_expect_success 'the ended forløb is labelled in the PDF and the CSV' '
	cd raad &&
	c1=$(accept_case r1.docx) &&
	csv=ws/reports/raadgivningsforloeb.csv &&
	test "$(csv_cell $csv $c1 bemærkning)" = "forløbet er afsluttet og holder ikke længere en plads" &&
	test "$(csv_cell $csv $c1 afsluttet)" = 2027-02-26 &&
	test "$(csv_cell $csv "$(accept_case r9.docx)" bemærkning)" = "" &&
	rows ws/reports/raadgivningsforloeb.pdf >raad.rows &&
	test_grep "^1 $c1 Odense Kommune 2.3.2026 01.00 Bevilget (endelig), afsluttet\$" raad.rows &&
	flat ws/reports/raadgivningsforloeb.pdf >raad.txt &&
	test_grep "Bevilget (endelig), afsluttet 26.2.2027 Forløbet blev afsluttet 26. februar 2027 og holder ikke længere en plads." raad.txt
'

test_expect_success 'setup: a temaforløb for two quarters; a confirmed place, a withdrawal' '
	mkdir tema && cd tema &&
	skema init ws >/dev/null &&
	set -- Odense Vejle Kolding Herning Aalborg Esbjerg Randers Horsens Silkeborg Skive Viborg Holstebro Lemvig Struer &&
	for i in $(seq 1 12)
	do
		accept_fill temaforloeb t$i.docx ".kommune=\"$1\"" && shift &&
		accept_run 2026-03-$((10 + i))T10:00:00 || return 1
	done &&
	for i in 13 14
	do
		accept_fill temaforloeb t$i.docx ".kommune=\"$1\"" && shift &&
		accept_run 2026-04-0$((i - 10))T10:00:00 || return 1
	done &&
	SKEMA_NOW=2026-04-05T09:00:00 skema -C ws decide "$(accept_case t6.docx)" bevilget >/dev/null &&
	SKEMA_NOW=2026-04-05T09:10:00 skema -C ws withdraw "$(accept_case t5.docx)" >/dev/null &&
	accept_run 2026-04-05T10:00:00
'

# First come, first served: within a quarter the list is in order of
# receipt, also where a confirmed place kept its rank from before a
# withdrawal above it.
test_expect_success 'places per quarter: one list, numbered 1, 2, 3 ... quarter by quarter, in order of receipt' '
	cd tema &&
	csv_ranked ws/reports/temaforloeb.csv >csv.ranked &&
	consecutive csv.ranked &&
	test_line_count = 13 csv.ranked &&
	pdf_ranked ws/reports/temaforloeb.pdf >pdf.ranked &&
	test_cmp csv.ranked pdf.ranked &&
	accept_q "SELECT s.case_number FROM submissions s JOIN decisions d ON d.submission_id = s.id AND d.current = 1
		WHERE s.status = '"'"'stored'"'"' ORDER BY d.period, s.received_at" >by.period &&
	cut -d" " -f2 csv.ranked >cases &&
	test_cmp by.period cases &&
	flat ws/reports/temaforloeb.pdf >tema.txt &&
	test_grep "da pladserne i hver periode tælles fra 1" tema.txt
'

# header_ends_page PDF: the pages whose last line above the footer is the
# header row of the list (a header parted from its first row).
header_ends_page() {
	pdf_text "$1" | tr -s " " | sed "s/^ //" |
	awk -v RS="\f" "{ n = split(\$0, l, \"\n\"); last = \"\";
		for (i = 1; i <= n; i++) { if (l[i] ~ /^Udarbejdet /) break; if (l[i] != \"\") last = l[i] }
		if (last ~ /^Nr\. Sagsnr\./) print NR }"
}

test_expect_success 'a table header is never the last thing on a page' '
	header_ends_page round/ws/reports/partnerskab-magtanvendelse-2021.pdf >alone &&
	header_ends_page raad/ws/reports/raadgivningsforloeb.pdf >>alone &&
	header_ends_page tema/ws/reports/temaforloeb.pdf >>alone &&
	test_line_count = 0 alone
'

test_expect_success 'render the changed pages' '
	pdftoppm -png -r 40 round/ws/reports/partnerskab-magtanvendelse-2021.pdf pm 2>/dev/null &&
	pdftoppm -png -r 40 raad/ws/reports/raadgivningsforloeb.pdf raad 2>/dev/null &&
	ls pm*.png raad*.png >pngs &&
	test "$(wc -l <pngs)" -ge 4
'

test_done
