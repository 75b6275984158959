#!/bin/bash
test_description='every program answers --help and --version and exits 64 on a usage error'
. "$(dirname "$0")/lib.sh"

version=$(cat "$SRC/VERSION")
stages="ingest extract validate store decide letter report"

test_expect_success 'the driver and all seven stage programs are built' '
	test -x "$SKEMA_BIN/skema" &&
	missing= &&
	for s in $stages; do
		test -x "$SKEMA_BIN/skema-$s" || missing="$missing skema-$s"
	done &&
	if test -n "$missing"; then echo "missing:$missing"; false; fi
'

# One set of checks per program that exists, so the TAP output names each
# program that fails.
check_program() {
	prog=$1
	sub=${2:-}
	name="$prog${sub:+ $sub}"

	test_expect_success "$name --help: usage on stdout, exit 0" '
		"$SKEMA_BIN/$prog" $sub --help >out 2>err &&
		test_grep "^[Uu]sage:" out &&
		test_line_count = 0 err
	'
	test_expect_success "$name: an unknown option is a usage error, exit 64, on stderr" '
		test_expect_code 64 "$SKEMA_BIN/$prog" $sub --no-such-option >out 2>err &&
		test_line_count = 0 out &&
		test_grep . err
	'
}

for p in skema $(cd "$SKEMA_BIN" && ls skema-* 2>/dev/null); do
	check_program "$p"
	test_expect_success "$p --version: name and version, exit 0" '
		"$SKEMA_BIN/$p" --version >out 2>err &&
		head -n 1 out >first &&
		if test "$p" = skema; then
			test_grep "^skema \(([a-z]*) \)\{0,1\}$version\$" first
		else
			echo "$p (skema) $version" >want &&
			test_cmp want first
		fi &&
		test_line_count = 0 err
	'
done

# The blank-form generator, installed as skema-mkform.
if mkform=$(command -v mkform); then
	test_expect_success "mkform --help, --version and a usage error" '
		"$mkform" --help >out 2>err &&
		test_grep "^[Uu]sage:" out &&
		test_line_count = 0 err &&
		"$mkform" --version >out &&
		echo "mkform (skema) $version" >want &&
		test_cmp want out &&
		test_expect_code 64 "$mkform" --no-such-option >out 2>err &&
		test_line_count = 0 out &&
		test_grep . err
	'
fi

test_expect_success 'skema without a command is a usage error' '
	test_expect_code 64 skema >out 2>err &&
	test_grep "usage:" err
'

test_expect_success 'skema with an unknown command is a usage error' '
	test_expect_code 64 skema no-such-command >out 2>err &&
	test_grep "no-such-command" err
'

# Every subcommand the driver lists.
skema --help | sed -n "/^commands:/,/^\$/s/^  \([a-z][a-z-]*\) .*/\1/p" >"$TRASH/commands"
test_expect_success 'skema --help lists the subcommands' '
	test_line_count -ge 13 "$TRASH/commands"
'
while read -r cmd; do
	check_program skema "$cmd"
done <"$TRASH/commands"

test_done
