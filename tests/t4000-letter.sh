#!/bin/bash
test_description='skema-letter: one letter per outcome, its text, drafts, the letters table, determinism'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/letter/cases.sh"

export SKEMA_NOW=2026-03-10T09:00:00+01:00

test_expect_success 'setup: applications for every outcome, stored and decided' '
	mkdir ws &&
	make_cases >in &&
	skema-store ws/skema.db <in >stored &&
	skema-decide ws/skema.db >decided &&
	SKEMA_NOW=2021-09-01T09:00:00+02:00 skema-decide --offer informationsmoede-2021 ws/skema.db >>decided &&
	jq -r "[.case_number, .outcome, .state] | @tsv" decided | sort >actual &&
	test_grep "2026-000001	bevilget	proposed" actual &&
	test_grep "2026-000002	afslag	proposed" actual &&
	test_grep "2026-000003	mangler	final" actual &&
	test_grep "venteliste	proposed" actual &&
	test_grep "bekræftelse	final" actual
'

test_expect_success 'every decision gets a letter named by case number and outcome' '
	skema-letter -d ws/skema.db -o letters <decided >out &&
	test_line_count = $(wc -l <decided) out &&
	test -f letters/2026-000001-bevilget-udkast.pdf &&
	test -f letters/2026-000002-afslag-udkast.pdf &&
	test -f letters/2026-000003-mangler.pdf &&
	jq -r .kind out | sort -u >kinds &&
	printf "afslag\nbekræftelse\nbevilget\nmangler\nventeliste\n" >expect &&
	test_cmp expect kinds
'

test_expect_success 'each letter is in the letters table with its sha256, kind and draft flag' '
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM letters")" = $(wc -l <out) &&
	for f in letters/*.pdf
	do
		want=$(sha256sum "$f" | cut -d" " -f1) &&
		got=$(sql ws/skema.db "SELECT sha256 FROM letters WHERE path = \"$f\"") &&
		test "$want" = "$got" || return 1
	done &&
	test "$(sql ws/skema.db "SELECT kind || draft FROM letters WHERE path LIKE \"%2026-000003%\"")" = mangler0 &&
	test "$(sql ws/skema.db "SELECT kind || draft FROM letters WHERE path LIKE \"%2026-000001%\"")" = bevilget1 &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM events WHERE event = \"letter\"")" = $(wc -l <out)
'

test_expect_success 'the approval: letterhead, recipient, date, case number, outcome, reasons, contact' '
	flat letters/2026-000001-bevilget-udkast.pdf >t &&
	test_grep "Socialstyrelsen" t &&
	test_grep "Vejle Kommune" t &&
	test_grep "Att.: Søren Ærø" t &&
	test_grep "Dato: 10. marts 2026" t &&
	test_grep "J.nr.: 2026-000001" t &&
	test_grep "modtaget jeres ansøgning om deltagelse i Temaforløb om overgreb mod børn" t &&
	test_grep "Vi har besluttet at imødekomme jeres ansøgning" t &&
	has_text "$(criterion temaforloeb chefniveau pass)" t &&
	has_text "$(criterion temaforloeb timer pass)" t &&
	test_grep "Laura Hold Pilegaard" t &&
	test_grep "Side 1 af 1" t
'

test_expect_success 'the outcome comes before the reasons' '
	flat letters/2026-000001-bevilget-udkast.pdf >t &&
	outcome_at=$(grep -bo "imødekomme jeres ansøgning" t | head -1 | cut -d: -f1) &&
	reason_at=$(grep -bo "Begrundelse" t | head -1 | cut -d: -f1) &&
	test "$outcome_at" -lt "$reason_at"
'

test_expect_success 'a refusal cites each failed criterion from the offer and has a klagevejledning' '
	flat letters/2026-000002-afslag-udkast.pdf >t &&
	test_grep "Københavns Kommune" t &&
	test_grep "give afslag på jeres ansøgning" t &&
	has_text "$(criterion temaforloeb chefniveau fail)" t &&
	has_text "$(criterion temaforloeb timer fail | sed "s/{timer}/20/")" t &&
	! grep -q "{timer}" t &&
	has_text "opfylder ikke følgende betingelser:" t &&
	! grep -F "$(criterion temaforloeb personaleressourcer fail)" t &&
	test_grep "Klagevejledning" t &&
	test_grep "klage over afgørelsen til Social-, Bolig- og Ældreministeriet" t &&
	test_grep "Klagefristen er 4 uger" t
'

test_expect_success 'the approval has no klagevejledning; the waiting list says why it waits' '
	! grep "Klagevejledning" t.bevilget 2>/dev/null &&
	flat letters/2026-000001-bevilget-udkast.pdf >t.bevilget &&
	! grep "Klagevejledning" t.bevilget &&
	f=$(jq -r "select(.kind == \"venteliste\") | .path" out) &&
	flat "$f" >t &&
	test_grep "optaget på venteliste" t &&
	has_text "$(criterion raadgivningsforloeb elementer pass)" t &&
	has_text "går de først til dem, der står på ventelisten" t &&
	has_text "får I et nyt brev med tilbud om en plads" t
'

test_expect_success 'mangler names each missing field by its label' '
	flat letters/2026-000003-mangler.pdf >t &&
	has_text "$(label blocks/kommune kontakt_email)" t &&
	has_text "$(label temaforloeb/offer indledende_moede_dato)" t &&
	test_grep "senest den 24. marts 2026" t &&
	! grep "kontakt_email" t
'

test_expect_success 'the registration gets a confirmation' '
	f=$(jq -r "select(.kind == \"bekræftelse\") | .path" out) &&
	flat "$f" >t &&
	test_grep "Bekræftelse: Tilmelding til informationsmøde 18. august 2021" t &&
	test_grep "Vi bekræfter hermed jeres tilmelding, som vi modtog den 10. august 2021" t &&
	test_grep "Tilmeldt: Karen Blixen, Rungstedlund" t
'

test_expect_success 'a draft says UDKAST on every page; a final letter nowhere' '
	f=letters/2026-000002-afslag-udkast.pdf &&
	pages=$(pdfinfo "$f" 2>/dev/null | sed -n "s/^Pages: *//p") &&
	test "$pages" -ge 1 &&
	for i in $(seq 1 "$pages")
	do
		pdftotext -f $i -l $i "$f" - 2>/dev/null | grep -q UDKAST || return 1
		pdftotext -f $i -l $i "$f" - 2>/dev/null | grep -q "Side $i af $pages" || return 1
	done &&
	flat letters/2026-000003-mangler.pdf >t &&
	! grep UDKAST t
