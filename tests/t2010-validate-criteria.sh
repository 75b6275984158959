#!/bin/bash
test_description='every criterion of every offer passes and fails on filled-in forms

Each case in fixtures/offers/cases.txt fills an offer form with mkform
(DOCX and ODT by turns), reads it with skema-ingest and skema-extract like
the pipeline does, and checks what skema-validate decides: the result, the
criteria that did not pass, the missing fields, and the Danish reason.'
. "$(dirname "$0")/lib.sh"

CASES=$FIXTURES/offers/cases.txt

test_expect_success 'fill every case as a form and read it back' '
	mkdir inbox &&
	: >records.jsonl &&
	n=0 &&
	grep -v "^#" "$CASES" >cases &&
	while IFS="|" read -r offer case received result failed missing patch
	do
		n=$((n + 1)) &&
		if test $((n % 2)) = 0; then ext=odt; else ext=docx; fi &&
		jq "$patch" "$FIXTURES/offers/$offer.json" >values.json &&
		mkform --fill values.json -o "inbox/$offer--$case.$ext" "$SRC/forms/$offer/offer.xml" &&
		skema-ingest --received-at "$received" "inbox/$offer--$case.$ext" >>records.jsonl || return 1
	done <cases &&
	test_line_count = $n records.jsonl &&
	skema-extract <records.jsonl >extracted.jsonl &&
	skema-validate <extracted.jsonl >validated.jsonl &&
	test_line_count = $n validated.jsonl
'

# "result|not passed|missing" for one case, from the validated records.
outcome() {
	jq -r --arg name "$1" '
		select(.original_name == $name) |
		[.validation.result,
		 ([(.validation.criteria[] | select(.passed != true) | .id),
		   (.validation.invalid[] | select(.rule) | .rule)] | sort | if length == 0 then "-" else join(",") end),
		 (.validation.missing | sort | if length == 0 then "-" else join(",") end)] | join("|")' validated.jsonl
}

n=0
while IFS="|" read -r offer case received result failed missing patch
do
	n=$((n + 1))
	if test $((n % 2)) = 0; then ext=odt; else ext=docx; fi
	test_expect_success "$offer: $case ($ext)" "
		echo '$result|$failed|$missing' >expect &&
		outcome '$offer--$case.$ext' >actual &&
		test_cmp expect actual
	"
done < <(grep -v "^#" "$CASES")

