#!/bin/bash
test_description='skema-letter: every outcome of every offer gives a complete, well-formed letter'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/letter/cases.sh"

export SKEMA_NOW=2026-03-10T09:00:00+01:00
OUTCOMES="bevilget venteliste afslag mangler bekræftelse"

# Fields that fit any offer's recipient block; $1 makes the applicant unique.
applicant() {
	jq -n -c --arg n "$1" '{kommune: "Vejle", forvaltning: ("Forvaltning " + $n),
		kontakt_navn: "Søren Ærø", kontakt_email: ("k" + $n + "@example.dk"),
		sted_navn: ("Opholdsstedet Åen " + $n), sted_type: "opholdssted",
		cvr: ("1000000" + $n), adresse: "Åvej 1", postnr: "7100", by: "Vejle",
		leder_navn: "Åse Østergård", navn: "Karen Blixen",
		email: ("karen" + $n + "@example.dk"), organisation: "Rungstedlund"}'
}

test_expect_success 'setup: one application per offer and outcome, with that decision' '
	mkdir ws &&
	n=0 &&
	for offer in $(ls "$SRC/forms" | grep -v "^blocks$\|^letters$")
	do
		test -f "$SRC/forms/$offer/offer.xml" || continue
		for outcome in $OUTCOMES
		do
			n=$((n + 1)) &&
			mkrec $n "$offer" 2026-03-01T10:00:00+01:00 eligible "$(applicant $n)" \
				"[[\"x\",\"eligibility\",false]]" "[\"kontakt_email\"]" >>in &&
			echo "$n $offer $outcome" >>cases || return 1
		done
	done &&
	test_line_count = 40 cases &&
	skema-store ws/skema.db <in >/dev/null &&
	while read n offer outcome
	do
		sql ws/skema.db "INSERT INTO decisions (submission_id, outcome, state, explanation, actor, decided_at)
			SELECT id, \"$outcome\", \"final\", \"Forklaring for $outcome.\", \"test\", \"2026-03-09T10:00:00+01:00\"
			FROM submissions WHERE record_id LIKE \"%-$n\"" || return 1
	done <cases &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM decisions")" = 40
'

test_expect_success 'all 40 letters are written' '
	skema-letter -d ws/skema.db -o out --pending >written &&
	test_line_count = 40 written &&
	test "$(ls out/*.pdf | wc -l)" = 40
'

test_expect_success 'each letter: well-formed, fonts embedded, the offer title, its contact, no raw placeholders' '
	while read n offer outcome
	do
		f=$(sql ws/skema.db "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
			WHERE s.record_id LIKE \"%-$n\"") &&
		qpdf --check "$f" >/dev/null 2>&1 || { echo "qpdf: $f"; return 1; }
		pdffonts "$f" 2>/dev/null | tail -n +3 >fonts &&
		test_line_count = 2 fonts &&
		! grep -v -q " yes yes yes " fonts &&
		flat "$f" >t &&
		title=$(xmllint --xpath "string(//*[local-name()=\"title\"])" "$SRC/forms/$offer/offer.xml") &&
		contact=$(xmllint --xpath "string(//*[local-name()=\"contact\"]/@name)" "$SRC/forms/$offer/offer.xml") &&
		has_text "$title" t &&
		has_text "$contact" t &&
		has_text "Side 1 af" t &&
		has_text "Med venlig hilsen" t &&
		! grep -q "{{\|}}" t &&
		! grep -q " til \. \| på \. \| , , " t &&
		# the title is a noun phrase of its own: "tilmelding til Tilmelding til ..."
		! grep -qi "\b\([a-zæøå]\+ [a-zæøå]\+\) \1\b" t || { echo "letter $f ($offer, $outcome)"; return 1; }
	done <cases
'