'

test_expect_success 'every file passes qpdf --check, embeds its fonts, and has a ToUnicode map poppler reads without warnings' '
	for f in letters/*.pdf
	do
		pdf_sound "$f" || return 1
	done
'

test_expect_success 'archive metadata: PDF/A-1b XMP that parses, title, author, dates, an sRGB intent' '
	f=letters/2026-000001-bevilget-udkast.pdf &&
	pdfinfo -meta "$f" 2>/dev/null | sed -n "/<?xpacket begin/,/<?xpacket end/p" >xmp &&
	xmllint --noout xmp &&
	test_grep "<pdfaid:part>1</pdfaid:part>" xmp &&
	test_grep "<pdfaid:conformance>B</pdfaid:conformance>" xmp &&
	test_grep "<xmp:CreateDate>2026-03-10T09:00:00+01:00</xmp:CreateDate>" xmp &&
	pdfinfo "$f" 2>/dev/null >info &&
	test_grep "^Title: *Afgørelse: Temaforløb om overgreb mod børn" info &&
	test_grep "^Author: *Socialstyrelsen" info &&
	test_grep "^PDF version: *1.4" info &&
	qpdf --show-object=1 "$f" >catalog 2>/dev/null &&
	test_grep "/OutputIntents" catalog &&
	test_grep "/Lang (da-DK)" catalog &&
	qpdf --qdf --object-streams=disable "$f" qdf.pdf 2>/dev/null &&
	test "$(grep -a -c "/CapHeight 729" qdf.pdf)" = 2 &&
	test "$(grep -a -c "/CIDSet [0-9]* 0 R" qdf.pdf)" = 2
'

test_expect_success '/CIDSet lists only CIDs the embedded fonts hold (checked with fonttools)' '
	if ! /usr/bin/python3 -c "import fontTools" 2>/dev/null
	then
		echo "fonttools missing: not checked"; return 0
	fi
	for f in letters/2026-000001-bevilget-udkast.pdf letters/2026-000002-afslag-udkast.pdf
	do
		qpdf --qdf --object-streams=disable "$f" qdf.pdf 2>/dev/null &&
		/usr/bin/python3 "$FIXTURES/letter/check-cidset.py" qdf.pdf >cidset &&
		cat cidset &&
		test_line_count = 2 cidset || return 1
	done
'

test_expect_success 'each letter has its own /ID' '
	for f in letters/*.pdf
	do
		qpdf --show-object=trailer "$f" 2>/dev/null | grep -o "/ID \[ <[0-9a-f]*>" || return 1
	done | sort | uniq -d >same &&
	test_line_count = 0 same
'

test_expect_success 'the same input gives the same bytes' '
	skema-letter -d ws/skema.db -o again <decided >/dev/null &&
	for f in letters/*.pdf
	do
		cmp "$f" "again/${f#letters/}" || return 1
	done
'

test_expect_success 'a letter has the same bytes made alone, first or last in a batch' '
	# One libharu handle serves every letter of a process (pdf.c): what
	# it keeps between documents must not show in the next one.
	while read -r line
	do
		printf "%s\n" "$line" | skema-letter -d ws/skema.db -o alone >/dev/null || return 1
	done <decided &&
	tac decided | skema-letter -d ws/skema.db -o reversed >/dev/null &&
	test "$(ls alone | wc -l)" = "$(ls letters | wc -l)" &&
	for f in letters/*.pdf
	do
		cmp "$f" "alone/${f#letters/}" &&
		cmp "$f" "reversed/${f#letters/}" || return 1
	done
'

test_expect_success 'letters staged by a killed run are removed; a live writer keeps its own' '
	sh -c "echo \$\$" >dead &&
	dead=$(cat dead) &&
	! kill -0 "$dead" 2>/dev/null &&
	mkdir -p stale &&
	echo half >stale/2026-000009-bevilget.pdf.tmp.$dead.0 &&
	echo half >stale/2026-000009-gennemgang.pdf.tmp.$dead.17 &&
	echo busy >stale/2026-000008-afslag.pdf.tmp.$$.3 &&
	echo mine >stale/notat.pdf.tmp.$dead.x &&
	echo "{\"submission_id\": 1}" | skema-letter -d ws/skema.db -o stale >/dev/null 2>err &&
	ls stale | grep tmp | sort >left &&
	printf "%s\n" 2026-000008-afslag.pdf.tmp.$$.3 notat.pdf.tmp.$dead.x | sort >left.expect &&
	test_cmp left.expect left
'

# A renderer killed while its parent lives on is a zombie until reaped:
# kill -0 still finds it, yet it writes nothing more.
test_expect_success 'the letter of a killed writer that is not reaped yet (a zombie) is removed too' '
	rm -f zombie &&
	sh -c "sleep 0.2 & echo \$! >zombie; exec sleep 30" >/dev/null 2>&1 &
	parent=$! &&
	for i in $(seq 50); do test -s zombie && break; sleep 0.1; done &&
	z=$(cat zombie) &&
	for i in $(seq 50); do grep -q "^$z ([^)]*) Z" /proc/$z/stat 2>/dev/null && break; sleep 0.1; done &&
	grep -q "^$z ([^)]*) Z" /proc/$z/stat &&
	kill -0 "$z" &&
	mkdir -p zstale &&
	echo half >zstale/2026-000009-bevilget.pdf.tmp.$z.0 &&
	echo "{\"submission_id\": 1}" | skema-letter -d ws/skema.db -o zstale >/dev/null 2>err &&
	kill $parent &&
	! ls zstale | grep -q tmp
'

test_expect_success 'a final letter never replaces a file: the second one gets a new name' '
	cp letters/2026-000003-mangler.pdf before.pdf &&
	echo "{\"submission_id\": 3}" | skema-letter -d ws/skema.db -o letters >out2 &&
	test "$(jq -r .path out2)" = letters/2026-000003-mangler-2.pdf &&
	cmp before.pdf letters/2026-000003-mangler.pdf
'

test_expect_success '--pending writes only what has no letter yet; a confirmed decision gets its final letter' '
	skema-letter -d ws/skema.db -o letters --pending >pending &&
	test_line_count = 0 pending &&
	sqlite3 ws/skema.db "UPDATE decisions SET state = \"final\" WHERE current = 1 AND submission_id = 1" &&
	skema-letter -d ws/skema.db -o letters --pending >pending &&
	test "$(jq -r .path pending)" = letters/2026-000001-bevilget.pdf &&
	test "$(jq -r .draft pending)" = false &&
	flat letters/2026-000001-bevilget.pdf >t &&
	! grep UDKAST t &&
	test_grep "Vi har besluttet at imødekomme" t
'

test_expect_success 'the workspace configuration names the authority and the signatory' '
	cat >ws/skema.conf <<-\EOT &&
	authority.name = Testmyndigheden & Søn <A/S>
	letter.signatory = Åse Ødegård
	letter.signatory_title = Kontorchef
	klage.instans = Ankestyrelsen
	klage.frist = 3 måneder
	EOT
	echo "{\"submission_id\": 2}" | skema-letter -d ws/skema.db -o conf >/dev/null &&
	flat conf/2026-000002-afslag-udkast.pdf >t &&
	test_grep "Testmyndigheden & Søn <A/S> har den" t &&
	test_grep "Åse Ødegård Kontorchef" t &&
	test_grep "klage over afgørelsen til Ankestyrelsen" t &&
	test_grep "Klagefristen er 3 måneder" t &&
	pdfinfo -meta conf/2026-000002-afslag-udkast.pdf 2>/dev/null |
		sed -n "/<?xpacket begin/,/<?xpacket end/p" >xmp &&
	xmllint --noout xmp &&
	test_grep "Testmyndigheden &amp; Søn &lt;A/S&gt;" xmp &&
	rm ws/skema.conf
'

test_expect_success 'the keys skema init writes are understood too' '
	cat >ws/skema.conf <<-\EOT &&
	authority.name = Socialstyrelsen
	authority.postcode = 5000
	authority.city = Odense C
	klage.body = Ankestyrelsen
	klage.address = Teglholmsgade 3, 2450 København SV
	klage.via = siso@example.dk
	klage.weeks = 4
	EOT
	echo "{\"submission_id\": 2}" | skema-letter -d ws/skema.db -o init >/dev/null &&
	flat init/2026-000002-afslag-udkast.pdf >t &&
	test_grep "klage over afgørelsen til Ankestyrelsen, Teglholmsgade 3, 2450 København SV." t &&
	test_grep "Klagefristen er 4 uger" t &&
	test_grep "Klagen sendes til siso@example.dk med angivelse af journalnummer 2026-000002" t &&
	test_grep "5000 Odense C" t &&
	rm ws/skema.conf
'

test_expect_success 'a local letter text overrides the shipped one' '
	mkdir -p local/forms/letters/temaforloeb &&
	printf "# Lokal tekst for {{sag.journalnummer}}\n\nHej {{modtager.navn}}.\n" \
		>local/forms/letters/temaforloeb/bevilget.txt &&
	echo "{\"submission_id\": 1}" |
		SKEMA_CONFDIR=$PWD/local skema-letter -d ws/skema.db -o local/out >/dev/null &&
	flat local/out/2026-000001-bevilget.pdf >t &&
	test_grep "Lokal tekst for 2026-000001" t &&
	test_grep "Hej Vejle Kommune." t
'

test_expect_success 'a broken letter text is reported with file and line, exit 78' '
	mkdir -p broken/forms/letters/default &&
	printf "# Afgørelse\n\n{{#opfyldte_krav}}\n- {{tekst}}\n" >broken/forms/letters/default/afslag.txt &&
	echo "{\"submission_id\": 2}" >one &&
	test_expect_code 78 env SKEMA_CONFDIR=$PWD/broken skema-letter -d ws/skema.db -o broken/out <one 2>err &&
	test_grep "broken/forms/letters/default/afslag.txt:3: section \"opfyldte_krav\" is not closed" err
'

test_expect_success 'skema check-forms finds the broken letter text before a letter needs it' '
	test_expect_code 78 env SKEMA_CONFDIR=$PWD/broken skema check-forms >out 2>err &&
	test_grep "broken/forms/letters/default/afslag.txt:3: section \"opfyldte_krav\" is not closed" err &&
	test_line_count = 1 err &&
	skema check-forms >out 2>err &&
	test_grep "^letter texts: ok (8 offers)" out
'

test_expect_success 'a missing letter text is named too' '
	mkdir -p empty-data && cp -R "$SRC/forms" empty-data/forms && rm empty-data/forms/letters/default/venteliste.txt &&
	test_expect_code 78 env SKEMA_FORMS=$PWD/empty-data/forms SKEMA_DATADIR=$PWD/empty-data skema-letter --check 2>err &&
	test_grep "no letter text for venteliste" err
'

test_expect_success '--check names what no letter has, as check-forms does, and asks no venteliste text of a round' '
	mkdir -p typo-data && cp -R "$SRC/forms" typo-data/forms &&
	rm typo-data/forms/letters/default/venteliste.txt &&
	mkdir -p typo-data/forms/letters/temaforloeb &&
	printf "# Venteliste\n\nKontakt os på {{kontakt.e_mail}}.\n" >typo-data/forms/letters/temaforloeb/venteliste.txt &&
	test_expect_code 78 env SKEMA_FORMS=$PWD/typo-data/forms SKEMA_DATADIR=$PWD/typo-data skema-letter --check 2>err &&
	test_grep "temaforloeb/venteliste.txt:3: unknown name {{kontakt.e_mail}}" err &&
	! grep -q "spillerum-2019: no letter text for venteliste" err &&
	test_grep "raadgivningsforloeb: no letter text for venteliste" err
'

test_expect_success 'bad input: an unknown submission and a line without an id give 65, the rest is written' '
	printf "{\"submission_id\": 999}\n{\"x\": 1}\n{\"submission_id\": 2}\n" >mixed &&
	test_expect_code 65 skema-letter -d ws/skema.db -o mixout <mixed >out3 2>err &&
	test_line_count = 1 out3 &&
	test_grep "submission 999: not in the database" err
'

test_expect_success 'review sheet: fields raw and normalised with source, criteria, proposal, duplicates' '
	mkrec 1 temaforloeb 2026-03-04T10:00:00+01:00 eligible "$(kommune_fields Vejle)" "$TEMA_OK" |
		jq -c ".id = \"20260304-000000-dublet-1\" | .original_name = \"kopi.docx\"" >dup &&
	skema-store ws/skema.db <dup >dupout &&
	test "$(jq -r .submission.status dupout)" = duplicate &&
	echo "{\"submission_id\": 1}" | skema-letter -d ws/skema.db -o review --review-sheets >rout &&
	test "$(jq -r "select(.kind == \"review\") | .path" rout)" = review/2026-000001-gennemgang.pdf &&
	flat review/2026-000001-gennemgang.pdf >t &&
	has_text "Gennemgang af ansøgning 2026-000001" t &&
	has_text "Afgørelse Bevilget (endelig, " t &&
	! grep -q "Foreslået afgørelse" t &&
	has_text "$(label blocks/kommune forvaltning)" t &&
	has_text "(besluttet_chefniveau) 1 ja" t &&
	has_text "(indledende_moede_dato, påkrævet)" t && has_text "2026-02-01" t &&
	has_text "1. februar 2026 indholdskontrol" t &&
	has_text "indholdskontrol" t &&
	has_text "Børne- og Familieforvaltningen" t &&
	has_text "✓ opfyldt" t &&
	has_text "✗ ikke opfyldt" t &&
	has_text "$(criterion temaforloeb motivation fail)" t &&
	has_text "Dubletter og andre versioner" t &&
	has_text "dublet af denne" t &&
	has_text "kopi.docx" t
'

test_expect_success 'a libharu error (no sRGB profile): the letter is rebuilt without the PDF/A extras, with a warning' '
	echo "{\"submission_id\": 1}" >one &&
	SKEMA_ICC=$PWD/no-such.icc skema-letter -d ws/skema.db -o noicc <one >out4 2>err &&
	test_grep "written without the PDF/A extras after: libharu error" err &&
	f=$(jq -r .path out4) &&
	qpdf --check "$f" >/dev/null 2>&1 &&
	flat "$f" >t &&
	test_grep "Vi har besluttet at imødekomme" t
'

test_expect_success 'missing fonts are a configuration error (78) that says how to make them' '
	mkdir -p nofonts &&
	cp -r "$SRC/forms" nofonts/ &&
	echo "{\"submission_id\": 1}" >one &&
	test_expect_code 78 env SKEMA_DATADIR=$PWD/nofonts skema-letter -d ws/skema.db -o nf <one 2>err &&
	test_grep "make fonts" err &&
	! test -e nf/2026-000001-bevilget.pdf
'

test_expect_success 'usage: --help, --version, missing options' '
	skema-letter --help >help &&
	test_grep "usage: skema-letter -d DB -o DIR" help &&
	skema-letter --version >version &&
	test_grep "^skema-letter (skema) " version &&
	test_expect_code 64 skema-letter -o x </dev/null 2>err &&
	test_grep "usage:" err &&
	test_expect_code 64 skema-letter --bogus 2>err
'

test_done
