#!/bin/bash
test_description='inbox.max_size is the one limit on a file'"'"'s size, for every stage that reads it'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# skema.conf says files larger than inbox.max_size (64 MiB) are
# quarantined.  skema-extract kept its own default of 20 MiB, so a form
# with a 25 MB picture was refused as too large whatever the setting.

# big FILE: FILE with 25 MB of incompressible picture added, stored as is.
big() {
	python3 - "$1" <<-\EOS
	import os, sys, zipfile
	with zipfile.ZipFile(sys.argv[1], "a") as z:
	    z.writestr(zipfile.ZipInfo("word/media/image1.bin"), os.urandom(25 * 1024 * 1024),
	               compress_type=zipfile.ZIP_STORED)
	EOS
}

test_expect_success 'setup' '
	skema init ws >/dev/null
'

test_expect_success 'a 26 MB form under the default inbox.max_size is read' '
	accept_fill raadgivningsforloeb stor.docx ".kommune=\"Odense\"" &&
	big ws/inbox/stor.docx &&
	test $(stat -c %s ws/inbox/stor.docx) -gt $((25 * 1024 * 1024)) &&
	accept_run 2026-03-02T10:00:00 &&
	test_grep "stor.docx: archived (stored" run.out &&
	test "$(accept_q "SELECT status FROM submissions WHERE original_name = '"'"'stor.docx'"'"'")" = stored
'

test_expect_success 'inbox.max_size lower than the file: quarantined too_large, with the limit set' '
	echo "inbox.max_size = 10485760" >>ws/skema.conf &&
	accept_fill raadgivningsforloeb stor2.docx ".kommune=\"Vejle\"" &&
	big ws/inbox/stor2.docx &&
	accept_run 2026-03-02T11:00:00 &&
	test_grep "stor2.docx: quarantined (26221184 bytes, more than the limit of 10485760)" run.out &&
	test "$(accept_q "SELECT error_code FROM submissions WHERE original_name = '"'"'stor2.docx'"'"'")" = too_large
'

test_done
