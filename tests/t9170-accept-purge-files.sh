#!/bin/bash
test_description='acceptance: purge leaves no personal data in the workspace files or the event log'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# Staff name files after the applicant.  Two unreadable files (a text file
# and a cut-off form) go to quarantine/ with a reason file beside each; one
# good form is granted and confirmed.  After the retention period a purge
# must leave nothing that names them: not the quarantined files, not their
# reason files, not the archive/.objects copies, not the letters, not the
# reports the runs wrote.

test_expect_success 'setup: two unreadable files and one application, named after people' '
	skema init ws >/dev/null &&
	printf "Hej, her er ansøgningen fra Jens Jensen\n" >"ws/inbox/Jens Jensen ansøgning.docx" &&
	accept_fill temaforloeb "Karen Kragh.docx" ".kommune=\"Odense\" | .kontakt_navn=\"Karen Kragh\"" &&
	head -c 3000 "ws/inbox/Karen Kragh.docx" >"ws/inbox/Mette Madsen afbrudt.docx" &&
	accept_run 2021-09-01T10:00:00 &&
	ls ws/quarantine >q && test_line_count = 4 q &&
	SKEMA_NOW=2021-09-02T10:00:00 skema -C ws decide "$(accept_case "Karen Kragh.docx")" bevilget &&
	accept_run 2021-09-02T10:05:00
'

test_expect_success 'purge removes the quarantined files, their reasons, the archive and the letters' '
	cat ws/reports/temaforloeb.csv >before.csv &&
	test_grep Odense before.csv &&
	SKEMA_NOW=2021-12-01T10:00:00 skema -C ws purge --before 2021-11-01 >out &&
	test_grep "3 afsluttede sager" out &&
	find ws/quarantine ws/archive ws/letters -type f >left &&
	test_line_count = 0 left
'

# The reports the runs wrote list the applicants and their files by name.
test_expect_success 'the reports in the workspace are written again without the names' '
	ls ws/reports/*.csv >csv && test_line_count -ge 1 csv &&
	for f in ws/reports/*.pdf
	do
		pdftotext "$f" - 2>/dev/null || return 1
	done >reports.txt &&
	cat ws/reports/*.csv >>reports.txt &&
	test_grep "Temaforløb om overgreb mod børn" reports.txt &&
	! grep -e Jens -e Karen -e Mette -e Odense reports.txt
'

test_expect_success 'the database keeps no names but the counts' '
	! sqlite3 ws/skema.db "SELECT * FROM submissions; SELECT * FROM fields; SELECT * FROM decisions; SELECT * FROM letters" |
		grep -q -e Jens -e Karen -e Mette &&
	# nor in the bytes of the file: freed cells of the table and of the
	# indexes of the report (schema v6) are zeroed (secure_delete)
	! cat ws/skema.db ws/skema.db-wal 2>/dev/null | grep -a -q -e Jens -e Karen -e Mette &&
	accept_q "SELECT received, selected FROM offer_summary WHERE offer_id = '"'"'temaforloeb'"'"'" >actual &&
	echo "1|1" >expect && test_cmp expect actual &&
	accept_q "SELECT count(*) FROM submissions WHERE status = '"'"'failed'"'"'" >actual &&
	echo 2 >expect && test_cmp expect actual
'

# BUG (pipeline/runner.c, driver engineer still at work): the driver's
# "archived" and "quarantined" events have the workspace path as detail,
# and the path ends in the original file name ("quarantine/...-Jens Jensen
# ansøgning.docx").  The event log is append-only and docs/schema.md
# promises its details never hold personal data, because a purge cannot
# remove them; a file name often is the applicant's name.
test_expect_success 'the event log names no one after the purge' '
	! accept_q "SELECT detail FROM events" | grep -q -e Jens -e Karen -e Mette
'

test_done
