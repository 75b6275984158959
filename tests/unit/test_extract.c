/*
 * test_extract.c - the extractor's small pieces as tables of cases: what a
 * file is by its first bytes, how field text is tidied, which texts are
 * placeholders, how invalid UTF-8 from a document is kept, and that every
 * error code of docs/records.md has Danish advice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../stages/extract/extract.h"
#include "offer.h"
#include "record.h"

static void test_sniffing(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t len;
		const char *code;
	} cases[] = {
	    {"", 0, "empty"},
	    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 WordDocument", 21, "legacy_doc"},
	    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0",
	     41, "encrypted"},
	    {"%PDF-1.7\n", 9, "pdf"},
	    {"\x89PNG\r\n\x1a\n", 8, "image"},
	    {"\xff\xd8\xff\xe0", 4, "image"},
	    {"GIF89a", 6, "image"},
	    {"PK\x03\x04garbage", 11, "truncated"},
	    {"PKzz", 4, "corrupt_zip"},
	    {"{\\rtf1 hej}", 11, "not_a_document"},
	    {"Kære Socialstyrelsen", 21, "not_a_document"},
	    {"<?xml version=\"1.0\"?><html/>", 28, "not_a_document"},
	    {"<?xml version=\"1.0\"?><!DOCTYPE x><office:document "
	     "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>",
	     114, "doctype"},
	    {"<?xml version=\"1.0\"?><office:document "
	     "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"><a>",
	     104, "xml_error"},
	};
	struct extract_limits limits;
	extract_limits_default(&limits);
	extract_xml_setup();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct extract_scan scan;
		extract_scan_init(&scan, &limits, "case");
		int rc = extract_document_mem((const unsigned char *)cases[i].bytes, cases[i].len,
					      &scan);
		if (rc != -1 || strcmp(scan.err_code, cases[i].code) != 0)
			fail_msg("case %zu: got rc %d code \"%s\", want \"%s\"", i, rc,
				 scan.err_code, cases[i].code);
		extract_scan_release(&scan);
	}
}

static void test_fodt_minimal(void **state)
{
	(void)state;
	static const char doc[] =
	    "<?xml version=\"1.0\"?><office:document "
	    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
	    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:"
	    "text>"
	    "<text:p>Navn: <text:text-input text:description=\"navn\">  Jens   Hansen "
	    "</text:text-input>"
	    "</text:p></office:text></office:body></office:document>";
	struct extract_limits limits;
	struct extract_scan scan;
	extract_limits_default(&limits);
	extract_scan_init(&scan, &limits, "case");
	assert_int_equal(extract_document_mem((const unsigned char *)doc, sizeof doc - 1, &scan),
			 0);
	assert_string_equal(scan.format, "fodt");
	assert_int_equal(json_array_size(scan.fields), 1);
	json_t *f = json_array_get(scan.fields, 0);
	assert_string_equal(json_string_value(json_object_get(f, "name")), "navn");
	assert_string_equal(json_string_value(json_object_get(f, "raw")), "Jens Hansen");
	assert_string_equal(json_string_value(json_object_get(f, "label")), "Navn:");
	extract_scan_release(&scan);
}

static void test_tidy(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"  hej  ", "hej"},
	    {"a  \nb", "a\nb"},
	    {"a\n\n\n\nb", "a\n\nb"},
	    {"a\r\nb", "a\n\nb"},
	    {"\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82",
	     ""}, /* empty FORMTEXT */
	    {"\ttab\t", "tab"},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct strbuf sb;
		strbuf_init(&sb, 0);
		strbuf_puts(&sb, cases[i].in);
		extract_tidy(&sb);
		if (strcmp(strbuf_str(&sb), cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, strbuf_str(&sb),
				 cases[i].want);
		strbuf_release(&sb);
	}
}

