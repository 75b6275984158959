#!/bin/bash
test_description='skema-report: PDF reports and ranked-list CSV from a database with known numbers'
. "$(dirname "$0")/lib.sh"

export SKEMA_NOW=2026-04-01T12:00:00+02:00

# new_db DB: an empty workspace database (schema v1; skema migrates it).
new_db() {
	sqlite3 "$1" <"$FIXTURES/report/schema-v1.sql"
}

# squeeze FILE: the PDF's text with runs of blanks as one space.
squeeze() {
	pdf_text "$1" | tr -s " "
}

test_expect_success 'setup: the database of fixtures/report/known.sql' '
	new_db known.db &&
	sqlite3 known.db <"$FIXTURES/report/known.sql" &&
	test "$(sql known.db "SELECT count(*) FROM submissions")" = 24
'

test_expect_success 'writes the overview and a PDF and a CSV per offer' '
	skema-report -d known.db -o reports &&
	test -s reports/oversigt.pdf &&
	test -s reports/temaforloeb.pdf &&
	test -s reports/temaforloeb.csv &&
	test -s reports/partnerskab-magtanvendelse-2021.pdf &&
	ls "$SRC"/forms/*/offer.xml | wc -l >want &&
	ls reports/*.csv | wc -l >got &&
	test_cmp want got &&
	ls reports | grep -v "\.pdf\$" | grep -v "\.csv\$" >stray;
	test_line_count = 0 stray
'

test_expect_success 'offer report: the numbers against capacity' '
	squeeze reports/temaforloeb.pdf >tema.txt &&
	test_grep "^Modtaget i alt 17 " tema.txt &&
	test_grep "^Dubletter 2 " tema.txt &&
	test_grep "^Erstattet af nyere ansøgning 1\$" tema.txt &&
	test_grep "^Trukket tilbage 1\$" tema.txt &&
	test_grep "^Ufuldstændige (mangler oplysninger) 1\$" tema.txt &&
	test_grep "^Opfylder ikke kriterierne 3\$" tema.txt &&
	test_grep "^Opfylder kriterierne 9\$" tema.txt &&
	test_grep "^Bevilget / udvalgt 6 Kapacitet: højst 10 temaforløb" tema.txt &&
	test_grep "^Venteliste 3\$" tema.txt &&
	test_grep "^Afslag 3\$" tema.txt &&
	test_grep "^Afventer gennemgang 3 " tema.txt &&
	test_grep "Der er bevilget 6 af højst 10 temaforløb i 1. kvartal 2026 (heraf 2 som forslag, der afventer" tema.txt &&
	! grep "OBS" tema.txt &&
	test_grep "Kræver opmærksomhed: 3 forslag" tema.txt &&
	test_grep "Løbende optag" tema.txt
'

test_expect_success 'offer report: charts carry their numbers (regions from the kommune)' '
	test_grep "Region Midtjylland 7\$" tema.txt &&
	test_grep "Region Hovedstaden 4\$" tema.txt &&
	test_grep "Region Syddanmark 1\$" tema.txt &&
	test_grep "Region Sjælland 0\$" tema.txt &&
	test_grep "Ukendt region 1\$" tema.txt &&
	test_grep "chefniveau 3\$" tema.txt &&
	test_grep "^ *chefniveau Ansøgningen er ikke besluttet på chefniveau i kommunen" tema.txt &&
	test_grep "^ *timer Et temaforløb er på op til 25 timer" tema.txt &&
	test_grep "timer 1\$" tema.txt &&
	test_grep "^ *Kommune 13\$" tema.txt &&
	test_grep "Ansøgninger pr. dag" tema.txt &&
	test_grep "Endelig afgørelse Forslag, afventer gennemgang Ikke afgjort" tema.txt &&
	test_grep "^ *Bevilget 4 2 6\$" tema.txt &&
	test_grep "^ *Afslag 2 1 3\$" tema.txt &&
	test_grep "^ *Venteliste 3 3\$" tema.txt
'

test_expect_success 'offer report: the list in rank order with the reasons, old decisions ignored' '
	grep -o "^ *[0-9]* 2026-0000[0-9][0-9]" tema.txt | awk "{print \$1}" >ranks &&
	seq 1 13 >ranks.expect &&
	test_cmp ranks.expect ranks &&
	test_grep "Begrundelse for ansøgning nummer 10" tema.txt &&
	grep "^ *1 2026-000001" tema.txt >first &&
	test_grep "Bevilget" first &&
	test_grep "^ *1 2026-000001 Ansøger 1 2.3.2026 10.00 Bevilget (endelig)\$" tema.txt
'

test_expect_success 'deadline round: the deadline, the ranked list, the spread' '
	squeeze reports/partnerskab-magtanvendelse-2021.pdf >pm.txt &&
	test_grep "Ansøgningsfristen udløb 13. september 2021 kl. 12.00" pm.txt &&
	test_grep "Rangordnet liste og udvælgelse" pm.txt &&
	test_grep "Bred repræsentation" pm.txt &&
	test_grep "^ *Døgninstitution 2 2\$" pm.txt &&
	test_grep "^ *Opholdssted 2 1\$" pm.txt &&
	test_grep "^ *Region Midtjylland 2 1\$" pm.txt &&
	test_grep "^Bevilget / udvalgt 3 Kapacitet: mindst 7 og højst 10" pm.txt &&
	test_grep "færre end minimum (7)" pm.txt &&
	test_grep "Frist 13. september 2021" pm.txt
'

test_expect_success 'a late application: the chart counts frist, and the legend says what it means' '
	cp known.db late.db &&
	sql late.db "INSERT OR REPLACE INTO criteria (submission_id, criterion_id, kind, passed, text)
		VALUES (22, '"'"'frist'"'"', '"'"'eligibility'"'"', 0, '"'"'for sent'"'"')" &&
	skema-report -d late.db -o late-reports &&
	squeeze late-reports/partnerskab-magtanvendelse-2021.pdf >late.txt &&
	test_grep "Kriterier, der oftest ikke var opfyldt" late.txt &&
	test_grep "^ *frist Ansøgningen er modtaget efter ansøgningsfristen mandag den 13. september 2021" late.txt
'

test_expect_success 'overview: every offer, open work and quarantine with reasons' '
	squeeze reports/oversigt.pdf >ov.txt &&
	test_grep "3 forslag til afgørelse afventer gennemgang, og 2 filer" ov.txt &&
	test_grep "Filen er ødelagt og kan ikke læses" ov.txt &&
	test_grep "Filen er et gammelt Word-dokument" ov.txt &&
	test_grep "^ *2026-000002 Temaforløb om overgreb mod børn Ansøger 2 Bevilget" ov.txt &&
	test_grep "løbende 17 9 6 3 3 1 3\$" ov.txt &&
	# 17 received, 13 in the outcome columns: the overview says where the 4 are
	tr "\n" " " <ov.txt | tr -s " " >ov.flat &&
	test_grep "Modtaget tæller alle modtagne ansøgninger, kolonnerne med udfald kun de aktive sager. Forskellen er 1 trukket tilbage, 2 dubletter og 1 erstattet af en nyere ansøgning\." ov.flat &&
	test_grep "Udfald pr. tilbud" ov.txt &&
	test_grep "Bevilget / bekræftet" ov.txt &&
	test_grep "^ *Partnerskab om forebyggelse af .*[0-9]\$" ov.txt &&
	test_grep "chefniveau (temaforloeb) 3\$" ov.txt &&
	test_grep "^ *2026-000002 Temaforløb om overgreb mod børn Ansøger 2 Bevilget 2.3.2026\$" ov.txt
'

test_expect_success 'footer: when, and from which database state' '
	test_grep "Udarbejdet 1. april 2026 kl. 12.00" ov.txt &&
	test_grep "Databasen: 24 ansøgninger, sidste hændelse nr. 2" ov.txt &&
	test_grep "databaseversion [0-9]" ov.txt
'

test_expect_success 'every page renders' '
	pages=0 &&
	for f in reports/*.pdf; do
		pdftoppm -png -r 30 "$f" "page-$(basename "$f" .pdf)" 2>/dev/null || return 1
		pages=$((pages + $(pdfinfo "$f" 2>/dev/null | sed -n "s/^Pages: *//p"))) || return 1
	done &&
	test "$pages" -gt 9 &&
	test "$(ls page-*.png | wc -l)" = "$pages"
