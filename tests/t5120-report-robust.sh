#!/bin/bash
test_description='skema-report: temporary files of interrupted runs are cleaned, a libharu error rebuilds the report once, one bad report does not stop the others'
. "$(dirname "$0")/lib.sh"

export SKEMA_NOW=2026-04-01T12:00:00+02:00
# The fault shim comes before the ASan runtime in the library list.
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

test_expect_success 'setup: the database of fixtures/report/known.sql' '
	sqlite3 known.db <"$FIXTURES/report/schema-v1.sql" &&
	sqlite3 known.db <"$FIXTURES/report/known.sql" &&
	skema-report -d known.db -o reports
'

test_expect_success 'temporary files of a dead run are removed, a live run keeps its own' '
	sh -c "echo \$\$" >dead &&
	dead=$(cat dead) &&
	! kill -0 "$dead" 2>/dev/null &&
	echo half >reports/temaforloeb.pdf.tmp.$dead &&
	echo half >reports/oversigt_2026-03-01_nu.pdf.tmp.$dead &&
	echo half >reports/spillerum-2019.csv.tmp.$dead &&
	echo busy >reports/temaforloeb.pdf.tmp.$$ &&
	echo mine >reports/noter.tmp.$dead &&
	echo mine >reports/temaforloeb.pdf.tmp.x$dead &&
	mkdir reports/mappe.pdf.tmp.$dead &&
	skema-report -d known.db -o reports 2>err &&
	test_grep "removed a temporary file left by an interrupted run" err &&
	ls reports | grep "tmp" | sort >left &&
	printf "%s\n" mappe.pdf.tmp.$dead noter.tmp.$dead temaforloeb.pdf.tmp.$$ \
		temaforloeb.pdf.tmp.x$dead | sort >left.expect &&
	test_cmp left.expect left &&
	test "$(cat reports/temaforloeb.pdf.tmp.$$)" = busy
'

test_expect_success 'the clean-up also runs with --offer, before anything is written' '
	sh -c "echo \$\$" >dead &&
	dead=$(cat dead) &&
	echo half >reports/partnerskab-magtanvendelse-2021.pdf.tmp.$dead &&
	skema-report -d known.db -o reports --offer temaforloeb 2>err &&
	! test -e reports/partnerskab-magtanvendelse-2021.pdf.tmp.$dead
'

test_have cc || { test_done; exit 0; }

test_expect_success 'setup: the libharu fault shim, an applicant name with an arrow' '
	cc -shared -fPIC -o hpdf-fault.so "$FIXTURES/pdf/hpdf-fault.c" -ldl &&
	cp known.db fault.db &&
	sqlite3 fault.db "UPDATE submissions SET applicant_name = '\''Ansøger 3 → Ålborg'\'' WHERE id = 3" &&
	skema-report -d fault.db -o normal --offer temaforloeb &&
	pdf_text normal/temaforloeb.pdf >normal.txt &&
	test_grep "Ansøger 3 → Ålborg" normal.txt &&
	test_grep "Ansøgninger pr. dag" normal.txt
'

test_expect_success 'a libharu error: the report is built again, plain, and says so' '
	LD_PRELOAD=$PWD/hpdf-fault.so HPDF_FAULT_TEXT="→" \
		skema-report -d fault.db -o plain 2>err &&
	test_grep "temaforloeb: libharu error 0x105b while drawing the report; building it again, plain" err &&
	pdf_text plain/temaforloeb.pdf | tr -s " " >plain.txt &&
	test_grep "Bemærk: Dette er en forenklet udgave af rapporten" plain.txt &&
	test_grep "fejl 0x105B i PDF-biblioteket libharu" plain.txt &&
	test_grep "Diagrammerne er udeladt" plain.txt &&
	test_grep "Ansøger 3 ? Ålborg" plain.txt &&
	! grep "→" plain.txt &&
	! grep "Ansøgninger pr. dag" plain.txt &&
	test_grep "^Modtaget i alt 17 " plain.txt &&
	test_grep "^Opfylder kriterierne 9\$" plain.txt &&
	test_grep "Begrundelse for ansøgning nummer 10" plain.txt &&
	pdftoppm -png -r 60 -f 1 -l 1 plain/temaforloeb.pdf plain 2>/dev/null &&
	for f in plain/oversigt.pdf plain/partnerskab-magtanvendelse-2021.pdf; do
		pdf_text "$f" >other.txt &&
		! grep "forenklet udgave" other.txt || return 1
	done
'

test_expect_success 'a report failing twice is not written; the others are, and the exit says so' '
	skema-report -d fault.db -o failing &&
	cp failing/temaforloeb.pdf before.pdf &&
	rm failing/partnerskab-magtanvendelse-2021.pdf failing/oversigt.pdf failing/temaforloeb.csv &&
	test_expect_code 70 env LD_PRELOAD=$PWD/hpdf-fault.so HPDF_FAULT_TEXT="Ansøger 3" \
		skema-report -d fault.db -o failing 2>err &&
	test_grep "temaforloeb: libharu error 0x105b also in the plain report; no report for this offer" err &&
	test_cmp before.pdf failing/temaforloeb.pdf &&
	test -s failing/temaforloeb.csv &&
	test -s failing/partnerskab-magtanvendelse-2021.pdf &&
	test -s failing/oversigt.pdf &&
	ls "$SRC"/forms/*/offer.xml | wc -l >want &&
	ls failing/*.pdf | grep -v oversigt | wc -l >got &&
	test_cmp want got &&
	ls -a failing | grep tmp >stray;
	test_line_count = 0 stray
'

test_expect_success 'the overview is rebuilt the same way' '
	LD_PRELOAD=$PWD/hpdf-fault.so HPDF_FAULT_TEXT="Samlet statusrapport" HPDF_FAULT_TIMES=1 \
		skema-report -d fault.db -o overview 2>err &&
	test_grep "overview: libharu error 0x105b" err &&
	pdf_text overview/oversigt.pdf | tr -s " " >ov.txt &&
	test_grep "forenklet udgave" ov.txt &&
	test_grep "3 forslag til afgørelse afventer gennemgang, og 2 filer" ov.txt &&
	! grep "Udfald pr. tilbud" ov.txt
'

test_done
