#!/bin/bash
test_description='a stage that crashes or asks for a retry: no verdict on the other files, no crash loop'
. "$(dirname "$0")/lib.sh"

test_have skema-extract && test_have skema-store || test_skip_all 'the stages are not built'

# fake/ holds copies of the programs (the driver looks for its stages beside
# itself) with a skema-extract that dies of SIGSEGV on a file saying CRASH
# and a skema-store that can be told to answer 75 (busy).
make_fake() {
	mkdir -p fake &&
	for p in skema skema-ingest skema-validate skema-store skema-decide skema-letter skema-report; do
		if test -x "$SKEMA_BIN/$p"; then cp "$SKEMA_BIN/$p" fake/ || return 1; fi
	done &&
	mv fake/skema-store fake/skema-store.real &&
	cat >fake/skema-extract <<-EOS &&
	#!/bin/bash
	in=\$(cat)
	printf "%s\n" "\$in" | jq -r .path | while read -r p; do
		if grep -q CRASH "\$p" 2>/dev/null; then kill -SEGV \$\$; fi
	done
	printf "%s\n" "\$in" | "$SKEMA_BIN/skema-extract" | while read -r rec; do
		p=\$(printf "%s\n" "\$rec" | jq -r .path)
		if grep -q INTERNAL "\$p" 2>/dev/null; then
			printf "%s\n" "\$rec" | jq -c ".error = {stage: \"extract\", code: \"internal\", permanent: true, message: \"no sandbox\", message_da: \"Installationsfejl.\"}"
		elif grep -q TEMP "\$p" 2>/dev/null; then
			printf "%s\n" "\$rec" | jq -c ".error = {stage: \"extract\", code: \"io\", permanent: false, message: \"busy\", message_da: \"Filen var optaget.\"}"
		else
			printf "%s\n" "\$rec"
		fi
	done
	EOS
	cat >fake/skema-store <<-EOS &&
	#!/bin/bash
	if test -e "$TRASH/store-busy"; then cat >/dev/null; exit 75; fi
	exec "$TRASH/fake/skema-store.real" "\$@"
	EOS
	chmod +x fake/skema-extract fake/skema-store
}

form=$SRC/forms/temaforloeb/blank.docx

test_expect_success 'setup' '
	make_fake &&
	fake/skema init ws >/dev/null &&
	echo "run.max_attempts = 3" >>ws/skema.conf
'

test_expect_success 'a crash in a batch: the others are handled, the culprit stays claimed' '
	for i in 1 2 3 4; do cp "$form" "ws/inbox/god-$i.docx" || return 1; done &&
	printf "CRASH\n" >ws/inbox/farlig.docx &&
	test_expect_code 75 fake/skema -C ws run --settle 0 >log 2>err &&
	cat log &&
	test "$(grep -c "god-.*: archived" log)" = 4 &&
	test_grep "farlig.docx: deferred" log &&
	test "$(claim_note ws attempts)" = 1
'

