#!/bin/bash
test_description='the whole pipeline, inbox to PDF letter, on real files'
. "$(dirname "$0")/lib.sh"

# Issue 2's promise: every dropped file ends in exactly one place with its
# state recorded, good forms get a letter saying bevilget, afslag with the
# failed criteria, or mangler with the missing fields, and bad files are
# quarantined with a Danish reason while the run goes on and exits 0.

mkform=$SRC/build/bin/mkform
offer=$SRC/forms/temaforloeb/offer.xml

test_expect_success 'setup: a workspace and an inbox of real forms' '
	skema init ws &&
	"$mkform" --fill "$FIXTURES/demo/temaforloeb-aarhus.json" -o ws/inbox/aarhus.docx "$offer" &&
	"$mkform" --fill "$FIXTURES/demo/temaforloeb-odense.json" -o ws/inbox/odense.odt "$offer" &&
	"$mkform" --fill "$FIXTURES/demo/temaforloeb-vejle.json" -o "ws/inbox/vejle æøå.docx" "$offer" &&
	cp "$FIXTURES/demo/raadgivningsforloeb-koebenhavn.libreoffice.docx" ws/inbox/kbh.docx &&
	printf "ikke en blanket\n" >ws/inbox/tekst.docx &&
	head -c 3000 ws/inbox/aarhus.docx >ws/inbox/afbrudt.docx &&
	printf "\320\317\021\340\241\261\032\341%0500d" 0 >ws/inbox/gammel.doc &&
	ls ws/inbox >dropped &&
	test_line_count = 7 dropped
'

test_expect_success 'run processes the inbox and exits 0 despite bad files' '
	SKEMA_NOW=2021-08-10T10:00:00 skema -C ws run --settle 0 >run.out 2>run.err
'

test_expect_success 'every dropped file ends in exactly one place' '
	ls ws/inbox >left && test_line_count = 0 left &&
	find ws/work -type f >claimed && test_line_count = 0 claimed &&
	ls ws/archive >archived && test_line_count = 4 archived &&
	ls ws/quarantine | grep -v "\.årsag\.txt$" >quarantined &&
	test_line_count = 3 quarantined &&
	ls ws/quarantine | grep "\.årsag\.txt$" >reasons &&
	test_line_count = 3 reasons
'

test_expect_success 'a reason file names the file and says what to do, in Danish' '
	reason=$(ls ws/quarantine/*gammel.doc.årsag.txt) &&
	test_grep "gammel.doc" "$reason" &&
	test_grep "docx" "$reason" &&
	test_grep "indbakken" "$reason"
'

test_expect_success 'the database holds every submission with its outcome' '
	sql ws/skema.db "SELECT original_name, status FROM submissions ORDER BY original_name" >statuses &&
	test_line_count = 7 statuses &&
	sql ws/skema.db "SELECT s.original_name, d.outcome FROM submissions s
		JOIN decisions d ON d.submission_id = s.id AND d.current = 1
		ORDER BY s.original_name" >actual &&
	cat >expect <<-\EOF &&
	aarhus.docx|bevilget
	kbh.docx|bevilget
	odense.odt|afslag
	vejle æøå.docx|mangler
	EOF
	test_cmp expect actual
'

test_expect_success 'fields are stored raw and normalised' '
	sql ws/skema.db "SELECT f.raw, f.value FROM fields f JOIN submissions s ON s.id = f.submission_id
		WHERE s.original_name = '"'"'aarhus.docx'"'"' AND f.name IN ('"'"'kommune'"'"', '"'"'kontakt_telefon'"'"')
		ORDER BY f.name" >actual &&
	cat >expect <<-\EOF &&
	Århus Kommune|Aarhus
	87 13 20 00|+45 87 13 20 00
	EOF
	test_cmp expect actual
'

test_expect_success 'export lists every dropped file exactly once' '
	skema -C ws export --rfc >export.csv &&
	head -n 1 export.csv | tr -d "\r" | cut -d, -f1-9 >header &&
	echo "id,original_name,sha256,form,received_at,status,outcome,letter_path,error" >expect &&
	test_cmp expect header &&
	tail -n +2 export.csv >rows &&
	test_line_count = 7 rows &&
	for f in aarhus.docx odense.odt "vejle æøå.docx" kbh.docx tekst.docx afbrudt.docx gammel.doc
	do
		test $(grep -c -F ",$f," rows) = 1 || { echo "not once: $f"; return 1; }
	done
'

letter_for() {
	sql ws/skema.db "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.original_name = '$1' AND l.kind <> 'review' ORDER BY l.id DESC LIMIT 1"
}

test_expect_success 'the approval letter names the case, the applicant and the offer' '
	pdf=$(letter_for aarhus.docx) && test -f "$pdf" &&
	pdf_text "$pdf" >text &&
	case_number=$(sql ws/skema.db "SELECT case_number FROM submissions WHERE original_name = '"'"'aarhus.docx'"'"'") &&
	test_grep "$case_number" text &&
	test_grep "Temaforløb om overgreb mod børn" text &&
	test_grep "Aarhus" text &&
	test_grep "imødekomme jeres ansøgning" text
'

test_expect_success 'a proposed decision gives a draft marked UDKAST' '
	pdf=$(letter_for aarhus.docx) &&
	pdf_text "$pdf" >text &&
	test_grep "UDKAST" text
'

test_expect_success 'the refusal gives the failed criteria and a complaints note' '
	pdf=$(letter_for odense.odt) && test -f "$pdf" &&
	pdf_text "$pdf" | tr -s " \n" "  " >text &&
	test_grep "ikke besluttet på chefniveau" text &&
	test_grep "op til 25 timer" text &&
	test_grep -i "klage" text
'

test_expect_success 'the request for information names each missing field by its label' '
	pdf=$(letter_for "vejle æøå.docx") && test -f "$pdf" &&
	pdf_text "$pdf" | tr -s " \n" "  " >text &&
	test_grep "Kontaktpersonens e-mail" text &&
	test_grep "Motivation for at deltage" text
'

test_expect_success 'letters embed their fonts' '
	pdf=$(letter_for aarhus.docx) &&
	pdffonts "$pdf" >fonts &&
	tail -n +3 fonts >rows && test_line_count -ge 1 rows &&
	! awk "{ if (\$(NF-4) != \"yes\") bad = 1 } END { exit !bad }" rows
'

test_expect_success 'a second run changes nothing' '
	sql ws/skema.db "SELECT count(*) FROM decisions" >before &&
	SKEMA_NOW=2021-08-10T11:00:00 skema -C ws run --settle 0 &&
	sql ws/skema.db "SELECT count(*) FROM decisions" >after &&
	test_cmp before after &&
	skema -C ws export --rfc | tail -n +2 >rows && test_line_count = 7 rows
'

test_expect_success 'the same file dropped again is recorded as a duplicate, not decided again' '
	"$mkform" --fill "$FIXTURES/demo/temaforloeb-aarhus.json" -o "ws/inbox/aarhus igen.docx" "$offer" &&
	SKEMA_NOW=2021-08-11T10:00:00 skema -C ws run --settle 0 &&
	sql ws/skema.db "SELECT status, duplicate_of IS NOT NULL FROM submissions
		WHERE original_name = '"'"'aarhus igen.docx'"'"'" >actual &&
	echo "duplicate|1" >expect &&
	test_cmp expect actual &&
	sql ws/skema.db "SELECT count(*) FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '"'"'aarhus igen.docx'"'"'" >actual &&
	echo 0 >expect &&
	test_cmp expect actual
'

test_done
