#!/bin/bash
# tools/demo.sh - `make demo`: a workspace in demo/, sample forms dropped in
# its inbox, the whole pipeline run over them, and where to look.
#
# The forms are applications from the summer of 2021, replayed with
# SKEMA_NOW: a first run on 10 August 2021 receives them (rolling offers are
# decided at once), a second run on 14 September 2021, after the
# partnership's deadline (13 September 12:00), selects the partnership round.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ws=$top/demo
samples=$top/fixtures/demo
skema=$top/bin/skema
mkform=$top/build/bin/mkform
export SKEMA_DATADIR=$top

offer_of() {
	case $1 in
	partnerskab-*) echo partnerskab-magtanvendelse-2021 ;;
	informationsmoede-*) echo informationsmoede-2021 ;;
	*) echo "${1%%-*}" ;;
	esac
}

rm -rf "$ws"
"$skema" init "$ws" >/dev/null

# Filled-in forms, half as DOCX and half as ODT, as applicants send them.
n=0
for values in "$samples"/*.json; do
	name=$(basename "$values" .json)
	ext=docx
	if [ $((n % 2)) -eq 1 ]; then ext=odt; fi
	n=$((n + 1))
	"$mkform" --fill "$values" -o "$ws/inbox/$name.$ext" \
		"$top/forms/$(offer_of "$name")/offer.xml"
done
# Forms as LibreOffice saved them.
cp "$samples"/*.libreoffice.* "$ws/inbox/"
# What staff also drop: a text file with a .docx name, an old Word file.
printf 'Hej, her er vores ansøgning.\n' >"$ws/inbox/ansøgning (kopi).docx"
printf '\320\317\021\340\241\261\032\341%0500d' 0 >"$ws/inbox/gammel-blanket.doc"

echo "== 10. august 2021: skema run"
SKEMA_NOW=2021-08-10T10:00:00 "$skema" -C "$ws" run --settle 0
echo
echo "== 14. september 2021, efter partnerskabets frist: skema run"
SKEMA_NOW=2021-09-14T09:00:00 "$skema" -C "$ws" run --settle 0
echo
"$skema" -C "$ws" status
echo
echo "Letters:      $ws/letters/"
ls "$ws/letters" | sed 's/^/  /'
echo "Reports:      $ws/reports/"
echo "Quarantine:   $ws/quarantine/ (with a reason file beside each)"
echo "Review queue: $skema -C $ws review"
echo "Export:       $skema -C $ws export"
