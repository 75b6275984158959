#!/bin/sh
# install-baselines.sh - installs what `make bench` compares skema with.
#
# pandoc (extraction baseline), LibreOffice Writer (letters baseline and the
# re-saved part of the workload), sqlite3 (report baseline), GNU time (peak
# RSS), poppler-utils (letter text for LibreOffice).  All are Debian
# packages.  As root it runs apt-get; otherwise it only says what is missing,
# and the benchmark reports those rows as skipped: a baseline is measured or
# skipped, never made up.
set -u

PACKAGES="pandoc libreoffice-writer-nogui sqlite3 time poppler-utils"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-baselines: not root; missing baselines will be skipped:$missing" >&2
	exit 0
fi
echo "install-baselines: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; }; then
	echo "install-baselines: apt-get failed; missing baselines will be skipped:$missing" >&2
fi
exit 0
