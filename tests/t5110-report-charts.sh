#!/bin/bash
test_description='skema-report: the time chart labels its dates without overlap for any span, and marks the deadline'
. "$(dirname "$0")/lib.sh"

export SKEMA_NOW=2021-10-01T12:00:00+02:00
offer=partnerskab-magtanvendelse-2021

# days_db DB START DAYS [OFFER]: applications to the partnership round (or
# OFFER) on DAYS days from START (two a day, every third day none when
# DAYS > 3).
days_db() {
	sqlite3 "$1" <"$FIXTURES/report/schema-v1.sql" &&
	sqlite3 "$1" "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < $3 - 1)
		INSERT INTO submissions (record_id, sha256, original_name, received_at, offer_id, status, validation)
		SELECT 'r' || i || '-' || k, 'x', 'x', strftime('%Y-%m-%dT10:00:00+02:00', '$2', '+' || i || ' days'),
		  '${4:-$offer}', 'stored', 'eligible'
		FROM seq, (SELECT 1 AS k UNION ALL SELECT 2) WHERE i % 3 <> 1 OR $3 <= 3"
}

# date_labels PDF: "page y xmin xmax text" for every date (d.m.yyyy) under
# the time chart: on the line just above its axis title "Ansøgninger pr.
# dag/uge" (dates in the tables below are not labels), sorted along it.
date_labels() {
	pdftotext -bbox "$1" - 2>/dev/null |
	awk 'function attr(name) {
		match($0, name "=\"[0-9.]*\""); return substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 3) }
	     /<page / { page++; n = 0; axis = -1 }
	     /<word / {
		match($0, />[^<]*</); w = substr($0, RSTART + 1, RLENGTH - 2);
		if (w == "pr." && last == "Ansøgninger") axis = attr("yMin");
		last = w;
		if (w ~ /^[0-9][0-9]?\.[0-9][0-9]?\.[0-9][0-9][0-9][0-9]$/) {
			n++; y[n] = attr("yMin"); x1[n] = attr("xMin"); x2[n] = attr("xMax"); t[n] = w } }
	     /<\/page>/ {
		for (i = 1; i <= n; i++)
			if (axis >= 0 && axis - y[i] > 0 && axis - y[i] < 16)
				printf "%d %.1f %.2f %.2f %s\n", page, y[i], x1[i], x2[i], t[i] }' |
	sort -k1,1n -k2,2n -k3,3n
}

# overlaps LABELS: the pairs of labels on one line that touch or overlap.
overlaps() {
	awk '$1 == page && $2 == y && $3 < right + 2 { print prev " / " $0 }
	     { page = $1; y = $2; right = $4; prev = $0 }' "$1"
}

for days in 1 3 14 60 92 93 400 1500; do
	test_expect_success "$days days: dates under the axis, none over another" '
		days_db d$days.db 2021-08-09 $days &&
		skema-report -d d$days.db -o r$days --offer $offer &&
		date_labels r$days/$offer.pdf >labels &&
		overlaps labels >bad &&
		test_line_count = 0 bad &&
		test "$(wc -l <labels)" -ge 2 &&
		test "$(wc -l <labels)" -le 12 &&
		pdf_text r$days/$offer.pdf >text &&
		test_grep "Frist 13. september 2021\$" text &&
		pdftoppm -png -r 60 -f 2 -l 2 r$days/$offer.pdf chart$days 2>/dev/null
	'
done

for days in 1 2 3 5; do
	test_expect_success "rolling offer, $days days: dates under the axis, none over another" '
		days_db t$days.db 2021-08-09 $days temaforloeb &&
		skema-report -d t$days.db -o t$days --offer temaforloeb &&
		date_labels t$days/temaforloeb.pdf >labels &&
		overlaps labels >bad &&
		test_line_count = 0 bad &&
		test "$(wc -l <labels)" -ge 3 &&
		cut -d" " -f5 labels | sort | uniq -d >twice &&
		test_line_count = 0 twice
	'
done

test_expect_success 'the labels follow the span: days, weeks from a Monday, months' '
	days_db rolling.db 2021-08-09 3 temaforloeb &&
	skema-report -d rolling.db -o rolling --offer temaforloeb &&
	date_labels rolling/temaforloeb.pdf | cut -d" " -f5 >got &&
	printf "8.8.2021\n9.8.2021\n10.8.2021\n11.8.2021\n12.8.2021\n" >want &&
	test_cmp want got &&
	date_labels r60/$offer.pdf | cut -d" " -f5 | head -n 2 >got &&
	printf "9.8.2021\n23.8.2021\n" >want &&
	test_cmp want got &&
	date_labels r400/$offer.pdf | cut -d" " -f5 >got &&
	! grep "^[02-9]\." got &&
	test_grep "^1\.1\.2022\$" got
'

test_expect_success 'a deadline far from the receipts is named above the chart' '
	days_db late.db 2023-03-01 10 &&
	skema-report -d late.db -o late --offer $offer &&
	pdf_text late/$offer.pdf >text &&
	test_grep "Frist 13. september 2021 (uden for diagrammet)" text &&
	date_labels late/$offer.pdf >labels &&
	overlaps labels >bad &&
	test_line_count = 0 bad &&
	test "$(wc -l <labels)" -ge 3
'

test_expect_success 'the overview: all offers over one long span' '
	skema-report -d d400.db -o ov400 &&
	date_labels ov400/oversigt.pdf >labels &&
	overlaps labels >bad &&
	test_line_count = 0 bad &&
	test "$(wc -l <labels)" -ge 3
'

test_done
