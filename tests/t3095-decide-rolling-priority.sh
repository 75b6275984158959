#!/bin/bash
test_description='skema-decide: a rolling offer with priority criteria orders its places and waiting list by them'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# The rådgivningsforløb (offers.md, offer 4) holds 8 places at a time and
# has one priority criterion: no earlier assistance.  Eight municipalities
# apply an hour apart and get the eight places, two of them (r2, r5)
# without earlier assistance; the reviewer confirms four.  Then three more
# apply: two without earlier assistance, who go ahead of the places only
# proposed to those with, and one with, who waits behind everyone.  The
# places are numbered by receipt, so a case that keeps its place is never
# rewritten.  Until this test the offer was first come,
# first served: the two later applications waited, whatever the criteria.

kommuner="Odense Vejle Kolding Herning Aalborg Esbjerg Randers Horsens"

# r FILE KOMMUNE BISTAND: a rådgivningsforløb application from KOMMUNE.
r() {
	accept_fill raadgivningsforloeb "$1" \
		".kommune=\"$2\" | .kontakt_navn=\"Kontakt i $2\" | .tidligere_bistand=$3"
}

# outcomes: "file|outcome|state|rank" of the offer's eligible cases, by receipt.
outcomes() {
	accept_q "SELECT s.original_name || '|' || d.outcome || '|' || d.state || '|' || d.rank
		FROM submissions s JOIN decisions d ON d.submission_id = s.id AND d.current = 1
		WHERE s.offer_id = 'raadgivningsforloeb' AND s.validation = 'eligible'
		ORDER BY s.received_at"
}

explanation() {
	accept_q "SELECT d.explanation FROM submissions s
		JOIN decisions d ON d.submission_id = s.id AND d.current = 1
		WHERE s.original_name = '$1'"
}

# decisions FILE: how many decisions FILE has had.
decisions() {
	accept_q "SELECT count(*) FROM decisions d JOIN submissions s ON s.id = d.submission_id
		WHERE s.original_name = '$1'"
}

test_expect_success 'setup: eight applications get the eight places, numbered by receipt' '
	skema init ws >/dev/null &&
	n=0 &&
	for k in $kommuner
	do
		n=$((n + 1)) &&
		bistand=true &&
		case $n in 2|5) bistand=false ;; esac &&
		r r$n.docx $k $bistand &&
		accept_run 2026-03-02T0$n:00:00 || return 1
	done &&
	outcomes >actual &&
	cat >expect <<-\EOF &&
	r1.docx|bevilget|proposed|1
	r2.docx|bevilget|proposed|2
	r3.docx|bevilget|proposed|3
	r4.docx|bevilget|proposed|4
	r5.docx|bevilget|proposed|5
	r6.docx|bevilget|proposed|6
	r7.docx|bevilget|proposed|7
	r8.docx|bevilget|proposed|8
	EOF
	test_cmp expect actual
'

test_expect_success 'the explanation says how the places are given, and nothing of criteria while all fit' '
	explanation r3.docx >e &&
	test_grep "Pladserne fordeles løbende, først efter prioriteringskriterierne og dernæst i den rækkefølge, ansøgningerne er modtaget." e &&
	test_grep "Der kan være 8 forløb i gang ad gangen, og ansøgningen får en af pladserne." e &&
	! grep -q "nr\. " e &&
	! grep -q "prioriteringskriteriet\." e &&
	! grep -q "først-til-mølle" e
'

test_expect_success 'the reviewer confirms four places' '
	for n in 1 2 3 4
	do
		skema -C ws decide "$(accept_case r$n.docx)" bevilget >/dev/null || return 1
	done &&
	test "$(accept_decision r4.docx)" = "bevilget|final"
'

test_expect_success 'later applications without earlier assistance take proposed places, not confirmed ones' '
	accept_fill raadgivningsforloeb r9.docx ".kommune=\"Silkeborg\" | .kontakt_navn=\"Kontakt i Silkeborg\"" &&
	accept_run 2026-03-03T09:00:00 &&
	r r10.odt Viborg true &&
	accept_run 2026-03-03T10:00:00 &&
	r r11.docx Skive false &&
	accept_run 2026-03-03T11:00:00 &&
	outcomes >actual &&
	cat >expect <<-\EOF &&
	r1.docx|bevilget|final|1
	r2.docx|bevilget|final|2
	r3.docx|bevilget|final|3
	r4.docx|bevilget|final|4
	r5.docx|bevilget|proposed|5
	r6.docx|bevilget|proposed|6
	r7.docx|venteliste|proposed|9
	r8.docx|venteliste|proposed|10
	r9.docx|bevilget|proposed|7
	r10.odt|venteliste|proposed|11
	r11.docx|bevilget|proposed|8
	EOF
	test_cmp expect actual &&
	# Kept their places all along: never written again.
	test "$(decisions r5.docx)" = 1 &&
	test "$(decisions r6.docx)" = 1
'

test_expect_success 'the waiting list is in the order of the criteria, and says which were met' '
	explanation r7.docx >e &&
	test_grep "Ansøgningen opfylder ikke prioriteringskriteriet." e &&
	accept_has "$(accept_sentence raadgivningsforloeb ingen_tidligere_bistand fail)" e &&
	test_grep "sat på venteliste som nr. 1\." e &&
	test_grep "En ansøgning, der kommer senere og opfylder prioriteringskriteriet, kommer foran på ventelisten." e &&
	explanation r10.odt >e &&
	test_grep "sat på venteliste som nr. 3\." e &&
	explanation r9.docx >e &&
	test_grep "ansøgningen får en af pladserne" e
