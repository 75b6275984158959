#!/bin/bash
test_description='the benchmark: a deterministic workload, the floor, the harness on a tiny N'
. "$(dirname "$0")/lib.sh"

test_skip_sanitized 'the benchmark harness'

test_have python3 || test_skip_all 'python3 is not installed'

WORKLOAD="python3 $SRC/bench/workload.py"

test_expect_success 'workload: the same seed gives the same bytes' '
	$WORKLOAD -n 40 -s 7 -o a &&
	$WORKLOAD -n 40 -s 7 -o b &&
	(cd a && sha256sum forms/* manifest.tsv) >a.sum &&
	(cd b && sha256sum forms/* manifest.tsv) >b.sum &&
	test_line_count = 41 a.sum &&
	test_cmp a.sum b.sum
'

test_expect_success 'workload: another seed gives other forms' '
	$WORKLOAD -n 40 -s 8 -o c &&
	(cd c && sha256sum forms/* manifest.tsv) >c.sum &&
	! cmp -s a.sum c.sum
'

test_expect_success 'workload: every offer, both formats, every class' '
	for offer in temadag-plejefamilie opkvalificering-anbringelsessted spillerum-2019 \
		raadgivningsforloeb temaforloeb partnerskab-magtanvendelse-2021 \
		beredskab-revision-2021 informationsmoede-2021
	do
		test_grep "	$offer	docx	" a/manifest.tsv &&
		test_grep "	$offer	odt	" a/manifest.tsv || return 1
	done &&
	for class in valid incomplete ineligible broken
	do
		test_grep "	$class	" a/manifest.tsv || return 1
	done &&
	test_grep "	large	" a/manifest.tsv &&
	if test -x "$SRC/build/bin/mkform"
	then
		test_grep "	mkform$" a/manifest.tsv &&
		test_grep "	builtin$" a/manifest.tsv
	fi
'

test_expect_success 'workload: expected values for every readable form' '
	readable=$(awk -F"	" "NR > 1 && \$4 != \"broken\"" a/manifest.tsv | wc -l) &&
	test_line_count = $readable a/values.jsonl &&
	file=$(awk -F"	" "\$2 == \"temaforloeb\" && \$4 == \"valid\" { print \$1; exit }" a/manifest.tsv) &&
	grep "\"file\": \"$file\"" a/values.jsonl >v &&
	test_grep "\"timer\": [0-9]" v &&
	test_grep "\"indledende_moede_dato\": \"2021-[0-9][0-9]-[0-9][0-9]\"" v &&
	test_grep "\"besluttet_chefniveau\": 1" v
'

test_expect_success 'workload: -n 0 writes an empty manifest; bad usage exits 64' '
	$WORKLOAD -n 0 -o empty &&
	test_line_count = 1 empty/manifest.tsv &&
	test_expect_code 64 $WORKLOAD -n -1 -o neg &&
	test_expect_code 64 $WORKLOAD --no-such-option
'

# A DOCX form: the identity property, and one content control per field of
# its offer (the tags), in well-formed XML.
test_expect_success 'workload: forms carry their identity and a control per field' '
	awk -F"	" "\$3 == \"docx\" && \$4 != \"broken\" { print \$1, \$2 }" a/manifest.tsv >docx.list &&
	test -s docx.list &&
	while read file offer
	do
		unzip -p "a/forms/$file" docProps/custom.xml >custom.xml &&
		test_grep ">$offer<" custom.xml &&
		unzip -p "a/forms/$file" word/document.xml >doc.xml &&
		xmllint --noout doc.xml || return 1
	done <docx.list &&
	file=$(awk -F"	" "\$2 == \"temaforloeb\" && \$3 == \"docx\" && \$4 == \"valid\" { print \$1; exit }" a/manifest.tsv) &&
	unzip -p "a/forms/$file" word/document.xml |
		grep -o "<w:tag w:val=\"[a-z_0-9]*\"/>" | sed -e "s/.*val=\"//" -e "s/\".*//" | sort >tags &&
	test_line_count = 17 tags &&
	test_grep "^indledende_moede_dato$" tags &&
	test_grep "^motivation$" tags
'

test_expect_success 'workload: ODT forms carry form controls with their values' '
	file=$(awk -F"	" "\$3 == \"odt\" && \$4 == \"valid\" && \$7 == \"builtin\" { print \$1; exit }" a/manifest.tsv) &&
	unzip -p "a/forms/$file" content.xml >content.xml &&
	xmllint --noout content.xml &&
	test_grep "form:current-value=\"[^\"]" content.xml &&
	unzip -p "a/forms/$file" meta.xml >meta.xml &&
	test_grep "meta:name=\"skema.form\"" meta.xml
'

test_expect_success 'workload: large forms have a 5,000-character motivation and 100 rows' '
	file=$(awk -F"	" "\$5 == \"large\" && \$3 == \"docx\" { print \$1; exit }" a/manifest.tsv) &&
	if test -n "$file"
	then
		unzip -p "a/forms/$file" word/document.xml >large.xml &&
		test $(grep -o "<w:tr>" large.xml | wc -l) -ge 100 &&
		test $(wc -c <large.xml) -gt 5000
	else
		file=$(awk -F"	" "\$5 == \"large\" { print \$1; exit }" a/manifest.tsv) &&
		unzip -p "a/forms/$file" content.xml >large.xml &&
		test $(grep -o "<table:table-row>" large.xml | wc -l) -ge 100
	fi
'

if test_have soffice
then
	test_expect_success 'workload: --resave has LibreOffice save some forms again' '
		$WORKLOAD -n 12 -s 3 -o lo0 &&
		$WORKLOAD -n 12 -s 3 -o lo --resave 2 &&
		awk -F"	" "\$5 == \"resaved\" { print \$1, \$2 }" lo/manifest.tsv >resaved &&
		test_line_count = 2 resaved &&
		while read file offer
		do
			case $file in
			*.docx) unzip -p "lo/forms/$file" docProps/custom.xml >props ;;
			*.odt) unzip -p "lo/forms/$file" meta.xml >props ;;
			esac &&
			test_grep "$offer" props &&
			! cmp -s "lo/forms/$file" "lo0/forms/$file" || return 1
		done <resaved
	'