'

test_expect_success 'fonts: embedded with compact CIDs (a small CIDToGIDMap), text poppler reads without warnings' '
	for f in reports/*.pdf
	do
		pdf_sound "$f" || return 1
	done &&
	qpdf --qdf --object-streams=disable reports/temaforloeb.pdf qdf.pdf 2>/dev/null &&
	test "$(grep -a -c "/CapHeight 729" qdf.pdf)" = 2 &&
	test "$(grep -a -c "/CIDSet [0-9]* 0 R" qdf.pdf)" = 2 &&
	grep -a -o "/CIDToGIDMap [0-9]* 0 R" qdf.pdf | sed "s/[^0-9]*\([0-9]*\).*/\1/" >maps &&
	test_line_count = 2 maps &&
	while read -r n
	do
		qpdf --show-object="$n" --filtered-stream-data reports/temaforloeb.pdf >map 2>/dev/null &&
		size=$(wc -c <map) &&
		# libharu would map all 65,536 code points: 131,072 bytes.
		test "$size" -gt 0 && test "$size" -lt 4096 || { echo "map $n: $size bytes"; return 1; }
	done <maps &&
	if /usr/bin/python3 -c "import fontTools" 2>/dev/null
	then
		/usr/bin/python3 "$FIXTURES/letter/check-cidset.py" qdf.pdf >cidset &&
		test_line_count = 2 cidset
	fi
