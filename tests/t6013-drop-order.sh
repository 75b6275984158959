#!/bin/bash
test_description='a correction dropped after its original, in the same run and second, replaces it'
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/acceptance/accept.sh"

# Staff send a form, notice a mistake and send the correction a moment
# later; one run takes both, in the same second.  The receipt time has
# whole seconds, so which is newer was decided by the files' hashes (and,
# across a second, by their names).  Now the driver claims in the order
# the files were dropped, and within a second the one written last is the
# newer.  The correction here is the one whose hash sorts first and whose
# name sorts first, so the old order would have kept the original.

test_expect_success 'setup: two versions of one application' '
	skema init ws >/dev/null &&
	accept_fill temaforloeb one.docx ".kommune=\"Vejle\" | .tema=\"Seksuelle overgreb i dagtilbud\"" &&
	accept_fill temaforloeb two.docx ".kommune=\"Vejle\" | .tema=\"Vold i hjemmet\"" &&
	mv ws/inbox/one.docx ws/inbox/two.docx . &&
	if test "$(sha256sum one.docx | cut -c1-12)" \< "$(sha256sum two.docx | cut -c1-12)"
	then
		mv one.docx rettet.docx && mv two.docx original.docx
	else
		mv two.docx rettet.docx && mv one.docx original.docx
	fi
'

test_expect_success 'the original first, the correction a moment later: the correction stands' '
	cp original.docx ws/inbox/b-original.docx &&
	touch -d "@1772445600" ws/inbox/b-original.docx &&
	sleep 0.1 &&
	cp rettet.docx ws/inbox/a-rettet.docx &&
	touch -d "@1772445605" ws/inbox/a-rettet.docx &&
	accept_run 2026-03-02T10:00:00 &&
	accept_q "SELECT original_name || '"'"'|'"'"' || status FROM submissions ORDER BY original_name" >actual &&
	printf "a-rettet.docx|stored\nb-original.docx|superseded\n" >expect &&
	test_cmp expect actual &&
	test "$(accept_q "SELECT count(DISTINCT received_at) FROM submissions")" = 1 &&
	test "$(accept_q "SELECT json_extract(record, '"'"'$.modified_ns'"'"') FROM submissions WHERE original_name = '"'"'a-rettet.docx'"'"'")" = 1772445605000000000
'

test_done
