#!/bin/bash
test_description='forms filled in and saved by LibreOffice itself are read exactly

A LibreOffice Basic macro (tests/lo/Module1.xba) opens each blank form,
types every value into the cell beside its printed label, as an applicant
does, and saves the result as DOCX and as ODT.  skema must read the same
values and reach the same decision as for the same values filled by mkform.'
. "$(dirname "$0")/lib.sh"

if ! command -v soffice >/dev/null 2>&1
then
	test_skip_all "soffice not installed"
fi

OFFERS="temadag-plejefamilie opkvalificering-anbringelsessted spillerum-2019 raadgivningsforloeb
	temaforloeb partnerskab-magtanvendelse-2021 beredskab-revision-2021 informationsmoede-2021"

received_for() {
	case $1 in
	spillerum-2019) echo 2019-05-20T09:00 ;;
	informationsmoede-2021) echo 2021-08-10T09:00 ;;
	*) echo 2021-09-10T09:00 ;;
	esac
}

judge() {
	: >"$1.records" &&
	for f in "$1"/*
	do
		offer=$(basename "$f") && offer=${offer%%.*} &&
		skema-ingest --received-at "$(received_for "$offer")" "$f" >>"$1.records" || return 1
	done &&
	skema-extract <"$1.records" | skema-validate >"$1.jsonl"
}

# "offer form result values" per record, sorted.
summary() {
	jq -r '"\(.original_name | split(".")[0]) \(.form.id) \(.validation.result) \(.validation.values | tojson)"' "$1" | sort
}

fill_in_libreoffice() {
	timeout 120 soffice -env:UserInstallation=file://$TRASH/profile --headless --terminate_after_init >/dev/null 2>&1 &&
	cp "$SRC/tests/lo/Module1.xba" profile/user/basic/Standard/Module1.xba &&
	timeout 600 soffice -env:UserInstallation=file://$TRASH/profile --headless \
		"macro:///Standard.Module1.FillAll(\"$TRASH/jobs\")" >/dev/null 2>&1
}

test_expect_success 'LibreOffice fills every blank form by its labels' '
	mkdir -p profile lo ref &&
	: >jobs &&
	for offer in $OFFERS
	do
		python3 "$SRC/tests/lo/labels.py" "$SRC/forms/$offer/offer.xml" \
			"$FIXTURES/offers/$offer.json" $offer.tsv $offer.json &&
		mkform --fill $offer.json -o ref/$offer.docx "$SRC/forms/$offer/offer.xml" &&
		printf "%s\t%s\t%s\t%s\n" "$SRC/forms/$offer/blank.docx" "$TRASH/$offer.tsv" \
			"$TRASH/lo/$offer.from-docx.docx" "$TRASH/lo/$offer.from-docx.odt" >>jobs &&
		printf "%s\t%s\t%s\t%s\n" "$SRC/forms/$offer/blank.odt" "$TRASH/$offer.tsv" \
			"$TRASH/lo/$offer.from-odt.docx" "$TRASH/lo/$offer.from-odt.odt" >>jobs || return 1
	done &&
	{ echo "$SRC/tests/$test_name.sh" && echo "$SRC/tests/lo/Module1.xba" && cut -f1,2 jobs | tr "\t" "\n"; } >inputs &&
	test_lo_cached lo inputs fill_in_libreoffice &&
	find lo -type f >files &&
	test_line_count = 32 files
'

test_expect_success 'the forms filled by mkform are the reference' '
	judge ref &&
	summary ref.jsonl >expect &&
	test_line_count = 8 expect &&
	! grep -v " eligible " expect
'

for kind in from-docx.docx from-docx.odt from-odt.docx from-odt.odt
do
	test_expect_success "filled in LibreOffice, saved as ${kind#*.} ($kind)" "
		mkdir $kind &&
		cp lo/*.$kind $kind/ &&
		judge $kind &&
		summary $kind.jsonl >actual &&
		test_cmp expect actual
	"
done

test_done