'

# The report's per-offer queries, as bench/report-queries.sql keeps them,
# must find what they read of a submission, its kommune and type and its
# failed criteria in indexes (schema v6): the table's rows are mostly the
# record as JSON, and reading them was a third of a large report's time.
test_expect_success 'the report reads submissions, fields and criteria from covering indexes' '
	{
		echo ".parameter set :offer \"'\''temaforloeb'\''\"" &&
		echo ".parameter set :from NULL" &&
		echo ".parameter set :to NULL" &&
		echo ".eqp on" &&
		sed -n "/^-- @per-offer/,\$p" "$SRC/bench/report-queries.sql"
	} >plan.sql &&
	sqlite3 known.db <plan.sql >plan &&
	grep -E "(SEARCH|SCAN) [sfc] " plan >reads &&
	test "$(grep -c "^QUERY PLAN" plan)" = 7 &&
	test "$(wc -l <reads)" -ge 10 &&
	! grep -v "COVERING INDEX" reads
'

test_expect_success 'ranked-list CSV: Danish Excel, in rank order, only live submissions' '
	head -c 3 reports/temaforloeb.csv | od -An -tx1 | tr -d " " >bom &&
	echo efbbbf >bom.expect &&
	test_cmp bom.expect bom &&
	head -n 1 reports/temaforloeb.csv | tail -c +4 | tr -d "\r" >header &&
	echo "rang;sagsnummer;ansøger;modtaget;vurdering;udfald;status;begrundelse;id;filnavn;afsluttet;bemærkning" >header.expect &&
	test_cmp header.expect header &&
	tail -n +2 reports/temaforloeb.csv | cut -d";" -f1 >ranks &&
	seq 1 13 | sed "s/\$/$(printf "\r")/" >ranks.expect &&
	tr -d "\r" <ranks >r1 && tr -d "\r" <ranks.expect >r2 && test_cmp r2 r1 &&
	grep "^2;" reports/temaforloeb.csv >second &&
	test_grep "forslag, afventer sagsbehandler" second &&
	cut -d";" -f5 second >verdict && test_grep "^opfylder kravene\$" verdict
'

test_expect_success 'ranked-list CSV: modtaget is a local date and time Danish Excel reads' '
	grep "^1;" reports/temaforloeb.csv | cut -d";" -f4 >received &&
	echo "2026-03-02 10:00:00" >received.expect &&
	test_cmp received.expect received &&
	cut -d";" -f4 reports/temaforloeb.csv | grep -c "T..:..:..[+Z-]" >iso || : &&
	test "$(cat iso)" = 0
'

test_expect_success 'a period: only what was received in it, in files named by it' '
	skema-report -d known.db -o reports --from 2026-03-05 --to 2026-03-10 &&
	squeeze reports/temaforloeb_2026-03-05_2026-03-10.pdf >period.txt &&
	test_grep "^Modtaget i alt 8 " period.txt &&
	test_grep "modtaget fra 5. marts 2026 til og med 10. marts 2026" period.txt &&
	test -s reports/oversigt_2026-03-05_2026-03-10.pdf &&
	squeeze reports/temaforloeb.pdf >again.txt &&
	test_grep "^Modtaget i alt 17 " again.txt
