#!/bin/bash
test_description='acceptance: forms saved by LibreOffice, DOCX and ODT, through skema run'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# Four forms filled by mkform and then opened and saved by LibreOffice 7.4
# in the other format (fixtures/acceptance/libreoffice/make.sh made them),
# so the test needs no soffice: two DOCX and two ODT, covering a grant, a
# refusal on a criterion, a grant of a facility and a registration with a
# missing required field.

LO=$FIXTURES/acceptance/libreoffice

test_expect_success 'setup: the saved forms really are LibreOffice files' '
	for f in "$LO"/*.docx
	do
		unzip -p "$f" docProps/app.xml | grep -q LibreOffice || return 1
	done &&
	for f in "$LO"/*.odt
	do
		unzip -p "$f" meta.xml | grep -q LibreOffice || return 1
	done &&
	skema init ws >/dev/null &&
	cp "$LO"/*.docx "$LO"/*.odt ws/inbox/
'

test_expect_success 'the run reads them by their form ids, not by guessing' '
	accept_run 2021-08-10T10:00:00 &&
	accept_q "SELECT original_name, status, offer_id, form_source FROM submissions ORDER BY original_name" >actual &&
	cat >expect <<-\EOF &&
	beredskab-fredericia.docx|stored|beredskab-revision-2021|property
	info-joergen.odt|stored|informationsmoede-2021|property
	opk-aeblehaven.odt|stored|opkvalificering-anbringelsessted|property
	temadag-svendborg.docx|stored|temadag-plejefamilie|property
	EOF
	test_cmp expect actual
'

test_expect_success 'Danish letters in the values survive LibreOffice' '
	accept_q "SELECT f.value FROM fields f JOIN submissions s ON s.id = f.submission_id
		WHERE (s.original_name = '"'"'temadag-svendborg.docx'"'"' AND f.name = '"'"'kontakt_navn'"'"')
		OR (s.original_name = '"'"'opk-aeblehaven.odt'"'"' AND f.name = '"'"'sted_navn'"'"')
		OR (s.original_name = '"'"'info-joergen.odt'"'"' AND f.name = '"'"'navn'"'"')
		ORDER BY s.original_name" >actual &&
	cat >expect <<-\EOF &&
	Jørgen Ærø
	Døgninstitutionen Æblehaven
	Åse Ølgaard
	EOF
	test_cmp expect actual
'

test_expect_success 'rolling offers and the registration are decided at once' '
	for f in temadag-svendborg.docx opk-aeblehaven.odt info-joergen.odt
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	temadag-svendborg.docx|bevilget|proposed
	opk-aeblehaven.odt|bevilget|proposed
	info-joergen.odt|mangler|final
	EOF
	test_cmp expect actual &&
	accept_text info-joergen.odt >text &&
	accept_has "$(accept_label informationsmoede-2021 organisation)" text &&
	accept_has "Jørgen Ærø" text &&
	accept_text temadag-svendborg.docx >text &&
	accept_has "Åse Ølgaard" text
'

test_expect_success 'the beredskab round after its deadline refuses the one without workshops' '
	test -z "$(accept_decision beredskab-fredericia.docx)" &&
	accept_run 2021-10-02T10:00:00 &&
	test "$(accept_decision beredskab-fredericia.docx)" = "afslag|proposed" &&
	accept_text beredskab-fredericia.docx >text &&
	accept_has "$(accept_sentence beredskab-revision-2021 workshops fail)" text &&
	test_grep "Klagevejledning" text
'

test_done