static void test_placeholders(void **state)
{
	(void)state;
	assert_true(extract_is_placeholder("Klik eller tryk her for at skrive tekst."));
	assert_true(extract_is_placeholder("Choose an item."));
	assert_true(extract_is_placeholder("Vælg et element."));
	assert_false(extract_is_placeholder("Klik eller tryk her for at skrive tekst. Jeg skrev"));
	assert_false(extract_is_placeholder(""));
}

static void test_json_string_escapes_bad_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"Kontrollkästchen", "Kontrollkästchen"},
	    {"a\xff"
	     "b",
	     "a\\xffb"},
	    {"\xc0\xaf", "\\xc0\\xaf"},		 /* overlong "/" */
	    {"\xed\xa0\x80", "\\xed\\xa0\\x80"}, /* lone surrogate */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *s = extract_json_string(cases[i].in);
		assert_non_null(s);
		if (strcmp(json_string_value(s), cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, json_string_value(s),
				 cases[i].want);
		json_decref(s);
	}
}

static void test_every_code_has_danish_advice(void **state)
{
	(void)state;
	static const char *const codes[] = {
	    "not_a_document",
	    "legacy_doc",
	    "encrypted",
	    "pdf",
	    "image",
	    "empty",
	    "truncated",
	    "corrupt_zip",
	    "no_document_part",
	    "too_large",
	    "too_many_entries",
	    "zip_bomb",
	    "duplicate_entry",
	    "doctype",
	    "xml_error",
	    "xml_too_deep",
	    "too_many_fields",
	    "field_too_long",
	    "unknown_form",
	    "macro",
	    "timeout",
	    "out_of_memory",
	    "crash",
	    "io",
	};
	const char *fallback = extract_error_da("no-such-code");
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		const char *da = extract_error_da(codes[i]);
		if (da == fallback)
			fail_msg("%s: no advice of its own", codes[i]);
		if (!strchr(da, '.'))
			fail_msg("%s: advice is not a sentence: %s", codes[i], da);
	}
}

static void test_field_limits(void **state)
{
	(void)state;
	struct extract_limits limits;
	struct extract_scan scan;
	extract_limits_default(&limits);
	limits.max_fields = 2;
	limits.max_field_len = 5;
	extract_scan_init(&scan, &limits, "case");
	assert_non_null(extract_add_field(&scan, "a", "text", "12345", "content-control"));
	assert_null(extract_add_field(&scan, "b", "text", "123456", "content-control"));
	assert_string_equal(scan.err_code, "field_too_long");
	extract_scan_release(&scan);

	extract_scan_init(&scan, &limits, "case");
	assert_non_null(extract_add_field(&scan, "a", "text", "1", "content-control"));
	assert_non_null(extract_add_field(&scan, "b", "text", "2", "content-control"));
	assert_null(extract_add_field(&scan, "c", "text", "3", "content-control"));
	assert_string_equal(scan.err_code, "too_many_fields");
	json_t *j = extract_scan_json(&scan);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			    "too_many_fields");
	json_decref(j);
	extract_scan_release(&scan);
}

/* The shipped offers, read from the top of the tree, where the tests run. */
static void load_shipped_offers(struct offer_set *offers)
{
	struct strbuf err;
	offer_set_init(offers);
	strbuf_init(&err, 0);
	offer_set_load(offers, "forms", &err);
	strbuf_release(&err);
}