'

test_expect_success 'a new report replaces the old by rename, leaving no temporary file' '
	ls -i reports/oversigt.pdf | cut -d" " -f1 >inode.before &&
	skema-report -d known.db -o reports &&
	ls -i reports/oversigt.pdf | cut -d" " -f1 >inode.after &&
	! cmp -s inode.before inode.after &&
	ls -a reports | grep "tmp" >stray;
	test_line_count = 0 stray
'

test_expect_success '--offer: only that offer' '
	skema-report -d known.db -o one --offer temaforloeb &&
	ls one >files &&
	printf "temaforloeb.csv\ntemaforloeb.pdf\n" >files.expect &&
	test_cmp files.expect files &&
	test_expect_code 64 skema-report -d known.db -o one --offer ingen-saadan
'

test_expect_success 'an empty database gives sound reports' '
	new_db empty.db &&
	skema-report -d empty.db -o empty &&
	squeeze empty/temaforloeb.pdf >e.txt &&
	squeeze empty/oversigt.pdf >eo.txt &&
	test_grep "^Modtaget i alt 0 " e.txt &&
	test_grep "Der er ikke modtaget nogen ansøgninger" e.txt &&
	test_grep "Ingen ansøgninger modtaget i perioden, så der er ingen diagrammer" e.txt &&
	! grep "Der er bevilget 0" e.txt &&
	! grep "Ansøgere efter region" e.txt &&
	! grep "Forskellen er" eo.txt &&
	# the 2021 rounds nobody applied to are history in 2026, an alarm in 2021
	! grep -q "fristen er udløbet" eo.txt &&
	SKEMA_NOW=2021-10-15T12:00:00+02:00 skema-report -d empty.db -o empty-2021 &&
	squeeze empty-2021/oversigt.pdf | tr "\n" " " | tr -s " " >e21.txt &&
	test_grep "OBS: Rådgivningsforløb om revision af det kommunale beredskab: fristen er udløbet, og der er ikke modtaget nogen ansøgninger (minimum 3)" e21.txt &&
	squeeze empty/partnerskab-magtanvendelse-2021.pdf >ep.txt &&
	test_grep "Ingen ansøgninger opfylder kriterierne, så der er ingen fordeling" ep.txt &&
	for f in empty/*.pdf; do
		case $f in */oversigt.pdf) max=2 ;; *) max=1 ;; esac
		test "$(pdfinfo "$f" 2>/dev/null | sed -n "s/^Pages: *//p")" -le $max || return 1
	done &&
	test_grep "Der er ikke modtaget nogen filer til de 8 tilbud." eo.txt &&
	! grep "Fordeling efter" ep.txt &&
	test_grep "OBS: Fristen er udløbet, og der er bevilget færre end minimum (7)" ep.txt &&
	test_grep "Ingen filer i karantæne" eo.txt &&
	test_grep "Ingen afgørelser afventer gennemgang" eo.txt &&
	test_grep "Ingen forslag til afgørelse afventer gennemgang, og ingen filer ligger i karantæne." eo.txt &&
	pdftoppm -png -r 30 empty/oversigt.pdf e 2>/dev/null
'

test_expect_success 'hostile text: control characters, emoji and a formula become harmless' '
	new_db hostile.db &&
	sqlite3 hostile.db "INSERT INTO submissions (record_id, sha256, original_name, received_at, offer_id, status, validation, applicant_name) VALUES (\"h1\", \"x\", \"x.docx\", \"2026-03-01T10:00:00+01:00\", \"temaforloeb\", \"stored\", \"eligible\", \"=HYPERLINK(1) Ålborg $(printf "\\001\\033")[31m 😀 \\xff\")" &&
	skema-report -d hostile.db -o hostile &&
	squeeze hostile/temaforloeb.pdf >h.txt &&
	test_grep "Ålborg" h.txt &&
	test_grep "Der er modtaget 1 fil til tilbuddet; 1 er en gyldig ansøgning, og 1 opfylder kriterierne." h.txt &&
	test_grep "1 gyldig ansøgning er endnu ikke afgjort." h.txt &&
	squeeze hostile/oversigt.pdf >ho.txt &&
	test_grep "i alt modtaget 1 fil\." ho.txt &&
	test_grep "$(printf "\\357\\277\\275")" h.txt &&
	grep "^;" hostile/temaforloeb.csv >row &&
	test_grep "\"'\''=HYPERLINK" row
