#!/bin/bash
test_description='reports, status and export tell running from completed forløb at a concurrent offer'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"
. "$FIXTURES/report/read.sh"

# The rådgivningsforløb holds 8 places at a time (capacity period
# concurrent).  Nine municipalities apply: eight get a place, the ninth
# waits; when the first forløb ends (skema complete) the ninth gets its
# place.  Nine are then granted, but only eight run: the reports must not
# call that over capacity.  A temaforløb (places per quarter) beside it
# keeps the report it had.

# r FILE KOMMUNE: a rådgivningsforløb application from KOMMUNE.
r() {
	accept_fill raadgivningsforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\""
}

# report ISO-TIME [OPTIONS]: skema report at that time.
report() {
	when=$1 && shift &&
	SKEMA_NOW=$when skema -C ws report "$@" >report.out 2>report.err
}

# csv_running FILE: the rows granted and not ended (afsluttet empty).
csv_running() {
	python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""), delimiter=";"))
h = rows[0]
for row in rows[1:]:
    if row[h.index("udfald")] == "bevilget" and row[h.index("afsluttet")] == "":
        print(row[1])
' "$1"
}

test_expect_success 'setup: nine rådgivningsforløb, eight granted, one waiting; a temaforløb' '
	skema init ws >/dev/null &&
	n=0 &&
	for k in Odense Vejle Kolding Herning Aalborg Esbjerg Randers Horsens Silkeborg
	do
		n=$((n + 1)) &&
		r r$n.docx $k &&
		accept_run 2026-03-02T0$n:00:00 || return 1
	done &&
	accept_fill temaforloeb tema.docx ".kommune=\"Skive\"" &&
	accept_run 2026-03-02T10:00:00 &&
	SKEMA_NOW=2026-03-03T09:00:00 skema -C ws decide "$(accept_case r1.docx)" bevilget >/dev/null &&
	test "$(accept_decision r9.docx)" = "venteliste|proposed"
'

test_expect_success 'before any forløb ends: 8 running, none ended, no place free' '
	report 2026-03-04T12:00:00 &&
	flat ws/reports/raadgivningsforloeb.pdf >before.txt &&
	test_grep "Der er bevilget 8 forløb i alt (heraf 7 som forslag, der afventer gennemgang): 8 er i gang, og ingen er afsluttet." before.txt &&
	test_grep "Der kan være højst 8 forløb i gang ad gangen, og der er ingen ledige pladser." before.txt &&
	! grep "OBS" before.txt
'

test_expect_success 'setup: the first forløb ends, the ninth gets its place' '
	SKEMA_NOW=2027-03-01T12:00:00 skema -C ws complete "$(accept_case r1.docx)" --date 2027-02-26 >/dev/null &&
	test "$(accept_decision r9.docx)" = "bevilget|proposed" &&
	report 2027-03-01T12:10:00 &&
	test_line_count = 0 report.err
'

test_expect_success 'offer report: 9 granted, 8 running, 1 ended, no warning' '
	flat ws/reports/raadgivningsforloeb.pdf >raad.txt &&
	test_grep "Der er bevilget 9 forløb i alt (heraf 8 som forslag, der afventer gennemgang): 8 er i gang, og 1 er afsluttet." raad.txt &&
	test_grep "Der kan være højst 8 forløb i gang ad gangen, og der er ingen ledige pladser." raad.txt &&
	! grep "OBS" raad.txt &&
	! grep "bevilget 9 af højst" raad.txt &&
	rows ws/reports/raadgivningsforloeb.pdf >raad.rows &&
	test_grep "^Bevilget / udvalgt 9 Kapacitet: højst 8 forløb ad gangen.\$" raad.rows &&
	test_grep "^Heraf i gang 8 holder en plads\$" raad.rows &&
	test_grep "^Heraf afsluttet 1 forløbet er slut og holder ikke længere" raad.rows &&
	test_grep "^Ledige pladser i dag 0 af højst 8 ad gangen\$" raad.rows
'

test_expect_success 'overview: the running, ended and free places; no capacity warning' '
	flat ws/reports/oversigt.pdf >ov.txt &&
	! grep "OBS: Rådgivningsforløb for kommuner" ov.txt &&
	rows ws/reports/oversigt.pdf >ov.rows &&
	test_grep "^Forløb i gang\$" ov.rows &&
	test_grep "^Rådgivningsforløb for kommuner 8 8 1 0\$" ov.rows &&
	test_grep "^Tilbud Højst ad I gang Afsluttet Ledige\$" ov.rows
