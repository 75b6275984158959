#!/bin/bash
test_description='acceptance: the whole lifecycle, venteliste, review, override, withdraw, purge, through skema'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# Issue 5's promise, end to end on one rolling offer: received, extracted,
# validated, proposed, reviewed, lettered, purged, all in the database and
# explained.  temaforloeb with its capacity lowered to 2 a quarter (a
# test-only copy of the definitions through SKEMA_FORMS), four eligible
# municipalities received ten minutes apart: two places, two on the waiting
# list.  A reviewer confirms one, turns one down; one withdraws; the waiting
# list moves up; a purge removes the names and the counts stay.

FORMS=$TRASH/forms
export SKEMA_FORMS=$FORMS

t() { # t FILE KOMMUNE: an eligible temaforloeb from KOMMUNE
	accept_fill temaforloeb "$1" ".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\""
}

test_expect_success 'setup: a capacity of two a quarter, four applications in order' '
	cp -R "$SRC/forms" "$FORMS" &&
	sed -i "s/<capacity unit=\"temaforløb\" period=\"quarter\" min=\"0\" max=\"10\"\/>/<capacity unit=\"temaforløb\" period=\"quarter\" min=\"0\" max=\"2\"\/>/" \
		"$FORMS/temaforloeb/offer.xml" &&
	grep -q "max=\"2\"" "$FORMS/temaforloeb/offer.xml" &&
	skema init ws >/dev/null &&
	t t1.docx Odense && accept_run 2021-09-01T09:00:00 &&
	t t2.odt Vejle && accept_run 2021-09-01T09:10:00 &&
	t t3.docx Kolding && accept_run 2021-09-01T09:20:00 &&
	t t4.odt Herning && accept_run 2021-09-01T09:30:00
'

test_expect_success 'first come, first served: two places, then the waiting list in order' '
	for f in t1.docx t2.odt t3.docx t4.odt
	do
		echo "$f|$(accept_decision $f)|$(accept_q "SELECT rank FROM current_decisions WHERE case_number = '"'"'$(accept_case $f)'"'"'")" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	t1.docx|bevilget|proposed|1
	t2.odt|bevilget|proposed|2
	t3.docx|venteliste|proposed|3
	t4.odt|venteliste|proposed|4
	EOF
	test_cmp expect actual &&
	accept_q "SELECT explanation FROM current_decisions WHERE outcome = '"'"'venteliste'"'"' ORDER BY rank" >expl &&
	test_grep "på venteliste som nr. 1\." expl &&
	test_grep "på venteliste som nr. 2\." expl
'

test_expect_success 'the waiting-list letter says so and gives the place on the list' '
	accept_text t3.docx >text &&
	test_grep -i "venteliste" text &&
	accept_has "Kolding" text &&
	accept_has "Begge pladser i 3. kvartal 2021" text &&
	test_grep "UDKAST" text &&
	test "$(grep -o "opfylder betingelserne" text | wc -l)" = 1
'

test_expect_success 'a reviewer confirms a proposal: a final letter, without UDKAST' '
	c1=$(accept_case t1.docx) &&
	SKEMA_NOW=2021-09-02T10:00:00 skema -C ws decide "$c1" bevilget >decide.out 2>&1 &&
	test "$(accept_decision t1.docx)" = "bevilget|final" &&
	accept_run 2021-09-02T10:05:00 &&
	pdf=$(accept_letter t1.docx) &&
	case $pdf in *udkast*) false ;; esac &&
	accept_text t1.docx >text &&
	! grep -q UDKAST text &&
	accept_has "$c1" text
'

# The second received keeps its number when the first is confirmed: its
# proposal is not rewritten as "nr. 1", and no new draft is made.
test_expect_success 'confirming the first leaves the second proposal as it was' '
	accept_q "SELECT count(*) || '"'"'|'"'"' || max(d.rank) FROM decisions d
		JOIN submissions s ON s.id = d.submission_id WHERE s.original_name = '"'"'t2.odt'"'"'" >actual &&
	echo "1|2" >expect &&
	test_cmp expect actual
'

test_expect_success 'a reviewer overrides a proposal with afslag and a reason' '
	c2=$(accept_case t2.odt) &&
	test_must_fail skema -C ws decide "$c2" afslag 2>err &&
	SKEMA_NOW=2021-09-02T11:00:00 skema -C ws decide "$c2" afslag \
		--reason "Kommunen har oplyst, at forløbet allerede er dækket af et andet tilbud." &&
	test "$(accept_decision t2.odt)" = "afslag|final" &&
	accept_run 2021-09-02T11:05:00 &&
	accept_text t2.odt >text &&
	! grep -q UDKAST text &&
	accept_has "allerede er dækket af et andet tilbud" text &&
	test_grep "Klagevejledning" text
'

# The reviewer's refusal of a proposed grant was written as if the
# application lost a competitive round ("flere ansøgninger end pladser")
# with the reviewer's reason printed twice; fixed in the letter (6f7c318).
test_expect_success 'the override letter gives the reviewer'"'"'s reason once, not a lost round' '
	accept_text t2.odt >text &&
	test $(grep -o "allerede er dækket af et andet tilbud" text | wc -l) = 1 &&
	! grep -q "flere ansøgninger end pladser" text
'