'

test_expect_success 'many kinds of applicant: the chart sums the rest as Øvrige' '
	new_db kinds.db &&
	for i in $(seq 1 20); do
		echo "INSERT INTO submissions (id, record_id, sha256, original_name, received_at, offer_id, status, validation) VALUES ($i, \"k$i\", \"x\", \"x\", \"2026-03-01\", \"temaforloeb\", \"stored\", \"eligible\");"
		echo "INSERT INTO fields (submission_id, name, value) VALUES ($i, \"sted_type\", \"type $i\");"
	done | sqlite3 kinds.db &&
	skema-report -d kinds.db -o kinds --offer temaforloeb &&
	squeeze kinds/temaforloeb.pdf >k.txt &&
	test_grep "Øvrige 5\$" k.txt &&
	pdftoppm -png -r 30 kinds/temaforloeb.pdf k 2>/dev/null
'

test_expect_success 'registrations: numbered in order of receipt, counted as confirmed in the overview chart' '
	new_db reg.db &&
	for i in 1 2 3; do
		echo "INSERT INTO submissions (id, record_id, case_number, sha256, original_name, received_at, offer_id, status, validation, applicant_name) VALUES ($i, \"t$i\", \"2021-00000$i\", \"x\", \"x\", \"2021-08-0${i}T09:0$i:00+02:00\", \"informationsmoede-2021\", \"stored\", \"eligible\", \"Sted $i\");"
		echo "INSERT INTO decisions (submission_id, outcome, state, actor, decided_at) VALUES ($i, \"bekræftelse\", \"final\", \"skema\", \"2021-08-10T10:00:00+02:00\");"
	done | sqlite3 reg.db &&
	skema-report -d reg.db -o reg &&
	squeeze reg/informationsmoede-2021.pdf >reg.txt &&
	test_grep "^Tilmeldinger\$" reg.txt &&
	# a registration is not an application, in the report either
	test_grep "3 er gyldige tilmeldinger, og 3 opfylder kriterierne" reg.txt &&
	test_grep "Tilmeldingsfristen udløb" reg.txt &&
	! grep -q "gyldige ansøgninger\|Ansøgningsfristen" reg.txt &&
	grep "^ *[0-9] 2021-00000[0-9] Sted" reg.txt | sed "s/^ *//" | cut -d" " -f1-4 >rows &&
	printf "1 2021-000001 Sted 1\n2 2021-000002 Sted 2\n3 2021-000003 Sted 3\n" >rows.expect &&
	test_cmp rows.expect rows &&
	squeeze reg/oversigt.pdf >rego.txt &&
	test_grep "^ *Tilmelding til informationsmøde 18. 3 3\$" rego.txt &&
	test_grep "^Tilmelding til 17. august 3 3 3 0 0 0 0\$" rego.txt
'

test_expect_success 'capacity per quarter: each quarter against it, a warning only for the one over' '
	new_db quarters.db &&
	for i in $(seq 1 14); do
		if [ $i -le 3 ]; then day=2026-03-1$i; else day=2026-04-$((10 + i)); fi
		echo "INSERT INTO submissions (id, record_id, sha256, original_name, received_at, offer_id, status, validation, applicant_name) VALUES ($i, \"q$i\", \"x\", \"x\", \"${day}T10:00:00+02:00\", \"temaforloeb\", \"stored\", \"eligible\", \"Kommune $i\");"
		echo "INSERT INTO decisions (submission_id, outcome, state, rank, actor, decided_at) VALUES ($i, \"bevilget\", \"final\", $i, \"skema\", \"2026-05-01T10:00:00+02:00\");"
	done | sqlite3 quarters.db &&
	skema-report -d quarters.db -o quarters &&
	squeeze quarters/temaforloeb.pdf | tr "\n" " " >q.txt &&
	test_grep "Der er bevilget 14 temaforløb i alt; højst 10 pr. kvartal: 1. kvartal 2026: 3, 2. kvartal 2026: 11." q.txt &&
	test_grep "OBS: I 2. kvartal 2026 er der bevilget flere (11) end kapaciteten tillader (10)." q.txt &&
	! grep "OBS: I 1. kvartal" q.txt &&
	squeeze quarters/oversigt.pdf | tr "\n" " " >qo.txt &&
	test_grep "OBS: Temaforløb om overgreb mod børn har i 2. kvartal 2026 flere bevilgede (11) end kapaciteten (10)." qo.txt
