#!/bin/bash
test_description='skema-letter --jobs: worker processes render, the same bytes and records as --jobs 1'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/letter/cases.sh"

export SKEMA_NOW=2026-03-10T09:00:00+01:00

# 75 applications: more than one batch of 64 files, letters and review
# sheets, some long enough for a second page, some refused.
test_expect_success 'setup: 75 applications, stored and decided' '
	mkdir ws &&
	long=$(printf "Vi ønsker forløbet, fordi ”børn” – især de mindste – skal beskyttes. %.0s" $(seq 60)) &&
	for n in $(seq 1 75)
	do
		case $((n % 3)) in
		0) result=eligible crit="[[\"chefniveau\",\"eligibility\",true],[\"timer\",\"eligibility\",true]]" ;;
		1) result=not_eligible crit="[[\"chefniveau\",\"eligibility\",false],[\"timer\",\"eligibility\",true]]" ;;
		2) result=eligible crit="[[\"chefniveau\",\"eligibility\",true],[\"timer\",\"eligibility\",true]]" ;;
		esac
		fields=$(kommune_fields "Kommune nr. $n" | jq -c --arg m "$( [ $((n % 5)) = 0 ] && printf "%s" "$long")" \
			"if \$m != \"\" then . + {motivation: \$m} else . end") &&
		mkrec "$n" temaforloeb "2026-03-0$((n % 9 + 1))T10:00:00+01:00" "$result" "$fields" "$crit" || return 1
	done >in &&
	skema-store ws/skema.db <in >stored &&
	skema-decide ws/skema.db >decided &&
	test_line_count = 75 decided
'

test_expect_success '--jobs 1, 2 and 3 write the same files, lines and records' '
	for j in 1 2 3
	do
		mkdir j$j &&
		sqlite3 ws/skema.db ".backup j$j/skema.db" &&
		skema-letter -d j$j/skema.db -o j$j/out --review-sheets --jobs $j <decided >j$j/lines 2>j$j/err &&
		test_line_count = 0 j$j/err &&
		sed "s#j$j/##g" j$j/lines >j$j/lines.norm &&
		sql j$j/skema.db "SELECT submission_id, kind, draft, replace(path, \"j$j/\", \"\"), sha256 FROM letters ORDER BY id" >j$j/rows ||
		return 1
	done &&
	test_line_count = 150 j1/lines &&
	test "$(ls j1/out | wc -l)" = 150 &&
	for j in 2 3
	do
		test_cmp j1/lines.norm j$j/lines.norm &&
		test_cmp j1/rows j$j/rows &&
		test "$(ls j$j/out | wc -l)" = 150 &&
		for f in j1/out/*.pdf
		do
			cmp "$f" "j$j/out/${f#j1/out/}" || return 1
		done || return 1
	done &&
	! ls j2/out j3/out | grep -q "\.tmp"
'

test_expect_success 'the letters rendered by workers are whole' '
	for f in j2/out/*.pdf
	do
		qpdf --check "$f" >/dev/null 2>&1 || { echo "qpdf: $f"; return 1; }
	done &&
	pdf_text j2/out/2026-000005-*.pdf >t &&
	test_grep "Kommune nr. 5" t
'

test_expect_success '--jobs takes a number from 1 to 64' '
	test_expect_code 64 skema-letter -d j1/skema.db -o x --jobs 0 </dev/null &&
	test_expect_code 64 skema-letter -d j1/skema.db -o x --jobs 65 </dev/null &&
	test_expect_code 64 skema-letter -d j1/skema.db -o x --jobs two </dev/null &&
	skema-letter --help >help &&
	test_grep "jobs N" help
'

test_done
