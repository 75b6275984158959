#!/bin/bash
test_description='hostile documents dropped in the inbox: each quarantined, bounded in time and memory, nothing else on the machine read or written'
. "$(dirname "$0")/lib.sh"

R=$FIXTURES/extract/refuse
fixed="bomb liar deep doctype xxe traversal dup casedup entries truncated corrupt"
hostile=$fixed
# Built at test time by tests/fault/make-hostile.py (when python3 is there).
generated="laughs quadratic xxe-passwd overlap ratio"
test_have python3 && hostile="$hostile $generated"

test -d "$R" || test_skip_all 'no hostile fixtures (fixtures/extract/refuse)'
test_have strace || test_skip_all 'strace is needed for the proof'
test_have skema-extract || test_skip_all 'skema-extract is not built'

test_expect_success 'setup: every hostile document, a symlink to /etc/shadow and a good form' '
	skema init ws >/dev/null &&
	mkdir gen &&
	for h in $fixed; do cp "$R/$h.docx" gen/ || return 1; done &&
	if test_have python3; then
		python3 "$SRC/tests/fault/make-hostile.py" "$SRC/forms/temaforloeb/blank.docx" gen
	fi &&
	cp gen/*.docx ws/inbox/ &&
	ln -s /etc/shadow ws/inbox/shadow.docx &&
	ln -s /etc/passwd ws/inbox/etc-passwd.odt &&
	cp "$SRC/forms/temaforloeb/blank.docx" ws/inbox/god.docx
'

test_expect_success 'one run handles them all, within time and memory' '
	start=$(date +%s%N) &&
	# LeakSanitizer cannot work under ptrace; the other tests check leaks.
	ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 \
	/usr/bin/time -f "%M" -o rss strace -f -qq -e trace=execve,open,openat,creat,rename,renameat,renameat2,link,linkat,unlink,unlinkat,mkdir,mkdirat,truncate \
		-o trace skema -C ws run --settle 0 >log 2>err &&
	ms=$(( ($(date +%s%N) - start) / 1000000 )) &&
	cat log &&
	echo "# $(echo $hostile | wc -w) hostile documents in $ms ms (under strace), max RSS $(cat rss) KB" &&
	test $ms -lt 60000 &&
	test "$(cat rss)" -lt 600000
'

test_expect_success 'each alone: its outcome, the time and memory it took' '
	for h in $hostile; do
		rm -rf one && skema init one >/dev/null &&
		cp "gen/$h.docx" one/inbox/ &&
		start=$(date +%s%N) &&
		/usr/bin/time -f "%M" -o one.rss skema -C one run --settle 0 --json >one.json 2>one.err &&
		ms=$(( ($(date +%s%N) - start) / 1000000 )) &&
		outcome=$(jq -r .outcome one.json) &&
		code=$(sql one/skema.db "SELECT error_code FROM submissions") &&
		echo "# $h.docx: $outcome ($code) in $ms ms, max RSS $(cat one.rss) KB" &&
		test "$outcome" = quarantined &&
		test -n "$code" &&
		test $ms -lt 20000 &&
		test "$(cat one.rss)" -lt 600000 || return 1
	done
'

test_expect_success 'each hostile document is quarantined with a Danish reason' '
	for h in $hostile shadow etc-passwd; do
		test_grep "^[^ ]* $h\.[a-z]*: quarantined" log &&
		reason=$(ls ws/quarantine/*-$h.*.årsag.txt) &&
		test_grep "Årsag: ..*" "$reason" || return 1
	done &&
	test_grep "god.docx: archived" log
'

test_expect_success 'the symlinks were moved, never followed' '
	test "$(readlink ws/quarantine/*-shadow.docx)" = /etc/shadow &&
	! grep -E "open(at)?\(.*\"/etc/shadow\"" trace
'

# glibc counts the CPUs from /sys/devices/system/cpu, or from /proc/stat
# where /sys is not mounted (a chroot): both reads are harmless.
test_expect_success 'the document parser opened nothing but the claimed files' '
	sed -n -e "s/^\([0-9]*\) *execve(\"[^\"]*skema-extract\".*/\1/p" trace >extract.pids &&
	test -s extract.pids &&
	while read -r pid; do
		grep "^$pid  *open" trace | grep -v " = -1 " |
			sed -n -e "s/^[0-9]* *open[a-z]*([^\"]*\"\([^\"]*\)\".*/\1/p" |
			grep -v -e "^$TRASH/ws/work/" -e "^$SRC/" -e "^$SKEMA_BIN/" -e "^/etc/ld.so" \
				-e "^/lib" -e "^/usr/lib" -e "^/usr/share/zoneinfo" -e "^/etc/localtime" \
				-e "^/dev/null$" -e "^/dev/urandom$" -e "^/proc/self/" -e "^/nonexistent/" \
				-e "^/sys/devices/system/cpu/" -e "^/proc/stat$" || true
	done <extract.pids >extract.read &&
	cat extract.read &&
	test_line_count = 0 extract.read
'

test_expect_success 'nothing outside the workspace was written' '
	grep -E "O_WRONLY|O_RDWR|O_CREAT" trace | grep -v " = -1 " |
		sed -n -e "s/^[0-9]* *open[a-z]*([^\"]*\"\([^\"]*\)\".*/\1/p" |
		grep -v -e "^$TRASH/ws/" -e "^/dev/null$" -e "^/dev/tty$" >written || true &&
	cat written &&
	test_line_count = 0 written &&
	grep -E "^[0-9]+ +(rename|link|unlink|mkdir|creat|truncate)" trace | grep -v " = -1 " |
		grep -o "\"[^\"]*\"" | tr -d "\"" | grep -v "^$TRASH/ws/" >changed || true &&
	cat changed &&
	test_line_count = 0 changed
'

test_expect_success 'nothing outside the workspace, the program and its data was read' '
	sed -n -e "s/^[0-9]* *open[a-z]*([^\"]*\"\([^\"]*\)\".*/\1/p" trace | sort -u |
		grep -v -e "^$TRASH/ws/" -e "^$SRC/" -e "^$SKEMA_BIN/" \
			-e "^/etc/ld.so" -e "^/lib" -e "^/usr/lib" -e "^/usr/share/zoneinfo" \
			-e "^/etc/localtime" -e "^/dev/null$" -e "^/dev/urandom$" -e "^/proc/self/" \
			-e "^/usr/share/fonts" -e "^/etc/fonts" -e "^/nonexistent/" -e "^/usr/share/color/" \
			-e "^/usr/share/locale" -e "^/usr/lib/locale" -e "^/etc/nsswitch.conf$" \
			-e "^/etc/passwd$" -e "^/etc/group$" -e "^/sys/devices/system/cpu/" -e "^/proc/stat$" >read || true &&
	cat read &&
	test_line_count = 0 read
'

test_done