test_expect_success 'the event log and the decisions keep both the proposal and the override' '
	c2=$(accept_case t2.odt) &&
	accept_q "SELECT outcome || '"'"'|'"'"' || state || '"'"'|'"'"' || current FROM decisions d
		JOIN submissions s ON s.id = d.submission_id WHERE s.case_number = '"'"'$c2'"'"' ORDER BY d.id" >actual &&
	cat >expect <<-\EOF &&
	bevilget|proposed|0
	afslag|final|1
	EOF
	test_cmp expect actual &&
	accept_q "SELECT event || '"'"'|'"'"' || detail FROM case_history WHERE case_number = '"'"'$c2'"'"'" >events &&
	test_grep "^proposed|temaforloeb: bevilget" events &&
	test_grep "^reviewed|.*bevilget.*afslag" events &&
	skema -C ws review "$c2" >history &&
	test_grep "allerede er dækket" history &&
	test_grep "foreslået\|Forslag\|proposed" history
'

test_expect_success 'the freed place goes to the first on the waiting list' '
	test "$(accept_decision t3.docx)" = "bevilget|proposed" &&
	test "$(accept_decision t4.odt)" = "venteliste|proposed" &&
	accept_text t3.docx >text &&
	test_grep -i "imødekomme\|bevilget" text
'

test_expect_success 'a withdrawal promotes the next on the list' '
	c1=$(accept_case t1.docx) &&
	SKEMA_NOW=2021-09-03T10:00:00 skema -C ws withdraw "$c1" &&
	accept_q "SELECT status FROM submissions WHERE case_number = '"'"'$c1'"'"'" >actual &&
	echo withdrawn >expect && test_cmp expect actual &&
	test "$(accept_decision t4.odt)" = "bevilget|proposed" &&
	accept_q "SELECT event FROM case_history WHERE case_number = '"'"'$c1'"'"'" >events &&
	test_grep "^withdrawn$" events &&
	accept_run 2021-09-03T10:05:00 &&
	accept_text t4.odt >text &&
	accept_has "Herning" text &&
	test_grep -i "imødekomme\|bevilget" text
'

test_expect_success 'the reviewer confirms the rest; the whole lifecycle is in the log' '
	for f in t3.docx t4.odt
	do
		SKEMA_NOW=2021-09-04T10:00:00 skema -C ws decide "$(accept_case $f)" bevilget || return 1
	done &&
	accept_run 2021-09-04T10:05:00 &&
	skema -C ws review >queue && ! grep -q "temaforloeb" queue &&
	c=$(accept_case t4.odt) &&
	accept_q "SELECT DISTINCT event FROM case_history WHERE case_number = '"'"'$c'"'"'" >events &&
	for e in received stored proposed reviewed
	do
		test_grep "^$e$" events || return 1
	done &&
	test_grep "^letter" events
'

test_expect_success 'purge removes the personal data of the closed cases, the counts stay' '
	accept_q "SELECT * FROM offer_summary WHERE offer_id = '"'"'temaforloeb'"'"'" >summary.before &&
	SKEMA_NOW=2021-12-01T10:00:00 skema -C ws report >/dev/null 2>&1 &&
	pdftotext -raw ws/reports/temaforloeb.pdf - 2>/dev/null | grep -E "^(Modtaget i alt|Bevilget|Venteliste|Afslag|Trukket tilbage) " >report.before &&
	test_line_count = 8 report.before &&
	ls ws/letters/*.pdf >letters.before && test_line_count -ge 4 letters.before &&
	SKEMA_NOW=2021-12-01T10:00:00 skema -C ws purge --before 2021-11-01 >purge.out &&
	accept_q "SELECT * FROM offer_summary WHERE offer_id = '"'"'temaforloeb'"'"'" >summary.after &&
	test_cmp summary.before summary.after &&
	accept_q "SELECT count(*) FROM fields" >actual && echo 0 >expect && test_cmp expect actual &&
	accept_q "SELECT count(*) FROM submissions WHERE purged_at IS NULL OR applicant_name IS NOT NULL OR original_name <> '"'"''"'"'" >actual &&
	echo 0 >expect && test_cmp expect actual &&
	! sqlite3 ws/skema.db .dump | grep -q -e Odense -e Kolding -e Herning -e "dækket af et andet" &&
	! strings ws/skema.db ws/skema.db-wal 2>/dev/null | grep -q -e "Kontakt i Kolding" &&
	find ws/letters -name "*.pdf" >left && test_line_count = 0 left &&
	find ws/archive -type f >archive && test_line_count = 0 archive &&
	accept_q "SELECT count(*) FROM events WHERE event = '"'"'purged'"'"'" >actual &&
	echo 4 >expect && test_cmp expect actual &&
	SKEMA_NOW=2021-12-01T10:00:00 skema -C ws report >/dev/null 2>&1 &&
	pdftotext -raw ws/reports/temaforloeb.pdf - 2>/dev/null | grep -E "^(Modtaget i alt|Bevilget|Venteliste|Afslag|Trukket tilbage) " >report.after &&
	test_cmp report.before report.after
'

test_expect_success 'export after the purge still lists every case, without names' '
	skema -C ws export --rfc >export.csv &&
	tail -n +2 export.csv >rows && test_line_count = 4 rows &&
	! grep -q -e "t1.docx" -e "Odense" rows
'

test_done
