#!/bin/bash
test_description='the Debian package: contents, Depends, conffiles, lintian, and an install in a throwaway root'

# Building the package takes minutes, so this runs from `make check-deb`
# (which runs `make deb` first), not from `make check`.  Checked before
# lib.sh, which empties this script's scratch directory: a `make check`
# beside a `make check-deb` must not pull it away under the running test.
if test -z "${SKEMA_TEST_DEB:-}"; then
	echo "1..0 # SKIP run by make check-deb"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
test_have dpkg-deb || test_skip_all 'dpkg-deb is not installed'

version=$(cat "$SRC/VERSION")
deb=$(ls "$SRC"/build/deb/skema_"$version"_*.deb 2>/dev/null | head -n 1)
test -n "$deb" || test_skip_all "no build/deb/skema_${version}_*.deb: run make deb"
changes=$(ls "$SRC"/build/deb/skema_"$version"_*.changes | head -n 1)

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed -e 's|^\./|/|' >"$TRASH/contents"
dpkg-deb -e "$deb" "$TRASH/control"

test_expect_success 'control: name, version, architecture' '
	dpkg-deb -f "$deb" Package >got &&
	echo skema >want &&
	test_cmp want got &&
	dpkg-deb -f "$deb" Version >got &&
	echo "$version" >want &&
	test_cmp want got &&
	dpkg-deb -f "$deb" Architecture >got &&
	dpkg --print-architecture >want &&
	test_cmp want got
'

# icc-profiles-free: the sRGB profile that makes letters PDF/A.
test_expect_success 'Depends names adduser, the sRGB profile and every library the programs link' '
	dpkg-deb -f "$deb" Depends | tr "," "\n" | sed -e "s/^ *//" -e "s/ .*//" >depends &&
	for pkg in adduser icc-profiles-free libc6 libxml2 libzip4 libsqlite3-0 libjansson4 \
		   libhpdf-2.3.0 libseccomp2; do
		grep -q -x "$pkg" depends || { echo "Depends lacks $pkg"; cat depends; exit 1; }
	done
'

test_expect_success 'the driver in /usr/bin, every stage program in /usr/libexec/skema' '
	test_grep "^/usr/bin/skema\$" contents &&
	for s in $(cd "$SRC/stages" && ls -d */ | tr -d / | grep -v "^lib\$"); do
		test_grep "^/usr/libexec/skema/skema-$s\$" contents || exit 1
	done &&
	test_grep "^/usr/libexec/skema/skema-mkform\$" contents &&
	! grep "^/usr/bin/skema-" contents
'