'

test_expect_success 'a non-concurrent offer keeps its report' '
	flat ws/reports/temaforloeb.pdf >tema.txt &&
	test_grep "Der er bevilget 1 af højst 10 temaforløb i 1. kvartal 2026" tema.txt &&
	! grep "i gang" tema.txt &&
	! grep "Heraf" tema.txt &&
	! grep "Ledige pladser" tema.txt
'

test_expect_success 'CSV: afsluttet after the old columns, the day the forløb ended, empty while it runs' '
	csv=ws/reports/raadgivningsforloeb.csv &&
	head -n 1 $csv | tail -c +4 | tr -d "\r" >header &&
	echo "rang;sagsnummer;ansøger;modtaget;vurdering;udfald;status;begrundelse;id;filnavn;afsluttet;bemærkning" >header.expect &&
	test_cmp header.expect header &&
	test "$(csv_cell $csv "$(accept_case r1.docx)" afsluttet)" = 2027-02-26 &&
	test "$(csv_cell $csv "$(accept_case r9.docx)" afsluttet)" = "" &&
	test "$(csv_cell $csv "$(accept_case r9.docx)" udfald)" = bevilget &&
	csv_running $csv >running &&
	test_line_count = 8 running &&
	test "$(csv_cell ws/reports/temaforloeb.csv "$(accept_case tema.docx)" afsluttet)" = ""
'

test_expect_success 'status: running, completed and free places of the concurrent offer' '
	SKEMA_NOW=2027-03-01T12:10:00 skema -C ws status >status.out &&
	sed -n "/^offers:\$/,\$p" status.out >offers &&
	cat >offers.expect <<-\EOF &&
	offers:
	  raadgivningsforloeb  9 live, 9 bevilget: 8 running, 1 completed, 0 of 8 places free
	  temaforloeb          1 live, 1 bevilget: 0 in 2027-Q1, 10 of 10 places free
	EOF
	test_cmp offers.expect offers &&
	SKEMA_NOW=2027-03-01T12:10:00 skema -C ws status --json >status.json &&
	jq -c ".offers.raadgivningsforloeb" status.json >raad.json &&
	echo "{\"live\":9,\"bevilget\":9,\"completed\":1,\"places\":8,\"running\":8,\"free\":0}" >raad.json.expect &&
	test_cmp raad.json.expect raad.json &&
	jq -c ".offers.temaforloeb" status.json >tema.json &&
	echo "{\"live\":1,\"bevilget\":1,\"completed\":0,\"period\":\"2027-Q1\",\"places\":10,\"granted_in_period\":0,\"free\":10}" >tema.json.expect &&
	test_cmp tema.json.expect tema.json &&
	jq -r "[.files.archive, .submissions.stored, .decisions.bevilget] | @tsv" status.json >old &&
	printf "10\t10\t1\n" >old.expect &&
	test_cmp old.expect old
'

test_expect_success 'export: completed_on after the fields, the contract columns where they were' '
	skema -C ws export --rfc >export.csv &&
	head -n 1 export.csv | tr -d "\r" >header &&
	echo "id,original_name,sha256,form,received_at,status,outcome,letter_path,error,record_id,case_number,applicant_name,validation,rank,decision_state,completed_on,decided_by,changed_from" >header.expect &&
	test_cmp header.expect header &&
	tr -d "\r" <export.csv | awk -F, "NR > 1 && \$16 != \"\" { print \$2 \",\" \$16 }" >ended &&
	echo "r1.docx,2027-02-26" >ended.expect &&
	test_cmp ended.expect ended &&
	skema -C ws export --rfc --fields --offer raadgivningsforloeb >fields.csv &&
	head -n 1 fields.csv | tr -d "\r" | tr , "\n" >names &&
	test "$(tail -n 3 names | head -n 1)" = completed_on &&
	test "$(sed -n 16p names)" != completed_on &&
	tr -d "\r" <fields.csv | awk -F, "\$2 == \"r1.docx\" { print \$(NF - 2) }" >r1.ended &&
	echo 2027-02-26 >r1.ended.expect &&
	test_cmp r1.ended.expect r1.ended
'