'

test_expect_success 'the waiting-list letter promises the order of the criteria, not of receipt alone' '
	accept_text r7.docx >t &&
	accept_has "går de først til dem, der står på ventelisten, efter tilbuddets prioriteringskriterier og dernæst i den rækkefølge, ansøgningerne er modtaget." t &&
	accept_has "Ansøgningen opfylder ikke prioriteringskriteriet." t
'

test_expect_success 'a forløb that ends gives its place to the first on the waiting list' '
	SKEMA_NOW=2026-09-01T10:00:00 skema -C ws complete "$(accept_case r1.docx)" >out &&
	test "$(accept_decision r7.docx)" = "bevilget|proposed" &&
	test "$(accept_decision r8.docx)" = "venteliste|proposed" &&
	test "$(accept_decision r10.odt)" = "venteliste|proposed"
'

test_expect_success 'deciding again changes nothing' '
	skema-decide ws/skema.db >again &&
	test_line_count = 0 again
'

# rank FILE: the stored rank of FILE's current decision.
rank() {
	accept_q "SELECT d.rank FROM submissions s
		JOIN decisions d ON d.submission_id = s.id AND d.current = 1
		WHERE s.original_name = '$1'"
}

test_expect_success 'a confirmed waiting place keeps its letter, but its rank follows the list' '
	for f in r5.docx r6.docx r7.docx r9.docx r11.docx
	do
		skema -C ws decide "$(accept_case $f)" bevilget >/dev/null || return 1
	done &&
	skema -C ws decide "$(accept_case r8.docx)" venteliste >/dev/null &&
	test "$(accept_decision r8.docx)" = "venteliste|final" &&
	before=$(decisions r8.docx) &&
	accept_fill raadgivningsforloeb r12.docx ".kommune=\"Ikast-Brande\" | .kontakt_navn=\"Kontakt i Ikast\"" &&
	accept_run 2026-09-02T10:00:00 &&
	test "$(accept_decision r12.docx)" = "venteliste|proposed" &&
	explanation r12.docx >e &&
	test_grep "sat på venteliste som nr. 1\." e &&
	# It meets the one criterion: nobody can come ahead of it.
	! grep -q "kommer foran" e &&
	test "$(decisions r8.docx)" = "$before" &&
	test "$(accept_decision r8.docx)" = "venteliste|final" &&
	test "$(rank r12.docx)" -lt "$(rank r8.docx)" &&
	test "$(rank r8.docx)" -lt "$(rank r10.odt)" &&
	csv=$(ls ws/reports/raadgivningsforloeb*.csv | head -n 1) &&
	grep -n "Ikast\|Horsens\|Viborg" "$csv" | cut -d";" -f1,3 >order &&
	cut -d";" -f2 order >actual &&
	printf "%s\n" "Ikast-Brande Kommune" "Horsens Kommune" "Viborg Kommune" >expect &&
	test_cmp expect actual
'

# Found playing a reviewer: "skema decide CASE venteliste" on a proposed
# place printed "venteliste (endelig)" and at once "får en ledig plads: nu
# foreslået bevilget", so the reviewer's decision and reason never reached
# a letter.  Such a venteliste is refused, with what to do instead.
test_expect_success 'a venteliste that would get its place straight back is refused' '
	mkdir w3 && (
		cd w3 &&
		skema init ws >/dev/null &&
		r a.docx Esbjerg true &&
		accept_run 2026-03-02T10:00:00 &&
		test "$(accept_decision a.docx)" = "bevilget|proposed" &&
		before=$(accept_q "SELECT count(*) FROM decisions") &&
		test_expect_code 65 skema -C ws decide "$(accept_case a.docx)" venteliste \
			--reason "Kommunen vil først starte efter sommerferien" >out 2>err &&
		test_grep "der er en ledig plads, og sagen er den første på ventelisten" err &&
		test_grep "skema decide $(accept_case a.docx) bevilget" err &&
		test_grep "skema withdraw $(accept_case a.docx)" err &&
		test "$(accept_decision a.docx)" = "bevilget|proposed" &&
		test "$(accept_q "SELECT count(*) FROM decisions")" = "$before" &&
		skema-decide --offer raadgivningsforloeb --if-waiting 1 ws/skema.db >line &&
		jq -e ".offered == true" line >/dev/null
	)
'

test_expect_success 'a first-come offer still promises the order of receipt' '
	accept_fill temadag-plejefamilie temadag.docx ".kommune=\"Odense\"" &&
	skema init ws2 >/dev/null &&
	mv ws/inbox/temadag.docx ws2/inbox/ &&
	SKEMA_NOW=2026-03-02T10:00:00 skema -C ws2 run --settle 0 >/dev/null 2>&1 &&
	pdf=$(ls ws2/letters/*-bevilget-udkast.pdf) &&
	pdftotext -raw "$pdf" - | tr -s " \n" "  " >t &&
	accept_has "først-til-mølle-princippet i den rækkefølge, ansøgningerne er modtaget" t
'

test_done