'

test_expect_success 'usage: --help, bad dates and missing arguments' '
	skema-report --help >help &&
	test_grep "usage: skema-report -d DB -o DIR" help &&
	skema-report --version >version &&
	test_grep "^skema-report (skema) " version &&
	test_expect_code 64 skema-report -d known.db &&
	test_expect_code 64 skema-report -d known.db -o x --from 1.3.2026 &&
	test_must_fail skema-report -d nothing.db -o x 2>err &&
	test_grep "nothing.db" err
'

test_expect_success 'skema report: for the workspace, into reports/' '
	mkdir -p ws/reports &&
	cp known.db ws/skema.db &&
	skema -C ws report &&
	test -s ws/reports/oversigt.pdf &&
	test -s ws/reports/temaforloeb.csv &&
	skema -C ws report --offer temaforloeb --from 2026-03-05 &&
	test -s ws/reports/temaforloeb_2026-03-05_nu.pdf &&
	test_expect_code 64 skema -C ws report extra
'

test_expect_success 'large: 5,000 applications, a sound report of a few MB' '
	new_db large.db &&
	bash "$FIXTURES/report/many.sh" 5000 large.db &&
	skema-report -d large.db -o large &&
	for f in large/*.pdf large/*.csv; do
		test "$(wc -c <"$f")" -lt 3000000 || return 1
	done &&
	squeeze large/temaforloeb.pdf >l.txt &&
	pages=$(pdfinfo large/temaforloeb.pdf 2>/dev/null | sed -n "s/^Pages: *//p") &&
	test "$pages" -gt 20 &&
	test_grep " Side 1 af $pages\$" l.txt &&
	test_grep " Side $pages af $pages\$" l.txt &&
	test "$(grep -c " Side [0-9]* af $pages\$" l.txt)" = "$pages" &&
	test_grep "Databasen: 5.000 ansøgninger" l.txt &&
	tr "\n" " " <l.txt | grep "hele begrundelsen står i regnearket temaforloeb.csv i samme mappe." >/dev/null &&
	headers=$(grep -c "^ *Nr. Sagsnr. Ansøger Modtaget Udfald" l.txt) &&
	test "$headers" -ge $((pages - 4)) &&
	want=$(sql large.db "SELECT count(*) FROM submissions WHERE offer_id = '\''temaforloeb'\''") &&
	test_grep "^Modtaget i alt $(echo $want | sed "s/\\(.\\)\\(...\\)\$/\\1.\\2/") " l.txt &&
	waiting=$(sql large.db "SELECT count(*) FROM submissions s JOIN decisions d ON d.submission_id = s.id WHERE s.offer_id = '\''temaforloeb'\'' AND s.status = '\''stored'\'' AND d.outcome = '\''venteliste'\''") &&
	test "$waiting" -ge 1000 &&
	grep -c "^ *Venteliste\( .*\)\? $(echo $waiting | sed "s/\\(.\\)\\(...\\)\$/\\1.\\2/")\$" l.txt >n &&
	echo 2 >n.expect &&
	test_cmp n.expect n &&
	test_grep "^ *0 500 1\.000 1\.500 2\.000\$" l.txt &&
	pdftoppm -png -r 30 -f 1 -l 3 large/temaforloeb.pdf l 2>/dev/null &&
	test "$(tail -n +2 large/temaforloeb.csv | wc -l)" = "$(sql large.db "SELECT count(*) FROM submissions WHERE offer_id = '\''temaforloeb'\'' AND status = '\''stored'\''")"
'

test_expect_success 'a quarantined file sent through again by skema retry is not counted as in quarantine' '
	cp known.db retried.db &&
	sqlite3 retried.db "INSERT INTO events (submission_id, at, actor, event, detail) VALUES (18, \"2026-03-07T10:00:00+01:00\", \"root\", \"retried\", \"sent through again by skema retry\")" &&
	skema-report -d retried.db -o retried &&
	squeeze retried/oversigt.pdf >r.txt &&
	test_grep "og 1 fil ligger i karantæne" r.txt &&
	! grep -q "fil 18.docx" r.txt &&
	test_grep "fil 19.docx" r.txt
'

test_done
