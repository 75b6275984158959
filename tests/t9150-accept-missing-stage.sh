#!/bin/bash
test_description='acceptance: a stage program missing from the installation does not blame the applicant'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# Found while running the acceptance scripts while skema-extract was being
# rebuilt: the driver said "skema-extract is not installed: the chain runs
# without it", and every form of that run went to quarantine/ with the reason
# "Skemaet kunne ikke genkendes ... Kontrollér, at ansøgeren har brugt det
# rigtige skema" (unknown form "(none)"), and the run exited 0.  A broken
# installation is the administrator's problem, not the applicant's: the
# form should stay in the inbox for the next run (or the run should fail).
#
# BUG (pipeline/ driver, its engineer still at work): left as
# test_expect_failure.  SKEMA_LIBEXEC points the driver at a stage
# directory without skema-extract.

test_expect_success 'setup: an installation without skema-extract' '
	mkdir libexec &&
	for s in ingest validate store decide letter report
	do
		ln -s "$SKEMA_BIN/skema-$s" libexec/ || return 1
	done &&
	skema init ws >/dev/null &&
	accept_fill temaforloeb ok.docx
'

test_expect_success 'a valid form is not quarantined as an unknown form' '
	SKEMA_LIBEXEC=$PWD/libexec SKEMA_NOW=2021-09-01T10:00:00 skema -C ws run --settle 0 >out 2>err;
	! grep -q "unknown form" out &&
	! ls ws/quarantine | grep -q "ok.docx"
'

test_expect_success 'with the stage back, the form goes through' '
	ls ws/quarantine | grep -v "årsag" >q || :;
	if test -s q
	then
		skema -C ws retry "$(sed "s/-ok.docx$//" q)" >/dev/null 2>&1 || :
	fi &&
	accept_run 2021-09-01T11:00:00 &&
	accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'stored'"'"' AND offer_id = '"'"'temaforloeb'"'"'" >actual &&
	echo 1 >expect && test_cmp expect actual
'

test_done