test_expect_success 'a second forløb ends: 7 running, 2 ended, 1 place free' '
	# only a confirmed place can be completed
	SKEMA_NOW=2027-03-10T11:00:00 skema -C ws decide --no-decide "$(accept_case r2.docx)" bevilget >/dev/null &&
	SKEMA_NOW=2027-03-10T12:00:00 skema -C ws complete "$(accept_case r2.docx)" >/dev/null &&
	report 2027-03-10T12:10:00 &&
	flat ws/reports/raadgivningsforloeb.pdf >raad2.txt &&
	test_grep "Der er bevilget 9 forløb i alt (heraf 7 som forslag, der afventer gennemgang): 7 er i gang, og 2 er afsluttet." raad2.txt &&
	test_grep "Der kan være højst 8 forløb i gang ad gangen, og der er 1 ledig plads." raad2.txt &&
	rows ws/reports/oversigt.pdf >ov2.rows &&
	test_grep "^Rådgivningsforløb for kommuner 8 7 2 1\$" ov2.rows &&
	SKEMA_NOW=2027-03-10T12:10:00 skema -C ws status >status2.out &&
	test_grep "^  raadgivningsforloeb  9 live, 9 bevilget: 7 running, 2 completed, 1 of 8 places free\$" status2.out &&
	test "$(SKEMA_NOW=2027-03-10T12:10:00 skema -C ws status --json | jq .offers.raadgivningsforloeb.free)" = 1
'

test_expect_success 'with --from/--to: the period counted, but the free places are today'"'"'s' '
	r r10.docx Næstved &&
	accept_run 2027-04-02T09:00:00 &&
	test "$(accept_decision r10.docx)" = "bevilget|proposed" &&
	report 2027-04-02T12:00:00 --offer raadgivningsforloeb --from 2027-04-01 &&
	flat ws/reports/raadgivningsforloeb_2027-04-01_nu.pdf >scoped.txt &&
	test_grep "Der er bevilget 1 forløb i alt (heraf 1 som forslag, der afventer gennemgang): 1 er i gang, og ingen er afsluttet." scoped.txt &&
	test_grep "I dag er der i alt 8 forløb i gang, også efter ansøgninger modtaget uden for perioden. Der kan være højst 8 i gang ad gangen, og der er ingen ledige pladser." scoped.txt &&
	rows ws/reports/raadgivningsforloeb_2027-04-01_nu.pdf >scoped.rows &&
	test_grep "^Heraf i gang 1 holder en plads\$" scoped.rows &&
	test_grep "^Ledige pladser i dag 0 af højst 8 ad gangen, uanset hvornår" scoped.rows
'

# skema decide moves the last proposed place to the waiting list at once;
# with --no-decide that waits for the next run, and a report in between
# sees more forløb running than the places.
test_expect_success 'more running than the places (a reviewer'"'"'s grant): the warning' '
	r r11.docx Slagelse &&
	accept_run 2027-04-03T09:00:00 &&
	test "$(accept_decision r11.docx)" = "venteliste|proposed" &&
	SKEMA_NOW=2027-04-03T10:00:00 skema -C ws decide --no-decide "$(accept_case r11.docx)" bevilget \
		--reason "Særlig aftale" >/dev/null &&
	report 2027-04-03T12:00:00 &&
	flat ws/reports/raadgivningsforloeb.pdf >over.txt &&
	test_grep "OBS: Der er 9 forløb i gang, flere end kapaciteten tillader (8 ad gangen)." over.txt &&
	test_grep "Der er bevilget 11 forløb i alt (heraf 8 som forslag, der afventer gennemgang): 9 er i gang, og 2 er afsluttet." over.txt &&
	flat ws/reports/oversigt.pdf >ov3.txt &&
	test_grep "OBS: Rådgivningsforløb for kommuner har flere forløb i gang (9) end kapaciteten (8 ad gangen)." ov3.txt &&
	rows ws/reports/oversigt.pdf >ov3.rows &&
	test_grep "^Rådgivningsforløb for kommuner 8 9 2 0\$" ov3.rows &&
	SKEMA_NOW=2027-04-03T12:10:00 skema -C ws status >status3.out &&
	test_grep "^  raadgivningsforloeb  11 live, 11 bevilget: 9 running, 2 completed, 0 of 8 places free\$" status3.out
'

test_expect_success 'every page of the reports renders' '
	for f in ws/reports/raadgivningsforloeb.pdf ws/reports/oversigt.pdf
	do
		pdftoppm -png -r 30 "$f" "page-$(basename "$f" .pdf)" 2>/dev/null || return 1
	done &&
	ls page-*.png >pngs &&
	test "$(wc -l <pngs)" -ge 2
'

test_done
