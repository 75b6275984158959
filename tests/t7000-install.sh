#!/bin/bash
test_description='make install puts skema where a Debian administrator expects it, and the installed copy runs on its own'
. "$(dirname "$0")/lib.sh"

test_skip_sanitized 'installs the ordinary build'

# The make that runs this suite passes its own variables (SANITIZE, BUILD,
# BIN) down in MAKEFLAGS; the installation is of the ordinary build.
unset MAKEFLAGS MAKELEVEL MFLAGS
installed_make() {
	make -s -C "$SRC" "$@"
}

dest=$TRASH/dest
prefix=/usr/local
root=$dest$prefix

test_expect_success 'make install into a DESTDIR' '
	installed_make install DESTDIR="$dest" >install.log 2>&1 &&
	test -x "$root/bin/skema"
'

test_expect_success 'every stage program and the form generator are in libexec/skema, none on PATH' '
	{ ls "$SRC/bin" | grep "^skema-" && echo skema-mkform; } | sort >want &&
	test -s want &&
	ls "$root/libexec/skema" >got &&
	test_cmp want got &&
	ls "$root/bin" >bin &&
	echo skema >want-bin &&
	test_cmp want-bin bin
'

test_expect_success 'offers, blocks, fonts and blank forms are in share/skema' '
	(cd "$SRC" && find forms fonts -type f ! -name ".*" | sort) >want &&
	(cd "$root/share/skema" && find forms fonts -type f | sort) >got &&
	test_cmp want got &&
	test -f "$root/share/skema/forms/temaforloeb/offer.xml" &&
	ls "$root/share/skema/fonts/"*.ttf
'

test_expect_success 'editable offers and blocks are in PREFIX/etc/skema (not /etc)' '
	test -f "$root/etc/skema/forms/temaforloeb/offer.xml" &&
	test -f "$root/etc/skema/forms/blocks/kommune.xml" &&
	test -f "$root/etc/skema/forms/letters/default/bevilget.txt" &&
	test_cmp "$SRC/forms/temaforloeb/offer.xml" "$root/etc/skema/forms/temaforloeb/offer.xml" &&
	! test -e "$dest/etc"
'

test_expect_success 'man pages, bash completion and docs are installed' '
	for p in skema skema-ingest skema-extract skema-validate skema-store \
		 skema-decide skema-letter skema-report skema-mkform; do
		test -f "$root/share/man/man1/$p.1" || { echo "no $p.1"; exit 1; }
	done &&
	test -f "$root/share/man/man5/skema-offer.5" &&
	test -f "$root/share/man/man5/skema-workspace.5" &&
	test -f "$root/share/bash-completion/completions/skema" &&
	test -f "$root/share/doc/skema/records.md"
'

