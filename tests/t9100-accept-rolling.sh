#!/bin/bash
test_description='acceptance: the four rolling offers, bevilget, afslag and mangler, through skema run'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# For each rolling offer (temadag-plejefamilie, opkvalificering-
# anbringelsessted, raadgivningsforloeb, temaforloeb) one application that is
# granted, one refused on a named criterion and one with a missing field,
# half DOCX and half ODT, all dropped in one inbox and decided by one
# `skema run`.  Every applicant is a different municipality or facility, so
# nothing supersedes anything.

test_expect_success 'setup: twelve filled forms in one inbox' '
	skema init ws >/dev/null &&
	accept_fill temadag-plejefamilie temadag-ok.docx ".kommune=\"Odense\"" &&
	accept_fill temadag-plejefamilie temadag-lokale.odt ".kommune=\"Vejle\" | .lokale_stilles=\"nej\"" &&
	accept_fill temadag-plejefamilie temadag-mangler.docx ".kommune=\"Horsens\" | del(.antal_konsulenter)" &&
	accept_fill opkvalificering-anbringelsessted opk-ok.odt ".cvr=\"${accept_cvrs[0]}\" | .sted_navn=\"Bøgely\"" &&
	accept_fill opkvalificering-anbringelsessted opk-pleje.docx ".sted_type=\"plejefamilie\" | del(.cvr) | .sted_navn=\"Familien Ærø\"" &&
	accept_fill opkvalificering-anbringelsessted opk-mangler.odt ".cvr=\"${accept_cvrs[1]}\" | .sted_navn=\"Åhuset\" | del(.kontakt_email)" &&
	accept_fill raadgivningsforloeb raad-ok.docx ".kommune=\"Aalborg\"" &&
	accept_fill raadgivningsforloeb raad-chef.odt ".kommune=\"Esbjerg\" | .besluttet_chefniveau=false" &&
	accept_fill raadgivningsforloeb raad-mangler.docx ".kommune=\"Randers\" | del(.udviklingsbehov)" &&
	accept_fill temaforloeb tema-ok.odt ".kommune=\"Kolding\"" &&
	accept_fill temaforloeb tema-timer.docx ".kommune=\"Herning\" | .timer=\"26\"" &&
	accept_fill temaforloeb tema-mangler.odt ".kommune=\"Roskilde\" | del(.tema)" &&
	ls ws/inbox >dropped && test_line_count = 12 dropped
'

test_expect_success 'one run stores, decides and letters all twelve' '
	accept_run 2021-09-01T10:00:00 &&
	ls ws/inbox >left && test_line_count = 0 left &&
	ls ws/archive >archived && test_line_count = 12 archived &&
	accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'stored'"'"'" >actual &&
	echo 12 >expect && test_cmp expect actual
'

test_expect_success 'each case has the outcome the offer promises' '
	for f in temadag opk raad tema
	do
		ext=docx; case $f in opk|tema) ext=odt ;; esac &&
		echo "$f-ok.$ext|$(accept_decision $f-ok.$ext)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	temadag-ok.docx|bevilget|proposed
	opk-ok.odt|bevilget|proposed
	raad-ok.docx|bevilget|proposed
	tema-ok.odt|bevilget|proposed
	EOF
	test_cmp expect actual &&
	for f in temadag-lokale.odt opk-pleje.docx raad-chef.odt tema-timer.docx
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	temadag-lokale.odt|afslag|proposed
	opk-pleje.docx|afslag|proposed
	raad-chef.odt|afslag|proposed
	tema-timer.docx|afslag|proposed
	EOF
	test_cmp expect actual &&
	for f in temadag-mangler.docx opk-mangler.odt raad-mangler.docx tema-mangler.odt
	do
		echo "$f|$(accept_decision $f)" || return 1
	done >actual &&
	cat >expect <<-\EOF &&
	temadag-mangler.docx|mangler|final
	opk-mangler.odt|mangler|final
	raad-mangler.docx|mangler|final
	tema-mangler.odt|mangler|final
	EOF
	test_cmp expect actual
'

