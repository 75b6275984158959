/*
 * extract_fuzzer.c - libFuzzer target for the document reader of
 * skema-extract: magic sniffing, the zip layer, the XML reader set-up and
 * the DOCX, flat OPC, ODT and flat ODT walkers, plus turning a scan into
 * JSON.  Built and run by `make fuzz FUZZ_SECONDS=600` (stages/extract/
 * rules.mk) with ASan and UBSan; seeds are the extract fixtures.  Found
 * crashes land in build/fuzz/ as crash-*; each fix gets its fixture.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct extract_limits limits;
	if (!ready) {
		extract_xml_setup();
		extract_limits_default(&limits);
		/* Small caps keep each run fast; the logic at the caps is what matters. */
		limits.max_part = 4u << 20;
		limits.max_total = 8u << 20;
		limits.max_fields = 500;
		limits.max_field_len = 10000;
		ready = 1;
	}
	struct extract_scan scan;
	extract_scan_init(&scan, &limits, "fuzz");
	extract_document_mem(data, size, &scan);
	json_t *result = extract_scan_json(&scan);
	char *text = json_dumps(result, JSON_COMPACT);
	free(text);
	json_decref(result);
	extract_scan_release(&scan);
	return 0;
}