test_expect_success 'the systemd units are installed, naming the installed driver' '
	ls "$SRC/dist/systemd" >want &&
	test_line_count -ge 1 want &&
	ls "$root/lib/systemd/system" >got &&
	test_cmp want got &&
	for unit in "$root"/lib/systemd/system/*.service; do
		test_grep "^ExecStart=$prefix/bin/skema " "$unit" || exit 1
	done
'

test_expect_success 'no path into the source tree survives installation' '
	test -x "$root/bin/skema" &&
	if grep -r -l -a -F "$SRC" "$dest" >leaks; then
		cat leaks; false
	fi &&
	for f in "$root/bin/skema" "$root"/libexec/skema/*; do
		if strings -a "$f" | grep -F "$SRC"; then
			echo "$f names the source tree"; exit 1
		fi
	done
'

# The installed tree is moved where nothing points into the source tree,
# and (where the sandbox allows a mount namespace) the source tree is hidden
# under an empty tmpfs while the installed copy runs.
moved=$(mktemp -d /tmp/skema-t7000.XXXXXX)
cleanup_moved() { rm -rf "$moved"; }
trap cleanup_moved EXIT

sample=$SRC/forms/temaforloeb/blank.docx
test_expect_success 'the installed copy moved out of the tree runs init, run and status' '
	test -f "$sample" &&
	mv "$root" "$moved/skema" &&
	cp "$sample" "$moved/Ansøgning om temaforløb.docx" &&
	cat >"$moved/demo.sh" <<-EOF &&
	set -e
	cd "$moved"
	skema --version
	skema init ws
	cp "Ansøgning om temaforløb.docx" ws/inbox/
	skema -C ws run --settle 0
	skema -C ws status
	EOF
	run="env -i PATH=$moved/skema/bin:/usr/bin:/bin HOME=$moved LC_ALL=C.UTF-8 \
		SKEMA_CONFDIR=$moved/skema/etc/skema SKEMA_NOW=2026-11-23T10:00:00+01:00 \
		sh $moved/demo.sh" &&
	if unshare -m true 2>/dev/null; then
		unshare -m sh -c "mount -t tmpfs none \"$SRC\" && test ! -e \"$SRC/Makefile\" && $run" >demo.out 2>&1
	else
		echo "# no mount namespace: the source tree stays visible" &&
		$run >demo.out 2>&1
	fi &&
	cat demo.out &&
	ls "$moved/ws/archive" | grep . &&
	ls "$moved/ws/letters" | grep "^2026-000001-.*\.pdf\$" &&
	ls "$moved/ws/reports" | grep "\.pdf\$" &&
	test "$(ls "$moved/ws/quarantine" | wc -l)" = 0 &&
	test "$(ls "$moved/ws/inbox" | wc -l)" = 0 &&
	sql "$moved/ws/skema.db" "SELECT offer_id FROM submissions" >offers &&
	echo temaforloeb >want &&
	test_cmp want offers
'

test_expect_success 'uninstall removes everything install put there' '
	installed_make install DESTDIR="$TRASH/u" >/dev/null 2>&1 &&
	installed_make uninstall DESTDIR="$TRASH/u" >uninstall.log 2>&1 &&
	find "$TRASH/u" -type f >left &&
	test_line_count = 0 left
'

test_expect_success 'an edited offer in etc survives reinstall and uninstall' '
	installed_make install DESTDIR="$TRASH/e" >/dev/null 2>&1 &&
	conf="$TRASH/e$prefix/etc/skema/forms/temaforloeb/offer.xml" &&
	{ cat "$conf" && echo "<!-- a local change -->"; } >edited &&
	! cmp -s "$conf" edited &&
	cp edited "$conf" &&
	installed_make install DESTDIR="$TRASH/e" >/dev/null 2>&1 &&
	test_cmp edited "$conf" &&
	installed_make uninstall DESTDIR="$TRASH/e" >log 2>&1 &&
	test_cmp edited "$conf" &&
	test_grep "kept.*changed locally" log &&
	find "$TRASH/e" -type f >left &&
	test_line_count = 1 left
'

test_expect_success 'a copy in etc nobody changed takes the new shipped version; a changed one is kept and named' '
	installed_make install DESTDIR="$TRASH/r" >/dev/null 2>&1 &&
	conf="$TRASH/r$prefix/etc/skema" && data="$TRASH/r$prefix/share/skema" &&
	for f in forms/temaforloeb/offer.xml forms/letters/default/afslag.txt
	do
		{ cat "$SRC/$f" && echo "<!-- the last release -->"; } >old &&
		cp old "$data/$f" && cp old "$conf/$f" || return 1
	done &&
	echo "a local change" >>"$conf/forms/letters/default/afslag.txt" &&
	installed_make install DESTDIR="$TRASH/r" >log 2>&1 &&
	test_cmp "$SRC/forms/temaforloeb/offer.xml" "$conf/forms/temaforloeb/offer.xml" &&
	test_grep "updated $conf/forms/temaforloeb/offer.xml (not changed locally)" log &&
	test_grep "a local change" "$conf/forms/letters/default/afslag.txt" &&
	test_grep "kept $conf/forms/letters/default/afslag.txt: changed locally; the new version is $prefix/share/skema/forms/letters/default/afslag.txt" log &&
	test_cmp "$SRC/forms/letters/default/afslag.txt" "$data/forms/letters/default/afslag.txt" &&
	! grep -q "^kept.*temadag" log
'

test_expect_success 'PREFIX=/usr puts the configuration in /etc/skema and stages in /usr/libexec/skema' '
	installed_make -n install PREFIX=/usr DESTDIR=/nonexistent >plan &&
	test_grep "/nonexistent/etc/skema/" plan &&
	test_grep "/nonexistent/usr/libexec/skema" plan &&
	test_grep "SKEMA_DEFAULT_CONFDIR=.\"/etc/skema\"" plan
'

test_done