test_expect_success 'the whole lifecycle so far is in the event log' '
	for f in temadag-ok.docx opk-pleje.docx raad-mangler.docx
	do
		c=$(accept_case $f) &&
		accept_q "SELECT event FROM case_history WHERE case_number = '"'"'$c'"'"'" >events &&
		test_grep "^received$" events &&
		test_grep "^stored$" events &&
		grep -q -x "proposed\|decided" events &&
		test_grep "^letter" events || return 1
	done
'

test_expect_success 'approval drafts name the offer, the applicant and the case, marked UDKAST' '
	for f in temadag-ok.docx:Odense opk-ok.odt:Bøgely raad-ok.docx:Aalborg tema-ok.odt:Kolding
	do
		file=${f%%:*} who=${f#*:} &&
		accept_text $file >text &&
		test_grep "UDKAST" text &&
		test_grep "$(accept_case $file)" text &&
		test_grep "$who" text &&
		test_grep -i "bevilget\|imødekomme" text || return 1
	done
'

test_expect_success 'each refusal gives its failed criterion in the words of the definition, and a complaints note' '
	for c in temadag-lokale.odt:temadag-plejefamilie:lokale \
		opk-pleje.docx:opkvalificering-anbringelsessted:sted_type \
		raad-chef.odt:raadgivningsforloeb:chefniveau \
		tema-timer.docx:temaforloeb:timer
	do
		IFS=: read file offer crit <<-EOC &&
		$c
		EOC
		sentence=$(accept_filled "$(accept_sentence $offer $crit fail)" $file) &&
		test -n "$sentence" &&
		accept_text $file >text &&
		accept_has "$sentence" text &&
		test_grep -i "klage" text || return 1
	done
'

test_expect_success 'each request for information names the missing field by its label' '
	for c in temadag-mangler.docx:temadag-plejefamilie:antal_konsulenter \
		opk-mangler.odt:opkvalificering-anbringelsessted:kontakt_email \
		raad-mangler.docx:raadgivningsforloeb:udviklingsbehov \
		tema-mangler.odt:temaforloeb:tema
	do
		IFS=: read file offer field <<-EOC &&
		$c
		EOC
		label=$(accept_label $offer $field) &&
		test -n "$label" &&
		accept_text $file >text &&
		accept_has "$label" text &&
		! grep -q UDKAST text || return 1
	done
'

# The referral was given twice: in the criterion's sentence and again by the
# offer's own refusal letter; now the criterion states the condition and the
# letter refers.
test_expect_success 'the foster family is referred to the theme day in its letter, once' '
	accept_text opk-pleje.docx >text &&
	accept_has "Temadag for plejefamilier og familieplejekonsulenter" text &&
	test $(grep -o -i "i stedet deltage" text | wc -l) = 1
'

test_expect_success 'export lists all twelve with their outcomes' '
	skema -C ws export --rfc >export.csv &&
	tail -n +2 export.csv >rows && test_line_count = 12 rows &&
	grep -c ",bevilget," rows >actual && echo 4 >expect && test_cmp expect actual &&
	grep -c ",afslag," rows >actual && echo 4 >expect && test_cmp expect actual &&
	grep -c ",mangler," rows >actual && echo 4 >expect && test_cmp expect actual
'

test_expect_success 'review lists the eight proposals and not the final mangler' '
	skema -C ws review >review.out &&
	for f in temadag-ok.docx opk-ok.odt raad-ok.docx tema-ok.odt temadag-lokale.odt opk-pleje.docx raad-chef.odt tema-timer.docx
	do
		test_grep "$(accept_case $f)" review.out || return 1
	done &&
	! grep -q "$(accept_case tema-mangler.odt)" review.out
'

# One failed condition or one missing field is written in the singular
# ("denne betingelse", "Dette felt"), as a case worker would.
test_expect_success 'one reason, one missing field: the letters say so in the singular' '
	accept_text temadag-lokale.odt >text &&
	accept_has "opfylder ikke denne betingelse:" text &&
	! grep -q "følgende betingelser" text &&
	accept_text tema-mangler.odt >text &&
	accept_has "Dette felt i ansøgningsskemaet mangler at blive udfyldt eller rettet" text &&
	accept_has "Udfyld eller ret feltet i ansøgningsskemaet" text &&
	! grep -q "Følgende felter" text
'

test_done
