#!/bin/bash
test_description='how files arrive: slow copies, the same file twice, a changed one under the same name, a 1 GB sparse file'
. "$(dirname "$0")/lib.sh"

form=$SRC/forms/temaforloeb/blank.docx
other=$SRC/forms/temaforloeb/blank.odt

in_archive() { ls ws/archive | grep -c -- "-$1\$"; }
# rows WHERE: submissions matching an SQL condition
rows() { sql ws/skema.db "SELECT count(*) FROM submissions WHERE $1"; }

test_expect_success 'setup' '
	skema init ws >/dev/null
'

test_expect_success 'a slow copy in chunks is taken only once complete' '
	size=$(stat -c %s "$form") &&
	chunk=$((size / 8 + 1)) &&
	(
		for i in 0 1 2 3 4 5 6 7; do
			dd if="$form" bs=$chunk skip=$i count=1 2>/dev/null
			sleep 0.3
		done >ws/inbox/langsom.docx
		touch copy.done
	) &
	runs=0 &&
	while ! test -e copy.done || test -e ws/inbox/langsom.docx; do
		skema -C ws run --settle 2 -q >>slow.log 2>&1 || true
		runs=$((runs + 1))
		test $runs -lt 100 || { echo "never taken"; return 1; }
		sleep 0.2
	done &&
	echo "# $runs runs during the copy" &&
	test $runs -ge 3 &&
	test "$(in_archive langsom.docx)" = 1 &&
	cmp "$form" ws/archive/*-langsom.docx &&
	test "$(rows "original_name = \"langsom.docx\"")" = 1
'

test_expect_success 'an empty placeholder waits longer than the settle time, and is taken filled' '
	: >ws/inbox/scanner.docx &&
	sleep 1.2 &&
	skema -C ws run --settle 1 >log &&
	test -f ws/inbox/scanner.docx &&
	cat "$other" >ws/inbox/scanner.docx &&
	sleep 1.2 &&
	skema -C ws run --settle 1 >log &&
	test_grep "scanner.docx: archived" log &&
	cmp "$other" ws/archive/*-scanner.docx
'

test_expect_success 'the same bytes dropped twice: both kept, the second a duplicate' '
	cp "$form" ws/inbox/første.docx &&
	skema -C ws run --settle 0 -q &&
	cp "$form" ws/inbox/anden.docx &&
	cp "$form" ws/inbox/første.docx &&
	skema -C ws run --settle 0 -q &&
	test "$(in_archive første.docx)" = 2 &&
	test "$(in_archive anden.docx)" = 1 &&
	sha=$(sha256sum <"$form" | cut -d" " -f1) &&
	test "$(rows "sha256 = \"$sha\" AND status = \"duplicate\"")" = 3 &&
	test "$(rows "sha256 = \"$sha\" AND status <> \"duplicate\"")" = 1
'

test_expect_success 'a changed file under the same name is a new submission; nothing is overwritten' '
	cp "$other" ws/inbox/skema.odt &&
	skema -C ws run --settle 0 -q &&
	first=$(ls ws/archive/*-skema.odt) &&
	python3 "$SRC/tests/fault/make-drops.py" "$other" changed 1 >/dev/null &&
	cp "changed/ansøgning 0000.odt" ws/inbox/skema.odt &&
	skema -C ws run --settle 0 -q &&
	test "$(in_archive skema.odt)" = 2 &&
	cmp "$other" "$first" &&
	test "$(sql ws/skema.db "SELECT count(DISTINCT sha256) FROM submissions WHERE original_name = \"skema.odt\"")" = 2
'

test_expect_success 'a 1 GB sparse file is quarantined quickly, unread' '
	truncate -s 1G ws/inbox/kæmpe.docx &&
	start=$(date +%s%N) &&
	skema -C ws run --settle 0 >log &&
	ms=$(( ($(date +%s%N) - start) / 1000000 )) &&
	echo "# 1 GB sparse file handled in $ms ms" &&
	test $ms -lt 5000 &&
	test_grep "kæmpe.docx: quarantined" log &&
	test_grep "for stor" ws/quarantine/*-kæmpe.docx.årsag.txt &&
	test "$(stat -c %s ws/quarantine/*-kæmpe.docx)" = 1073741824 &&
	test "$(sql ws/skema.db "SELECT error_code FROM submissions WHERE original_name = \"kæmpe.docx\"")" = too_large &&
	test "$(ls ws/archive/.objects | wc -l)" -le 10
'

test_expect_success 'a file staff take back before the claim is simply not there' '
	cp "$form" ws/inbox/fortrudt.docx &&
	rm ws/inbox/fortrudt.docx &&
	skema -C ws run --settle 0 >log &&
	test_line_count = 0 log
'

test_expect_success 'two names of one file (a hard link): each kept under its name, each a submission' '
	cp "$form" ws/inbox/forste-navn.docx &&
	ln ws/inbox/forste-navn.docx ws/inbox/andet-navn.docx &&
	skema -q -C ws run --settle 0 &&
	test "$(in_archive forste-navn.docx)" = 1 &&
	test "$(in_archive andet-navn.docx)" = 1 &&
	test "$(rows "original_name IN ('"'"'forste-navn.docx'"'"', '"'"'andet-navn.docx'"'"')")" = 2 &&
	sql ws/skema.db "SELECT stored_path FROM submissions WHERE original_name IN ('"'"'forste-navn.docx'"'"', '"'"'andet-navn.docx'"'"')" >paths &&
	grep -c -e "-forste-navn.docx\$" -e "-andet-navn.docx\$" paths >n &&
	test "$(cat n)" = 2
'

test_done
