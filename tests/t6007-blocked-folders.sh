#!/bin/bash
test_description='folders of the inbox that are not searched (too deep, unreadable) are named by run and status, never silently left'
. "$(dirname "$0")/lib.sh"

test_have skema-store || test_skip_all 'the stages are not built'

form=$SRC/forms/temaforloeb/blank.docx
deep=a/b/c/d/e/f
deeper=$deep/g

test_expect_success 'setup: files six and seven folders down' '
	skema init ws >/dev/null &&
	mkdir -p "ws/inbox/$deeper" "ws/inbox/$deep/tom" &&
	cp "$form" "ws/inbox/$deep/seks.docx" &&
	cp "$form" "ws/inbox/$deeper/syv.docx"
'

test_expect_success 'a file six folders down is taken; one seven down is not, and the run says where and what to do' '
	skema -C ws run --settle 0 >run.log 2>run.err &&
	test_grep "seks.docx: archived" run.log &&
	test -f "ws/inbox/$deeper/syv.docx" &&
	test_grep "inbox/$deeper: folders nested deeper than 6 levels are not searched.*move them up" run.err &&
	# an empty folder at that depth holds nothing to lose: not named
	! grep -q "inbox/$deep/tom" run.err
'

test_expect_success 'status names the folder too deep' '
	skema -C ws status >status.out &&
	test_grep "not searched: inbox/$deeper: folders nested deeper than 6 levels" status.out &&
	skema -C ws status --json >status.json &&
	test "$(jq -r ".files.inbox_blocked[] | \"\(.folder) \(.problem)\"" status.json)" = "$deeper too_deep"
'

test_expect_success 'moved up, it is taken' '
	mv "ws/inbox/$deeper/syv.docx" ws/inbox/ &&
	skema -C ws run --settle 0 >run2.log 2>run2.err &&
	test_grep "syv.docx: archived" run2.log &&
	! grep -q "not searched" run2.err &&
	skema -C ws status --json >status2.json &&
	test "$(jq ".files.inbox_blocked | length" status2.json)" = 0
'

# root reads every folder whatever its mode: the test needs another user.
if test "$(id -u)" != 0; then
test_expect_success 'an unreadable folder is named by run and status, with what to do' '
	mkdir ws/inbox/lukket &&
	cp "$form" ws/inbox/lukket/skjult.docx &&
	chmod 000 ws/inbox/lukket &&
	skema -C ws run --settle 0 >run3.log 2>run3.err;
	chmod 700 ws/inbox/lukket &&
	test_grep "inbox/lukket: skema may not read this folder.*fix its permissions" run3.err &&
	! grep -q "Permission denied" run3.err &&
	chmod 000 ws/inbox/lukket &&
	skema -C ws status --json >status3.json;
	chmod 700 ws/inbox/lukket &&
	test "$(jq -r ".files.inbox_blocked[] | \"\(.folder) \(.problem)\"" status3.json)" = "lukket unreadable"
'
elif id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
test_expect_success 'an unreadable folder is named by run and status, with what to do' '
	# the workspace handed to nobody, who then may not read one folder
	cp -a ws ws-n &&
	mkdir ws-n/inbox/lukket &&
	cp "$form" ws-n/inbox/lukket/skjult.docx &&
	chown -R nobody ws-n &&
	chmod 000 ws-n/inbox/lukket &&
	as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- "$@"; } &&
	as_nobody env HOME=/ skema -C ws-n run --settle 0 >run3.log 2>run3.err;
	test_grep "inbox/lukket: skema may not read this folder.*fix its permissions" run3.err &&
	! grep -q "Permission denied" run3.err &&
	as_nobody env HOME=/ skema -C ws-n status >status3.out &&
	test_grep "not searched: inbox/lukket: skema may not read this folder" status3.out &&
	as_nobody env HOME=/ skema -C ws-n status --json >status3.json &&
	test "$(jq -r ".files.inbox_blocked[] | \"\(.folder) \(.problem)\"" status3.json)" = "lukket unreadable" &&
	test -f ws-n/inbox/lukket/skjult.docx
'
else
	say "# skipped the unreadable folder: root reads every folder, and there is no user nobody"
fi

test_done
