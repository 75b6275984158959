#!/bin/bash
test_description='skema-report: temporary files of interrupted runs are cleaned, a libharu error rebuilds the report once, one bad report does not stop the others'
. "$(dirname "$0")/lib.sh"

export SKEMA_NOW=2026-04-01T12:00:00+02:00

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

test_done
