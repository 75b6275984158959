#!/bin/bash
test_description='the manual renders cleanly and names every option the programs accept'
. "$(dirname "$0")/lib.sh"

test_skip_sanitized 'the manual'

test_have man && test_have groff || test_skip_all 'man and groff are not installed'

pages="skema.1 skema-ingest.1 skema-extract.1 skema-validate.1 skema-store.1
skema-decide.1 skema-letter.1 skema-report.1 skema-mkform.1 skema-offer.5 skema-workspace.5"

# The page as a reader sees it, unhyphenated and on long lines, so an option
# is never split.
render() {
	MANWIDTH=1000 man --nh --nj -l "$1" 2>/dev/null | col -bx
}

# The long options a --help text lists, one a line.
help_options() {
	grep -o -e '--[a-z][a-z0-9-]*' | sort -u
}

# page_has_options PAGE: every option on stdin appears in PAGE; names the
# ones missing.
page_has_options() {
	render "$1" >rendered &&
	missing= &&
	while read -r opt; do
		grep -q -E -e "$opt([^a-z0-9-]|\$)" rendered || missing="$missing $opt"
	done &&
	if test -n "$missing"; then echo "$1 lacks:$missing"; false; fi
}

for page in $pages; do
	test_expect_success "$page renders without warnings" '
		test -f "$SRC/man/$page" &&
		LC_ALL=C.UTF-8 groff -k -man -ww -z -Tutf8 "$SRC/man/$page" 2>warnings &&
		test_line_count = 0 warnings &&
		if test_have mandoc; then
			mandoc -T lint -W warning "$SRC/man/$page"
		fi &&
		MANWIDTH=80 man -l "$SRC/man/$page" >text 2>err &&
		test_line_count = 0 err &&
		test_line_count -gt 20 text &&
		name=${page%.?} &&
		lexgrog "$SRC/man/$page" >whatis &&
		test_grep ": \"$name - " whatis
	'
done

# The installed programs: the driver, the stages, and the form generator
# (installed as skema-mkform).
programs="skema:$SKEMA_BIN/skema"
for p in $(cd "$SKEMA_BIN" && ls skema-* 2>/dev/null); do
	programs="$programs $p:$SKEMA_BIN/$p"
done
if mkform=$(command -v mkform); then
	programs="$programs skema-mkform:$mkform"
fi
for entry in $programs; do
	p=${entry%%:*}
	exe=${entry#*:}
	test_expect_success "man/$p.1 names every option of $p --help" '
		test -f "$SRC/man/$p.1" &&
		"$exe" --help >help &&
		help_options <help >options &&
		test_line_count -ge 2 options &&
		page_has_options "$SRC/man/$p.1" <options
	'
done

skema --help | sed -n "/^commands:/,/^\$/s/^  \([a-z][a-z-]*\) .*/\1/p" >"$TRASH/commands"
test_expect_success 'skema(1) describes every subcommand' '
	test_line_count -ge 13 commands &&
	render "$SRC/man/skema.1" >rendered &&
	missing= &&
	while read -r cmd; do
		grep -q -E "^ +skema $cmd( |\$)" rendered || missing="$missing $cmd"
	done <commands &&
	if test -n "$missing"; then echo "skema.1 lacks:$missing"; false; fi
'
while read -r cmd; do
	test_expect_success "skema(1) names every option of skema $cmd --help" '
		skema "$cmd" --help >help &&
		help_options <help >options &&
		page_has_options "$SRC/man/skema.1" <options
	'
done <"$TRASH/commands"

# Options a program accepts but --help does not show count too: the long
# option tables of the sources (getopt_long) against the pages.
source_options() {
	cat "$@" | grep -o -E '\{ *"[a-z][a-z0-9-]*", *(no_argument|required_argument|optional_argument|[012]) *,' |
		sed -E 's/^\{ *"([^"]*)".*/--\1/' | sort -u
}
for dir in "$SRC"/stages/*/; do
	name=$(basename "$dir")
	test "$name" = lib && continue
	test_expect_success "man/skema-$name.1 names every long option in stages/$name/" '
		source_options "$SRC/stages/$name"/*.c >options &&
		test_line_count -ge 2 options &&
		page_has_options "$SRC/man/skema-$name.1" <options
	'
done
test_expect_success 'man/skema.1 names every long option in pipeline/' '
	source_options "$SRC"/pipeline/*.c >options &&
	test_line_count -ge 10 options &&
	page_has_options "$SRC/man/skema.1" <options
'
test_expect_success 'man/skema-mkform.1 names every long option in tools/mkform/' '
	source_options "$SRC"/tools/mkform/*.c >options &&
	test_line_count -ge 2 options &&
	page_has_options "$SRC/man/skema-mkform.1" <options
'

test_expect_success 'the pages refer to each other by names that exist' '
	cat "$SRC"/man/*.[15] |
		grep -o -E "^\.BR skema(\\\\-[a-z]+)? \([15]\)" |
		sed -e "s/^\.BR //" -e "s/\\\\-/-/" -e "s/ (\(.\))/.\1/" | sort -u >refs &&
	test_line_count -ge 9 refs &&
	while read -r ref; do
		test -f "$SRC/man/$ref" || { echo "no page $ref"; exit 1; }
	done <refs
'

test_done
