#!/bin/bash
test_description='skema init, run and status: every dropped file ends in exactly one place'
. "$(dirname "$0")/lib.sh"

# count DIR: files in DIR that are not dot files or reason files
count() {
	find "$1" -mindepth 1 -maxdepth 1 ! -type d ! -name '.*' ! -name '*.årsag.txt' | wc -l
}

test_expect_success 'skema --help and --version' '
	skema --help >out &&
	test_grep "usage: skema" out &&
	skema --version >out &&
	test_grep "^skema" out &&
	skema-ingest --version >out &&
	test_grep "skema-ingest (skema)" out &&
	test_expect_code 64 skema --no-such-option 2>err
'

test_expect_success 'usage errors exit 64, --help exits 0' '
	for cmd in init run watch status retry; do
		skema $cmd --help >out &&
		test_grep "^usage: skema $cmd" out &&
		test_expect_code 64 skema $cmd --no-such-option 2>err || return 1
	done &&
	test_expect_code 64 skema -C . run --jobs 0 2>err &&
	test_expect_code 64 skema -C . run extra 2>err &&
	test_expect_code 64 skema -C . watch --poll x 2>err &&
	test_expect_code 64 skema retry 2>err &&
	test_expect_code 64 skema-ingest 2>err &&
	test_expect_code 64 skema-ingest --received-at yesterday x 2>err &&
	skema-ingest --help >out &&
	test_grep "^usage: skema-ingest" out
'

test_expect_success 'init creates a private workspace' '
	skema init ws &&
	for d in inbox work archive archive/.objects quarantine letters reports; do
		test -d ws/$d || return 1
	done &&
	test -f ws/skema.db &&
	test "$(stat -c %a ws/inbox)" = 700 &&
	test "$(stat -c %a ws/skema.conf)" = 600 &&
	test_grep "^authority.name = Socialstyrelsen" ws/skema.conf &&
	test_grep "^authority.unit = SISO – Videnscenter" ws/skema.conf &&
	test_grep "^letter.signatory" ws/skema.conf &&
	test_grep "^klage" ws/skema.conf &&
	test "$(sql ws/skema.db "PRAGMA user_version")" -ge 1
'

test_expect_success 'init again keeps an edited configuration' '
	echo "inbox.settle_seconds = 0" >>ws/skema.conf &&
	skema init ws &&
	test_grep "^inbox.settle_seconds = 0" ws/skema.conf
'

test_expect_success 'init signs letters with no made-up name, and writes only keys skema reads' '
	skema init fresh-ws >/dev/null &&
	test_grep "^letter.signatory =\$" fresh-ws/skema.conf &&
	test_grep "^letter.contact_name =\$" fresh-ws/skema.conf &&
	! grep -q "^letter.city\|^authority.cvr" fresh-ws/skema.conf &&
	skema -C fresh-ws status >out 2>err &&
	test_line_count = 0 err
'

test_expect_success 'a misspelt setting is reported, a number that is not one stops the command' '
	cp fresh-ws/skema.conf saved.conf &&
	echo "letter.signatroy = Jens Hansen" >>fresh-ws/skema.conf &&
	skema -C fresh-ws status >out 2>err &&
	test_grep "skema.conf:[0-9]*: unknown setting \"letter.signatroy\"" err &&
	echo "run.jobs = to" >>fresh-ws/skema.conf &&
	test_expect_code 78 skema -C fresh-ws run 2>err &&
	test_grep "skema.conf:[0-9]*: run.jobs: \"to\" is not a whole number" err &&
	cp saved.conf fresh-ws/skema.conf
'

test_expect_success 'run outside a workspace is a configuration error' '
	mkdir notws &&
	test_expect_code 78 skema -C notws run 2>err &&
	test_grep "not a skema workspace" err
'

test_expect_success 'SKEMA_HOME chooses the workspace' '
	SKEMA_HOME=$TRASH/ws skema status >out &&
	test_grep "^archive: *0" out
'