else
	say "# skipping the LibreOffice re-save test: soffice not installed"
fi

test_expect_success 'floor reads every form and skips the broken ones' '
	ls a/forms/* >list &&
	floor -l list >out &&
	broken=$(awk -F"	" "\$4 == \"broken\" && \$5 != \"no_document_part\" && \$5 != \"truncated\"" a/manifest.tsv | wc -l) &&
	read -r _ files _ read _ parts _ bytes _ nodes <out &&
	test "$files" = 40 &&
	test "$read" -le $((40 - broken)) &&
	test "$read" -ge $((40 - broken - 5)) &&
	test "$parts" -ge "$read" &&
	test "$nodes" -gt 1000
'

test_expect_success 'floor: usage' '
	floor --help >help &&
	test_grep "^usage: floor" help &&
	floor --version >version &&
	test_grep "^floor (skema) " version &&
	test_expect_code 64 floor &&
	test_expect_code 64 floor --bogus
'

test_expect_success 'bench-quick harness runs on a tiny N and reports honestly' '
	python3 "$SRC/bench/bench.py" --quick --sizes 20 --no-libreoffice --no-run \
		--work "$TRASH/w" --bin "$SKEMA_BIN" --tools "$SRC/build/bin" --out r.md >stdout &&
	test_cmp r.md stdout &&
	test_grep "^- commit: " r.md &&
	test_grep "^- machine: " r.md &&
	test_grep "^## Targets" r.md &&
	test_grep "^| floor (libzip + xmlTextReader) | 20 | [0-9.]* ([0-9.]*) | [0-9.]* |" r.md &&
	if test -x "$SKEMA_BIN/skema-ingest"
	then
		test_grep "^| ingest | 20 | [0-9.]* ([0-9.]*) | [0-9.]* | [0-9.]* |" r.md
	else
		test_grep "^| ingest | 20 | skipped |" r.md
	fi &&
	if test_have pandoc
	then
		test_grep "^| pandoc -t plain | 10 | [0-9.]* |" r.md
	else
		test_grep "pandoc not installed" r.md
	fi &&
	test_grep "^| LibreOffice | - | skipped: --no-libreoffice" r.md &&
	test_grep "^## Extraction: fields read right" r.md &&
	if test -x "$SKEMA_BIN/skema-extract"
	then
		test_grep "^| \*\*all\*\* | 20 | " r.md
	fi &&
	! grep "| nan\|| inf" r.md
'

test_expect_success 'bench-quick: a failing stage is reported as failed, not timed' '
	mkdir fakebin &&
	printf "#!/bin/sh\nexit 75\n" >fakebin/skema-ingest &&
	chmod +x fakebin/skema-ingest &&
	python3 "$SRC/bench/bench.py" --quick --sizes 20 --no-libreoffice --no-run \
		--work "$TRASH/w" --bin "$TRASH/fakebin" --tools "$SRC/build/bin" --out f.md >/dev/null &&
	test_grep "^| ingest | 20 | failed (exit 75) |" f.md &&
	test_grep "^| extract | 20 | skipped |" f.md
'

test_done