/* Each value found by its label says which part it was read from, by the marks. */
static void test_found_by_label_parts(void **state)
{
	(void)state;
	struct offer_set offers;
	load_shipped_offers(&offers);
	const struct offer *offer = offer_set_find(&offers, "temaforloeb");
	if (!offer)
		skip(); /* run from the top of the tree */
	json_error_t jerr;
	json_t *scan = json_loads(
	    "{\"fields\": [{\"name\": \"tema\", \"raw\": \"t\"}],"
	    " \"rows\": [[\"a\", \"b\"], [\"Kommune\", \"Odense\"], [\"Kontaktperson\", \"Jens\"]],"
	    " \"row_parts\": [[0, \"word/document.xml\"], [2, \"word/header1.xml\"]],"
	    " \"paragraphs\": [\"x: y\", \"Tema for forløbet: nej\", \"Kontaktpersonens e-mail: j@k.dk\"],"
	    " \"paragraph_parts\": [[0, \"word/document.xml\"], [1, \"word/comments.xml\"]]}",
	    0, &jerr);
	assert_non_null(scan);
	json_t *found = extract_found_by_label(scan, offer);
	char *text = json_dumps(found, JSON_COMPACT | JSON_SORT_KEYS);
	/* tema is a control's: the paragraph naming it is not listed. */
	assert_string_equal(
	    text,
	    "[{\"kind\":\"text\",\"label\":\"Kommune\",\"name\":\"kommune\",\"part\":"
	    "\"word/document.xml\",\"raw\":\"Odense\",\"source\":\"table\"},"
	    "{\"kind\":\"text\",\"label\":\"Kontaktperson\",\"name\":\"kontakt_navn\",\"part\":"
	    "\"word/header1.xml\",\"raw\":\"Jens\",\"source\":\"table\"},"
	    "{\"kind\":\"text\",\"label\":\"Kontaktpersonens e-mail\",\"name\":\"kontakt_email\","
	    "\"part\":\"word/comments.xml\",\"raw\":\"j@k.dk\",\"source\":\"paragraph\"}]");
	free(text);
	json_decref(found);
	json_decref(scan);
	offer_set_release(&offers);
}

/* A subverted child may send any JSON: the parent still makes a record of it. */
static void test_apply_hostile_scans(void **state)
{
	(void)state;
	static const struct {
		const char *scan;
		const char *code; /* expected error code, or NULL for none */
	} cases[] = {
	    {"{\"error\": {}}", "crash"},
	    {"{\"error\": {\"code\": 5, \"message\": [1]}}", "crash"},
	    {"{\"error\": {\"code\": \"pdf\", \"permanent\": true}}", "pdf"},
	    {"{}", "unknown_form"},
	    {"{\"properties\": {\"skema.form\": 7}, \"title\": [], \"rows\": 5}", "unknown_form"},
	    {"{\"properties\": {\"skema.form\": \"no-such-offer\"}}", "unknown_form"},
	    {"{\"properties\": {\"skema.form\": \"temaforloeb\"}, \"fields\": \"x\", "
	     "\"rows\": [[1, null], \"y\", [\"Tema for forløbet\"]], \"paragraphs\": [3, \"a\"], "
	     "\"warnings\": [1, \"w\"]}",
	     NULL},
	    {"{\"properties\": {\"skema.form\": \"temaforloeb\"}, \"fields\": [7, {\"name\": 3}, "
	     "{\"name\": \"tema\", \"raw\": null, \"kind\": 2, \"options\": 5}]}",
	     NULL},	    {"{\"properties\": {\"skema.form\": \"temaforloeb\"}, \"row_parts\": 5, "
	     "\"rows\": [[\"Kommune\", \"Odense\"]], \"paragraphs\": [\"Tema for forløbet: x\"], "
	     "\"paragraph_parts\": [[-1, 3], \"x\", [1e9, \"p\"], [null], [0, \"p\", 9]]}",
	     NULL},
	};
	struct offer_set offers;
	load_shipped_offers(&offers);
	if (!offer_set_find(&offers, "temaforloeb"))
		skip(); /* run from the top of the tree */
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_error_t jerr;
		json_t *scan = json_loads(cases[i].scan, 0, &jerr);
		if (!scan)
			fail_msg("case %zu: bad test JSON: %s", i, jerr.text);
		json_t *rec = json_pack("{s:s, s:s}", "id", "x", "path", "x.docx");
		extract_apply(rec, scan, &offers);
		const char *code =
		    json_string_value(json_object_get(json_object_get(rec, "error"), "code"));
		if (cases[i].code && (!code || strcmp(code, cases[i].code) != 0))
			fail_msg("case %zu: got error %s, want %s", i, code ? code : "none",
				 cases[i].code);
		if (!cases[i].code && code)
			fail_msg("case %zu: got error %s, want none", i, code);
		char *line = json_dumps(rec, JSON_COMPACT);
		assert_non_null(line);
		free(line);
		/* The --inspect listing reads the same scan the same way. */
		const char *source;
		const struct offer *offer = extract_identify(scan, &offers, &source);
		if (offer) {
			json_t *by_label = extract_found_by_label(scan, offer);
			assert_true(json_is_array(by_label));
			json_decref(by_label);
		}
		json_decref(rec);
		json_decref(scan);
	}
	offer_set_release(&offers);
}