test_expect_success 'a run over good, bad, hostile and ignored files' '
	cp "$FIXTURES/extract/docs/legacy-fields.docx" "ws/inbox/Ansøgning fra Ærø kommune.docx" &&
	cp "$FIXTURES/extract/docs/unknown.docx" "ws/inbox/-leading dash \$(x).docx" &&
	printf "not a document at all\n" >"ws/inbox/notes.docx" &&
	: >ws/inbox/empty.odt &&
	head -c 300 "$FIXTURES/extract/docs/legacy-fields.docx" >ws/inbox/truncated.docx &&
	printf "x" >"$(printf "ws/inbox/odd\001name\377.docx")" &&
	ln -s /etc/shadow ws/inbox/shadow.docx &&
	mkfifo ws/inbox/pipe.docx &&
	mkdir -p "ws/inbox/Kommune A" &&
	cp "$FIXTURES/extract/docs/legacy-fields.docx" "ws/inbox/Kommune A/form.docx" &&
	: >"ws/inbox/~\$form.docx" &&
	: >"ws/inbox/.~lock.form.odt#" &&
	: >ws/inbox/upload.part &&
	: >ws/inbox/Thumbs.db &&
	: >ws/inbox/.DS_Store &&
	: >ws/inbox/._form.docx &&
	skema -C ws run --settle 0 >log 2>err &&
	cat log &&
	test_line_count = 9 log &&
	test "$(count ws/archive)" -eq "$(grep -c ": archived" log)" &&
	test "$(count ws/quarantine)" -eq "$(grep -c ": quarantined" log)" &&
	test "$(( $(count ws/archive) + $(count ws/quarantine) ))" -eq 9 &&
	test -z "$(ls ws/work)"
'

test_expect_success 'ignored files stay in the inbox, untouched' '
	test -f "ws/inbox/~\$form.docx" &&
	test -f "ws/inbox/.~lock.form.odt#" &&
	test -f ws/inbox/upload.part &&
	test -f ws/inbox/Thumbs.db &&
	test -f ws/inbox/._form.docx &&
	test "$(find ws/inbox -type f | wc -l)" -eq 6
'

test_expect_success 'names with spaces, Danish letters and odd bytes survive' '
	ls ws/archive ws/quarantine >names &&
	test_grep "[0-9]-Ansøgning fra Ærø kommune.docx$" names &&
	test_grep "[0-9]--leading dash \$(x).docx$" names &&
	test_grep "[0-9]-form.docx$" names &&
	ls ws/archive ws/quarantine | grep -aq "$(printf "odd\001name\377.docx")"
'

test_expect_success 'a symlink is quarantined as a link, never followed' '
	link=$(find ws/quarantine -type l -name "*shadow.docx") &&
	test "$(readlink "$link")" = /etc/shadow &&
	test_grep "genvej" "$link.årsag.txt" &&
	test_grep "shadow.docx" "$link.årsag.txt" &&
	test -p "$(find ws/quarantine -name "*pipe.docx" ! -name "*.txt")"
'

