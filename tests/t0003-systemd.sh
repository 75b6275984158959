#!/bin/bash
test_description='the systemd units in dist/systemd parse cleanly and keep their promises'
. "$(dirname "$0")/lib.sh"

U=$SRC/dist/systemd

test_expect_success 'the units are there' '
	for u in skema-watch@.service skema-run@.service skema-run@.timer skema-run@.path; do
		test -f "$U/$u" || return 1
	done
'

if test_have systemd-analyze; then
test_expect_success 'systemd-analyze verify finds nothing to say' '
	mkdir units &&
	for u in "$U"/*; do
		name=$(basename "$u" | sed -e "s/@\\./@srv-skema./") &&
		sed -e "s|/usr/local/bin/skema|$SKEMA_BIN/skema|" "$u" >"units/$name" || return 1
	done &&
	(cd units && systemd-analyze verify --man=no ./skema-watch@srv-skema.service \
		./skema-run@srv-skema.service ./skema-run@srv-skema.timer \
		./skema-run@srv-skema.path) >out 2>&1 &&
	cat out &&
	! grep -v -e "^$" out
'
fi

test_expect_success 'the watcher stops by SIGTERM to skema alone, and runs sandboxed' '
	test_grep "^ExecStart=.* watch$" "$U/skema-watch@.service" &&
	test_grep "^KillMode=mixed" "$U/skema-watch@.service" &&
	test_grep "^RestartPreventExitStatus=75" "$U/skema-watch@.service" &&
	test_grep "^PrivateNetwork=yes" "$U/skema-watch@.service" &&
	test_grep "^ProtectSystem=strict" "$U/skema-watch@.service" &&
	test_grep "^ReadWritePaths=%f" "$U/skema-watch@.service" &&
	test_grep "^NoNewPrivileges=yes" "$U/skema-watch@.service" &&
	test_grep "^UMask=0077" "$U/skema-watch@.service"
'

test_expect_success 'the path unit is edge-triggered, with a timer as safety net' '
	test_grep "^PathChanged=%f/inbox" "$U/skema-run@.path" &&
	! grep -q "^DirectoryNotEmpty" "$U/skema-run@.path" &&
	test_grep "^OnUnitActiveSec=5min" "$U/skema-run@.timer" &&
	test_grep "^SuccessExitStatus=75" "$U/skema-run@.service"
'

test_done