/*
 * "following" from the child (docx.c) is read as defensively as the rest:
 * any shape, any length; taken only for a long text, up to the form's next
 * label, at most EXTRACT_MAX_FOLLOWING paragraphs.
 */
static void test_apply_following(void **state)
{
	(void)state;
	struct offer_set offers;
	load_shipped_offers(&offers);
	if (!offer_set_find(&offers, "temaforloeb"))
		skip(); /* run from the top of the tree */
	json_t *many = json_array();
	for (int i = 0; i < 1000; i++)
		json_array_append_new(many, json_string("p"));
	json_t *scan = json_pack(
	    "{s:{s:s}, s:[{s:s, s:s, s:s, s:s, s:[s, i, n, s, s, s]}, {s:s, s:s, s:s, s:[s]},"
	    " {s:s, s:s, s:s, s:O}]}",
	    "properties", "skema.form", "temaforloeb", "fields",
	    "name", "motivation", "kind", "richtext", "raw", "Først.", "source", "content-control",
	    "following", "Så.", 5, "Til sidst.", "Tema for forløbet:", "ikke med",
	    "name", "tema", "kind", "text", "raw", "Digitale overgreb", "following", "ikke en lang tekst",
	    "name", "kontakt_navn", "kind", "text", "raw", "Jens", "following", many);
	assert_non_null(scan);
	json_t *rec = json_pack("{s:s, s:s}", "id", "x", "path", "x.docx");
	extract_apply(rec, scan, &offers);
	json_t *fields = json_object_get(rec, "fields");
	/* A number and a null read as empty paragraphs; the label ends the answer. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(fields, "motivation"), "raw")),
			    "Først.\nSå.\n\n\nTil sidst.");
	assert_string_equal(json_string_value(json_object_get(json_object_get(fields, "tema"), "raw")),
			    "Digitale overgreb");
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(fields, "kontakt_navn"), "raw")), "Jens");
	assert_int_equal(json_array_size(json_object_get(rec, "warnings")), 1);
	json_decref(rec);
	json_decref(scan);

	/* A long text with a thousand paragraphs after it: two hundred are taken. */
	scan = json_pack("{s:{s:s}, s:[{s:s, s:s, s:s, s:O}]}", "properties", "skema.form",
			 "temaforloeb", "fields", "name", "motivation", "kind", "richtext", "raw",
			 "x", "following", many);
	rec = json_pack("{s:s, s:s}", "id", "x", "path", "x.docx");
	extract_apply(rec, scan, &offers);
	const char *raw = json_string_value(
	    json_object_get(json_object_get(json_object_get(rec, "fields"), "motivation"), "raw"));
	assert_non_null(raw);
	assert_int_equal(strlen(raw), 1 + 2 * EXTRACT_MAX_FOLLOWING);
	json_decref(rec);
	json_decref(scan);
	json_decref(many);
	offer_set_release(&offers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sniffing),
	    cmocka_unit_test(test_apply_following),
	    cmocka_unit_test(test_fodt_minimal),
	    cmocka_unit_test(test_tidy),
	    cmocka_unit_test(test_placeholders),
	    cmocka_unit_test(test_json_string_escapes_bad_utf8),
	    cmocka_unit_test(test_every_code_has_danish_advice),
	    cmocka_unit_test(test_field_limits),
	    cmocka_unit_test(test_found_by_label_parts),
	    cmocka_unit_test(test_apply_hostile_scans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