test_expect_success 'an empty file is quarantined with a Danish reason' '
	reason=$(ls ws/quarantine/*empty.odt.årsag.txt) &&
	test_grep "\"empty.odt\"" "$reason" &&
	test_grep "Filen er tom" "$reason" &&
	grep -Eq "^Modtaget: [0-9]{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) [0-9]{4} kl\. [0-9]{2}\.[0-9]{2}$" "$reason" &&
	test_grep "skema retry" "$reason" &&
	test -f "${reason%.årsag.txt}"
'

if test_have skema-extract && test_have skema-store; then
test_expect_success 'not a document and a corrupt zip are quarantined' '
	ls ws/quarantine/*notes.docx.årsag.txt &&
	ls ws/quarantine/*truncated.docx.årsag.txt
'
fi

test_expect_success 'the content-addressed copy holds every stored file' '
	find ws/archive ws/quarantine -maxdepth 1 -type f -size +0 ! -name "*.årsag.txt" >kept &&
	test "$(wc -l <kept)" -ge 5 &&
	while read -r f; do
		h=$(sha256sum <"$f" | cut -d" " -f1) &&
		cmp "$f" ws/archive/.objects/$h || return 1
	done <kept
'

if test_have skema-store; then
test_expect_success 'every claimed file, symlinks and FIFOs too, has one row in the database' '
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions")" -eq 9 &&
	test "$(sql ws/skema.db "SELECT count(DISTINCT record_id) FROM submissions")" -eq 9 &&
	sql ws/skema.db "SELECT stored_path FROM submissions" >paths &&
	while read -r p; do test -e "ws/$p" || { echo "missing $p"; return 1; }; done <paths
'
fi

test_expect_success 'status shows every state' '
	skema -C ws status >out &&
	cat out &&
	test_grep "^inbox: *0 waiting" out &&
	test_grep "^claimed: *0" out &&
	test_grep "^archive: *$(count ws/archive)\$" out &&
	test_grep "^quarantine: *$(count ws/quarantine) " out &&
	skema -C ws status --json >json &&
	test "$(jq .files.archive json)" -eq "$(count ws/archive)"
'

test_expect_success 'status --files names what is in quarantine' '
	skema -C ws status --files >out &&
	test_grep "^quarantine:$" out &&
	test_grep "^  .*-empty.odt$" out &&
	! grep -q "årsag.txt" out &&
	skema -C ws status --files --json >json &&
	jq -r ".names.quarantine[]" json | grep -q -- "-shadow.docx$"
'

test_expect_success 'a second run on an empty inbox does nothing and succeeds' '
	skema -C ws run --settle 0 >log &&
	test_line_count = 0 log
'

test_expect_success 'a file still being written is left for later' '
	cp "$FIXTURES/extract/docs/legacy-fields.docx" ws/inbox/fresh.docx &&
	skema -C ws run --settle 60 >log &&
	test -f ws/inbox/fresh.docx &&
	skema -C ws status >out &&
	test_grep "^inbox: *1 waiting" out
'

test_expect_success 'run --json writes one object per file' '
	skema -C ws run --settle 0 --json >log &&
	test_line_count = 1 log &&
	test "$(jq -r .file log)" = fresh.docx &&
	jq -r .outcome log | grep -E "^(archived|quarantined)$"
'

if test_have script; then
test_expect_success 'on a terminal: a progress bar with counts and rate' '
	printf "not a form\n" >ws/inbox/tty.docx &&
	script -qec "skema -C ws run --settle 0" /dev/null >tty.out &&
	test_grep "\[#*\] 1/1 .*karantæne 1 .*filer/s" tty.out
'
fi

test_expect_success 'our blank forms are stored and archived' '
	cp "$SRC/forms/temaforloeb/blank.docx" "ws/inbox/temaforløb.docx" &&
	cp "$SRC/forms/temaforloeb/blank.odt" "ws/inbox/temaforløb.odt" &&
	skema -C ws run --settle 0 >log 2>err &&
	test_grep "temaforløb.docx: archived" log &&
	test_grep "temaforløb.odt: archived" log &&
	test "$(sql ws/skema.db "SELECT count(*) FROM submissions WHERE offer_id = '"'temaforloeb'"' AND stored_path LIKE '"'archive/%'"'")" -eq 2
'

# The stages name a file by its claim's path (work/C/document.docx), which
# is gone once the file is moved and says nothing to staff: what the driver
# shows and stores names the file as staff dropped it.
test_expect_success 'messages name the file as dropped, never its claim path' '
	mkdir -p "ws/inbox/Ny mappe" &&
	printf "ikke et skema\n" >"ws/inbox/Ny mappe/ansøgning æøå.docx" &&
	head -c 3000 "$SRC/forms/temaforloeb/blank.docx" >ws/inbox/afbrudt.docx &&
	skema -C ws run --settle 0 >log 2>err &&
	cat log err &&
	test_grep "Ny mappe/ansøgning æøå.docx: quarantined" log &&
	! grep -E "work/[0-9]+\.P" log err &&
	! grep -E "work/[0-9]+\.P" ws/quarantine/*.årsag.txt &&
	skema -C ws export --rfc >export.csv &&
	test_grep "not_a_document: Ny mappe/ansøgning æøå.docx: " export.csv &&
	test_grep "truncated: afbrudt.docx: " export.csv &&
	! grep -E "work/[0-9]+\.P" export.csv &&
	! sql ws/skema.db "SELECT error_message FROM submissions" | grep -E "work/[0-9]+\.P"
'

test_done