test_expect_success 'every letter is at most 40 KB' '
	for f in out/*.pdf
	do
		test $(wc -c <"$f") -le 40960 || { echo "too large: $f"; return 1; }
	done
'

# A registration turned away (the information meeting, too late) is told
# so in the registration's own letter, not given an application's refusal
# with a klagevejledning (forms/letters/informationsmoede-2021/afslag.txt).
test_expect_success 'refusals and waiting lists have a klagevejledning, the others do not' '
	while read n offer outcome
	do
		f=$(sql ws/skema.db "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
			WHERE s.record_id LIKE \"%-$n\"") &&
		flat "$f" >t &&
		case $offer-$outcome in
		informationsmoede-2021-afslag) ! grep -q "Klagevejledning" t || return 1 ;;
		*-afslag | *-venteliste) has_text "Klagevejledning" t || return 1 ;;
		*) ! grep -q "Klagevejledning" t || return 1 ;;
		esac
	done <cases
'

test_expect_success 'a foster family refused the course for institutions is referred to the theme day' '
	n=$(grep " opkvalificering-anbringelsessted afslag$" cases | cut -d" " -f1) &&
	sql ws/skema.db "UPDATE fields SET value = \"plejefamilie\", raw = \"plejefamilie\"
		WHERE name = \"sted_type\" AND submission_id = (SELECT id FROM submissions WHERE record_id LIKE \"%-$n\")" &&
	id=$(sql ws/skema.db "SELECT id FROM submissions WHERE record_id LIKE \"%-$n\"") &&
	echo "{\"submission_id\": $id}" | skema-letter -d ws/skema.db -o pleje >/dev/null &&
	flat pleje/*.pdf >t &&
	has_text "Temadag for plejefamilier og familieplejekonsulenter" t &&
	n=$(grep " temaforloeb afslag$" cases | cut -d" " -f1) &&
	f=$(sql ws/skema.db "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.record_id LIKE \"%-$n\"") &&
	flat "$f" >t &&
	! grep -q "Temadag for plejefamilier" t
'

test_expect_success 'an institution is addressed by its name and address' '
	n=$(grep " spillerum-2019 bevilget$" cases | cut -d" " -f1) &&
	f=$(sql ws/skema.db "SELECT l.path FROM letters l JOIN submissions s ON s.id = l.submission_id
		WHERE s.record_id LIKE \"%-$n\"") &&
	flat "$f" >t &&
	has_text "Opholdsstedet Åen $n" t &&
	has_text "Att.: Søren Ærø Åvej 1 7100 Vejle" t
'


# A corrected form has a journalnummer of its own: every outcome's shipped
# text, and every offer's own text, names the one it replaces, which the applicant knows from the
# mangler letter (docs/letters.md: erstatter).
test_expect_success 'a corrected form: every outcome'"'"'s letter names the case it replaces' '
	! grep -q -h "erstatter jeres tidligere" $(sql ws/skema.db "SELECT path FROM letters") &&
	for outcome in $OUTCOMES
	do
		echo "temaforloeb $outcome" || return 1
	done >texts &&
	for f in "$SRC"/forms/letters/*/*.txt
	do
		offer=$(basename "$(dirname "$f")") &&
		test "$offer" = default || echo "$offer $(basename "$f" .txt)" || return 1
	done >>texts &&
	test_line_count -gt 5 texts &&
	while read offer outcome
	do
		n=$(grep " $offer $outcome$" cases | cut -d" " -f1) &&
		mkrec 10$n $offer 2026-02-20T10:00:00+01:00 incomplete "$(applicant 9$n)" "[]" \
			"[\"tema\"]" | skema-store ws/skema.db >/dev/null &&
		sql ws/skema.db "INSERT INTO decisions (submission_id, outcome, state, explanation, actor, decided_at)
			SELECT id, \"mangler\", \"final\", \"Tema mangler.\", \"test\", \"2026-02-21T10:00:00+01:00\"
			FROM submissions WHERE record_id LIKE \"%-10$n\";
			UPDATE submissions SET status = \"superseded\", superseded_by =
			(SELECT id FROM submissions WHERE record_id LIKE \"%-$n\") WHERE record_id LIKE \"%-10$n\"" &&
		old=$(sql ws/skema.db "SELECT case_number FROM submissions WHERE record_id LIKE \"%-10$n\"") &&
		id=$(sql ws/skema.db "SELECT id FROM submissions WHERE record_id LIKE \"%-$n\"") &&
		echo "{\"submission_id\": $id}" | skema-letter -d ws/skema.db -o corrected >written &&
		flat "$(jq -r .path written)" >t &&
		case $outcome,$offer in
		bekræftelse,* | *,informationsmoede-*) what=tilmelding ;;
		*) what=ansøgning ;;
		esac &&
		has_text "erstatter jeres tidligere $what med journalnummer $old, som manglede oplysninger." t ||
		{ echo "$offer $outcome"; return 1; }
	done <texts
'

test_done