test_expect_success 'after run.max_attempts crashes it is quarantined, and the queue moves on' '
	test_expect_code 75 fake/skema -C ws run --settle 0 >log2 2>&1 &&
	cp "$form" ws/inbox/god-5.docx &&
	fake/skema -C ws run --settle 0 >log3 2>err3 &&
	cat log3 &&
	test_grep "farlig.docx: quarantined" log3 &&
	test_grep "god-5.docx: archived" log3 &&
	test_grep "gik ned" ws/quarantine/*-farlig.docx.årsag.txt &&
	test "$(sql ws/skema.db "SELECT error_code || \" \" || stored_path FROM submissions WHERE original_name = \"farlig.docx\"")" = "crash $(cd ws && ls quarantine/*-farlig.docx)" &&
	test -z "$(ls ws/work)"
'

test_expect_success 'a busy store (exit 75): files stay claimed, then go through' '
	touch store-busy &&
	cp "$form" ws/inbox/vent.docx &&
	test_expect_code 75 fake/skema -C ws run --settle 0 >log4 2>&1 &&
	test -n "$(ls ws/work)" &&
	rm store-busy &&
	fake/skema -C ws run --settle 0 >log5 2>&1 &&
	test_grep "vent.docx: archived" log5 &&
	test -z "$(ls ws/work)" &&
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions WHERE original_name = \"vent.docx\"")" = 1
'

test_expect_success 'a temporary error that never goes away: quarantined after run.max_deferrals' '
	echo "run.max_deferrals = 2" >>ws/skema.conf &&
	printf "TEMP\n" >ws/inbox/optaget.docx &&
	test_expect_code 75 fake/skema -C ws run --settle 0 >log7 2>&1 &&
	test_grep "optaget.docx: deferred (busy)" log7 &&
	fake/skema -C ws run --settle 0 >log8 2>&1 &&
	test_grep "optaget.docx: quarantined (busy)" log8 &&
	reason=$(ls ws/quarantine/*-optaget.docx.årsag.txt) &&
	test_grep "Filen kunne ikke læses, og skema har givet op efter at have prøvet 2 gange" "$reason" &&
	test_grep "Bed en administrator om at kontrollere filen" "$reason" &&
	! grep -q "prøver igen ved næste kørsel" "$reason" &&
	test -z "$(ls ws/work)"
'

# An internal error (the stage could not set up its sandbox) says nothing
# about the file: never quarantined, not even after run.max_deferrals runs.
test_expect_success 'an internal error is no verdict and does not count towards max_deferrals' '
	printf "INTERNAL\n" >ws/inbox/intern.docx &&
	for i in 1 2 3; do
		test_expect_code 75 fake/skema -C ws run --settle 0 >log11 2>&1 || return 1
	done &&
	test_grep "intern.docx: deferred (no sandbox)" log11 &&
	test -z "$(ls ws/quarantine | grep intern)" &&
	test -z "$(claim_note ws deferrals)" &&
	rm $(claimed_files ws) &&
	fake/skema -C ws run --settle 0 >/dev/null 2>&1 &&
	test -z "$(ls ws/work)"
'

# A stage missing from the installation (not installed, being rebuilt) is
# the administrator's problem: no form may be quarantined or stored
# unvalidated for it.  Nothing is claimed; the run exits 75 and names it.
test_expect_success 'a missing stage is said clearly, and no file gets a verdict' '
	mv fake/skema-validate fake/skema-validate.off &&
	cp "$form" ws/inbox/uden.docx &&
	test_expect_code 75 fake/skema -C ws run --settle 0 >log6 2>err6 &&
	cat err6 &&
	test_grep "skema-validate is not installed" err6 &&
	test -f ws/inbox/uden.docx &&
	test -z "$(ls ws/work)" &&
	! ls ws/quarantine ws/archive | grep -q uden &&
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions WHERE original_name = \"uden.docx\"")" = 0
'

# A program that is there but cannot be executed (a script whose
# interpreter is gone: exec fails though the file is executable).  Told
# apart from a crash: no attempt is counted, the files stay claimed.
test_expect_success 'a stage that cannot be started: the files stay claimed, no attempt counted' '
	mv fake/skema-validate.off fake/skema-validate &&
	mv fake/skema-extract fake/skema-extract.ok &&
	printf "#!/nonexistent/interpreter\n" >fake/skema-extract &&
	chmod +x fake/skema-extract &&
	for i in 1 2 3 4; do
		test_expect_code 75 fake/skema -C ws run --settle 0 >log9 2>err9 || return 1
	done &&
	cat err9 &&
	test_grep "skema-extract: cannot be started" err9 &&
	test_grep "uden.docx: deferred (a stage program could not be started)" log9 &&
	test -z "$(claim_note ws attempts)" &&
	test -z "$(ls ws/quarantine | grep uden)" &&
	mv fake/skema-extract.ok fake/skema-extract &&
	fake/skema -C ws run --settle 0 >log10 2>&1 &&
	test_grep "uden.docx: archived" log10
'

# A stage that stops on its configuration (exit 78: here skema-extract
# finds no offer definitions) is the installation's problem too: never
# counted as a crash of the file, however often it happens.
test_expect_success 'a stage stopping on its configuration: no attempt counted, no verdict' '
	skema init conf >/dev/null &&
	mkdir no-forms &&
	cp "$form" conf/inbox/a.docx &&
	for i in 1 2 3 4; do
		SKEMA_FORMS=$PWD/no-forms test_expect_code 75 skema -C conf run --settle 0 >log12 2>err12 || return 1
	done &&
	cat log12 err12 &&
	test_grep "skema-extract exited with 78" err12 &&
	test_grep "a.docx: deferred (a stage program stopped on its configuration)" log12 &&
	test -z "$(claim_note conf attempts)" &&
	test -z "$(ls conf/quarantine)" &&
	skema -C conf run --settle 0 >log13 2>&1 &&
	test_grep "a.docx: archived" log13
'

test_done
