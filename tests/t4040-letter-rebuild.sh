#!/bin/bash
test_description='skema-letter: a libharu error rebuilds the letter from scratch, then plain, then gives up cleanly'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/letter/cases.sh"

export SKEMA_NOW=2026-03-10T09:00:00+01:00
# The shim is not built with the sanitizers; let it load after them.
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

test_have cc || test_skip_all 'no C compiler for the fault shim'

test_expect_success 'setup: the libharu fault shim, a contact name with an arrow' '
	cc -shared -fPIC -o hpdf-fault.so "$FIXTURES/pdf/hpdf-fault.c" -ldl &&
	mkdir ws &&
	mkrec 1 temaforloeb 2026-03-01T10:00:00+01:00 eligible \
		"$(kommune_fields Vejle | jq -c ".kontakt_navn = \"Søren → Ærø\"")" "$TEMA_OK" >in &&
	skema-store ws/skema.db <in >/dev/null &&
	skema-decide ws/skema.db >decided &&
	skema-letter -d ws/skema.db -o normal <decided >/dev/null &&
	flat normal/2026-000001-bevilget-udkast.pdf >t &&
	test_grep "Att.: Søren → Ærø" t
'

test_expect_success 'an error on a character: rebuilt plain, Danish kept, the rest "?", with a warning' '
	LD_PRELOAD=$PWD/hpdf-fault.so HPDF_FAULT_TEXT="→" \
		skema-letter -d ws/skema.db -o plain <decided >out 2>err &&
	test_grep "written plain (characters beyond Latin-1 as \"?\", no PDF/A extras) after: libharu error 0x105B" err &&
	f=$(jq -r .path out) &&
	qpdf --check "$f" >/dev/null 2>&1 &&
	flat "$f" >t &&
	test_grep "Att.: Søren ? Ærø" t &&
	test_grep "Vi har besluttet at imødekomme jeres ansøgning" t &&
	! grep "→" t &&
	test "$(sql ws/skema.db "SELECT sha256 FROM letters WHERE path = \"$f\"")" = "$(sha256sum "$f" | cut -d" " -f1)"
'

test_expect_success 'an error on every try: exit 70, no file, nothing recorded' '
	before=$(sql ws/skema.db "SELECT COUNT(*) FROM letters") &&
	test_expect_code 70 env LD_PRELOAD=$PWD/hpdf-fault.so HPDF_FAULT_TEXT="Ærø" \
		skema-letter -d ws/skema.db -o failed <decided >out 2>err &&
	test_grep "failed/2026-000001-bevilget-udkast.pdf: libharu error 0x105B" err &&
	test_line_count = 0 out &&
	ls failed >files &&
	test_line_count = 0 files &&
	test "$(sql ws/skema.db "SELECT COUNT(*) FROM letters")" = "$before"
'

test_done