test_expect_success 'shipped offers in /usr/share/skema, editable copies in /etc/skema' '
	for f in $(cd "$SRC" && ls forms/*/offer.xml forms/blocks/*.xml); do
		test_grep "^/usr/share/skema/$f\$" contents &&
		test_grep "^/etc/skema/$f\$" contents || exit 1
	done &&
	test_grep "^/usr/share/skema/fonts/.*\.ttf\$" contents
'

test_expect_success 'every file under /etc/skema is a conffile' '
	grep "^/etc/skema/.*[^/]\$" contents | sort >want &&
	test_line_count -ge 2 want &&
	sort control/conffiles >got &&
	test_cmp want got
'

test_expect_success 'man pages and bash completion are installed' '
	for p in skema.1 skema-ingest.1 skema-extract.1 skema-validate.1 skema-store.1 \
		 skema-decide.1 skema-letter.1 skema-report.1 skema-mkform.1; do
		test_grep "^/usr/share/man/man1/$p.gz\$" contents || exit 1
	done &&
	test_grep "^/usr/share/man/man5/skema-offer.5.gz\$" contents &&
	test_grep "^/usr/share/man/man5/skema-workspace.5.gz\$" contents &&
	test_grep "^/usr/share/bash-completion/completions/skema\$" contents &&
	test_grep "^/usr/share/doc/skema/copyright\$" contents &&
	for doc in $(cd "$SRC/docs" && ls *.md); do
		test_grep "^/usr/share/doc/skema/$doc\$" contents || exit 1
	done
'

test_expect_success 'the systemd units of dist/systemd are in /lib/systemd/system, naming /usr/bin/skema' '
	ls "$SRC"/dist/systemd/*.service >units &&
	test_line_count -ge 1 units &&
	dpkg-deb -x "$deb" tree &&
	for unit in $(ls "$SRC"/dist/systemd/); do
		test_grep "^/lib/systemd/system/$unit\$" contents || exit 1
	done &&
	for unit in tree/lib/systemd/system/*.service; do
		test_grep "^ExecStart=/usr/bin/skema " "$unit" || exit 1
	done &&
	! grep -r "/usr/local" tree/lib/systemd/system &&
	grep -h -o "file:/[^ ]*" tree/lib/systemd/system/* | sort -u >docs &&
	while read -r doc; do
		test_grep "^${doc#file:}\$" contents || exit 1
	done <docs
'

test_expect_success 'every installed path the manual names is in the package' '
	sed -e "s|/\$||" contents >paths &&
	for page in "$SRC"/man/*.[15]; do
		MANWIDTH=1000 man --nh --nj -l "$page" 2>/dev/null | col -bx
	done |
		grep -o -E "(^|[ (])/(usr|etc|lib)/[^ ,;:()]*" |
		sed -E -e "s/^[ (]//" -e "s/[.)]+\$//" -e "s|/\$||" |
		grep -v -e "^/usr/local" -e "/id/" -e "/name\.xml" -e "\*" -e "^/usr/share/color/" | sort -u >named &&
	test_line_count -ge 10 named &&
	missing= &&
	while read -r path; do
		grep -q -x -F "$path" paths || missing="$missing $path"
	done <named &&
	if test -n "$missing"; then echo "not in the package:$missing"; false; fi
'

test_expect_success 'postinst makes the system user and the workspace' '
	test_grep "adduser --system" control/postinst &&
	test_grep "skema init /var/lib/skema" control/postinst
'

if test_have lintian; then
	test_expect_success 'lintian reports no errors' '
		lintian --fail-on error "$changes" >lintian.out 2>&1 ||
			{ cat lintian.out; false; } &&
		! grep "^E:" lintian.out
	'
fi

# A throwaway root: the running system under an overlay whose upper layer
# is a tmpfs, in a private mount namespace.  dpkg -i, the maintainer
# scripts and skema itself run there for real; nothing reaches the host.
cat >"$TRASH/in-root.sh" <<EOF
set -e
t=$TRASH/ovl
mkdir -p \$t
mount -t tmpfs none \$t
mkdir -p \$t/upper \$t/work \$t/root
mount -t overlay overlay -o lowerdir=/,upperdir=\$t/upper,workdir=\$t/work \$t/root
mount --bind /proc \$t/root/proc
mount --bind /dev \$t/root/dev
cp "$deb" \$t/root/tmp/skema.deb
cp "$SRC/forms/temaforloeb/blank.docx" "\$t/root/tmp/Ansøgning.docx"
in_root() { chroot \$t/root env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "\$@"; }
echo "# dpkg -i"
in_root dpkg -i /tmp/skema.deb
echo "# user"
in_root id -un skema
echo "# workspace"
in_root stat -c "%U %a %n" /var/lib/skema /var/lib/skema/skema.db /var/lib/skema/inbox
echo "# run"
in_root install -o skema -g skema -m 600 "/tmp/Ansøgning.docx" /var/lib/skema/inbox/
in_root runuser -u skema -- skema -C /var/lib/skema run --settle 0
echo "# archive"
in_root find /var/lib/skema/archive -type f ! -path "*/.*"
echo "# man"
in_root man -w skema skema-offer
echo "# units"
for unit in \$(cd \$t/root/lib/systemd/system && ls skema-*); do
	in_root systemd-analyze verify /lib/systemd/system/\$unit 2>&1 && echo "verified \$unit"
done
echo "# dpkg -r"
in_root dpkg -r skema
in_root test -e /var/lib/skema/skema.db && echo "workspace kept"
in_root test -e /etc/skema/forms/temaforloeb/offer.xml && echo "conffiles kept"
in_root test -e /etc/skema/forms/letters/default/bekræftelse.txt && echo "letter texts kept"
echo "# dpkg -P"
in_root dpkg -P skema
in_root test ! -e /etc/skema/forms/temaforloeb/offer.xml && echo "conffiles purged"
in_root test ! -e /etc/skema/forms/letters/default/bekræftelse.txt && echo "letter texts purged"
in_root test -e /var/lib/skema/skema.db && echo "workspace kept after purge"
echo "# done"
EOF

if test "$(id -u)" = 0 && unshare -m sh -c "mount -t tmpfs none $TRASH && mkdir $TRASH/u $TRASH/w $TRASH/r &&
		mount -t overlay overlay -o lowerdir=/,upperdir=$TRASH/u,workdir=$TRASH/w $TRASH/r" 2>/dev/null; then
	test_expect_success 'dpkg -i in a throwaway root: user, workspace, a form through skema run' '
		unshare -m sh "$TRASH/in-root.sh" >root.out 2>&1 ||
			{ cat root.out; false; } &&
		cat root.out &&
		sed -n "/^# user/,/^#/p" root.out | grep -x skema &&
		sed -n "/^# workspace/,/^#/p" root.out >ws &&
		test_grep "^skema [0-7]* /var/lib/skema\$" ws &&
		test_grep "^skema 600 /var/lib/skema/skema.db\$" ws &&
		sed -n "/^# archive/,/^#/p" root.out | grep -c "^/var/lib/skema/archive/" >n &&
		echo 1 >want &&
		test_cmp want n &&
		test_grep "/usr/share/man/man1/skema.1.gz" root.out &&
		test_grep "^workspace kept\$" root.out &&
		test_grep "^conffiles kept\$" root.out &&
		test_grep "^conffiles purged\$" root.out &&
		test_grep "^letter texts kept\$" root.out &&
		test_grep "^letter texts purged\$" root.out &&
		test_grep "^# done" root.out &&
		if test_have systemd-analyze; then
			for unit in $(ls "$SRC/dist/systemd"); do
				test_grep "^verified $unit\$" root.out || exit 1
			done
		fi
	'
else
	say "# no overlay mount in this sandbox: the package is checked by its contents only"
fi

test_done
