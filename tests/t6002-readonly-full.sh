#!/bin/bash
test_description='a read-only workspace and a full disk: nothing lost, everything retried once possible'
. "$(dirname "$0")/lib.sh"

form=$SRC/forms/temaforloeb/blank.docx

# Mounts live in a private mount namespace, gone when the test step ends.
if ! unshare -m sh -c 'mount -t tmpfs -o size=1m none /mnt' 2>/dev/null; then
	ulimit_only=t
fi

test_expect_success 'setup' '
	skema init ws >/dev/null &&
	echo "inbox.settle_seconds = 0" >>ws/skema.conf &&
	cp "$form" ws/inbox/a.docx &&
	: >ws/inbox/b.docx
'

if test -z "${ulimit_only:-}"; then
test_expect_success 'a read-only workspace: run says so, exits 75, touches nothing' '
	unshare -m sh -c "
		mount --bind ws ws &&
		mount -o remount,bind,ro ws &&
		skema -C ws run --settle 0 >ro.log 2>ro.err
		echo \$? >ro.rc
		skema -C ws status >ro.status 2>&1
		echo \$? >ro.status.rc
	" &&
	test "$(cat ro.rc)" = 75 &&
	test_grep "read-only" ro.err &&
	test "$(cat ro.status.rc)" = 0 &&
	test_grep "^inbox: *2 waiting" ro.status &&
	test -f ws/inbox/a.docx &&
	test -f ws/inbox/b.docx
'

test_expect_success 'a full disk: files stay claimed, then go through once there is room' '
	unshare -m sh -c "
		mkdir -p small &&
		mount -t tmpfs -o size=3m none small &&
		skema init small/ws >/dev/null &&
		for i in 1 2 3 4 5 6; do cp \"$form\" small/ws/inbox/form-\$i.docx; done &&
		: >small/ws/inbox/tom.docx &&
		dd if=/dev/zero of=small/filler bs=4k 2>/dev/null
		skema -C small/ws run --settle 0 >full.log 2>full.err
		echo \$? >full.rc
		find small/ws/inbox small/ws/work small/ws/archive small/ws/quarantine \
			-path small/ws/archive/.objects -prune -o ! -type d ! -name \".*\" ! -name \"*.årsag.txt\" -print >full.places
		rm small/filler
		skema -C small/ws run --settle 0 >room.log 2>room.err
		echo \$? >room.rc
		ls small/ws/archive >room.archive
		ls small/ws/quarantine >room.quarantine
		ls -A small/ws/work >room.work
		sqlite3 small/ws/skema.db \"PRAGMA integrity_check\" >room.integrity
		sqlite3 small/ws/skema.db \"SELECT count(*), count(DISTINCT record_id) FROM submissions\" >room.rows
	" &&
	cat full.err &&
	test "$(cat full.rc)" = 75 &&
	test_line_count = 7 full.places &&
	test "$(cat room.rc)" = 0 &&
	test "$(grep -c "form-.*docx$" room.archive)" = 6 &&
	test "$(grep -c "tom.docx$" room.quarantine)" = 1 &&
	test_line_count = 0 room.work &&
	test "$(cat room.integrity)" = ok &&
	test "$(cat room.rows)" = "7|7"
'
fi

test_expect_success 'a file-size limit (RLIMIT_FSIZE) is a temporary failure, not a crash' '
	skema init lim >/dev/null &&
	cp "$form" lim/inbox/c.docx &&
	cp "$form" lim/inbox/d.docx &&
	(ulimit -f 8 && skema -C lim run --settle 0 >lim.log 2>lim.err; echo $? >lim.rc) &&
	cat lim.err &&
	rc=$(cat lim.rc) &&
	test "$rc" = 75 -o "$rc" = 0 &&
	! grep -q "died of signal" lim.err &&
	skema -C lim run --settle 0 >lim2.log &&
	test "$(ls lim/archive | grep -c -- "-[cd].docx$")" = 2 &&
	test -z "$(ls lim/work)" &&
	test "$(sql lim/skema.db "SELECT count(*) FROM submissions")" = 2
'

test_done
