#!/bin/sh
# Installs the Debian packages skema builds, tests and runs with.
# As root it runs apt-get; otherwise it prints the exact command to run.
# The list is the one place these packages are named (README.md refers here).
set -eu

# build: compiler, libraries; test: cmocka, poppler (pdftotext), qpdf,
# LibreOffice (fixtures and the blank-form check), fonts and fonttools (the
# subset font the letters embed), tzdata (deadlines are Danish time), man-db
# (t7200 renders the manual pages).
PACKAGES="
build-essential pkg-config
libxml2-dev libzip-dev libhpdf-dev zlib1g-dev libsqlite3-dev libjansson-dev libseccomp-dev
libcmocka-dev
sqlite3 poppler-utils qpdf zip unzip libxml2-utils
fonts-dejavu-core fonttools tzdata icc-profiles-free
libreoffice-writer-nogui
man-db
jq python3 strace time
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all Debian packages are installed"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root: apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