test_expect_success 'a failed criterion carries the sentence from its definition, with the applicant'"'"'s value' '
	jq -r "select(.original_name == \"temaforloeb--too-many-hours.odt\" or .original_name == \"temaforloeb--too-many-hours.docx\") |
		.validation.criteria[] | select(.id == \"timer\") | .text" validated.jsonl >actual &&
	echo "Et temaforløb er på op til 25 timer; ansøgningen angiver 26 timer." >expect &&
	test_cmp expect actual
'

test_expect_success 'a range typed backwards names both fields, with the applicant'"'"'s values' '
	jq -c "select(.original_name | startswith(\"partnerskab-magtanvendelse-2021--ages-reversed.\")) |
		.validation.invalid" validated.jsonl >actual &&
	echo "[{\"field\":\"alder_fra\",\"rule\":\"aldersinterval\",\"fields\":[\"alder_fra\",\"alder_til\"],\"message\":\"alderen fra, 10 år, er højere end alderen til, 4 år\"}]" >expect &&
	test_cmp expect actual
'

test_expect_success 'a criterion that cannot be judged names the fields it waits for, not a verdict' '
	for c in ages-reversed no-ages
	do
		jq -r "select(.original_name | startswith(\"spillerum-2019--$c.\")) |
			.validation.criteria[] | select(.id == \"alder\") | \"\\(.passed)|\\(.text)\"" validated.jsonl || return 1
	done >actual &&
	cat >expect <<-\EOT &&
	null|Kan ikke vurderes, før »Børnenes alder fra (år)« og »Børnenes alder til (år)« er udfyldt korrekt.
	null|Kan ikke vurderes, før »Børnenes alder fra (år)« og »Børnenes alder til (år)« er udfyldt korrekt.
	EOT
	test_cmp expect actual
'

# A priority criterion too: its fail sentence ("Motivationen er kort
# beskrevet ...") would state a verdict that was never reached.
test_expect_success 'a priority criterion that cannot be judged names the fields it waits for, not a verdict' '
	for c in no-motivation no-topic
	do
		jq -r "select(.original_name | startswith(\"temaforloeb--$c.\")) |
			.validation.criteria[] | select(.kind == \"priority\" and .passed == null) |
			\"\(.id)|\(.text)\"" validated.jsonl || return 1
	done >actual &&
	cat >expect <<-\EOT &&
	motivation|Kan ikke vurderes, før »Motivation for at deltage« er udfyldt korrekt.
	afgraenset_tema|Kan ikke vurderes, før »Tema for forløbet« er udfyldt korrekt.
	EOT
	test_cmp expect actual
'

test_expect_success 'a late application fails with its own reason and the deadline' '
	jq -r "select(.original_name | startswith(\"partnerskab-magtanvendelse-2021--late.\")) |
		(.validation.deadline.at, .validation.deadline.late, (.validation.criteria[] | select(.id == \"frist\") | .text))" validated.jsonl >actual &&
	cat >expect <<-\EOT &&
	2021-09-13T12:00:00+02:00
	true
	Ansøgningen er modtaget efter ansøgningsfristen mandag den 13. september 2021 kl. 12.00 og kan derfor ikke komme i betragtning.
	EOT
	test_cmp expect actual
'

test_expect_success 'values are normalised and the region is known' '
	jq -c "select(.original_name | startswith(\"spillerum-2019--pass.\")) | .validation |
		[.values.kommune, .region, .values.cvr, .values.kontakt_telefon, .values.antal_deltagere, .values.maalgruppe]" validated.jsonl >actual &&
	echo "[\"Silkeborg\",\"Region Midtjylland\",\"29189404\",\"+45 86 80 11 22\",30,\"begge\"]" >expect &&
	test_cmp expect actual
'

# The reviewer playtest: the blank form sent by mistake was refused for its
# unticked boxes, with a klagevejledning.  Nothing filled in is incomplete.
test_expect_success 'a blank form is incomplete, not refused for its unticked boxes' '
	: >blank.records &&
	for offer in $(ls "$SRC/forms" | grep -v "^blocks$\|^letters$")
	do
		test -f "$SRC/forms/$offer/offer.xml" || continue
		for ext in docx odt
		do
			cp "$SRC/forms/$offer/blank.$ext" "$offer.blank.$ext" &&
			skema-ingest --received-at 2019-01-02T09:00 "$offer.blank.$ext" >>blank.records || return 1
		done
	done &&
	skema-extract <blank.records | skema-validate >blank.jsonl &&
	test_line_count = 16 blank.jsonl &&
	jq -r ".validation.result" blank.jsonl | sort -u >actual &&
	echo incomplete >expect &&
	test_cmp expect actual &&
	jq -r "select(.original_name == \"temaforloeb.blank.docx\") | .validation.missing | index(\"kommune\") != null" blank.jsonl >actual &&
	echo true >expect &&
	test_cmp expect actual
'

test_expect_success 'a blank form received too late is refused for the deadline; one answered in part for its boxes' '
	cp "$SRC/forms/partnerskab-magtanvendelse-2021/blank.docx" late.docx &&
	skema-ingest --received-at 2021-09-14T09:00 late.docx | skema-extract | skema-validate >late.jsonl &&
	test "$(jq -r .validation.result late.jsonl)" = not_eligible &&
	test "$(jq -r ".validation.criteria[] | select(.passed == false) | .id" late.jsonl | head -n 1)" = frist &&
	echo "{\"kommune\": \"Vejle\"}" >part.json &&
	mkform --fill part.json -o part.docx "$SRC/forms/temaforloeb/offer.xml" &&
	skema-ingest --received-at 2026-03-02T09:00 part.docx | skema-extract | skema-validate >part.jsonl &&
	test "$(jq -r .validation.result part.jsonl)" = not_eligible
'

test_done
