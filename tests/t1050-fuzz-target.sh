#!/bin/bash
test_description='the extractor fuzz target builds, and reads every fixture clean under ASan and UBSan'
. "$(dirname "$0")/lib.sh"

# clang with libFuzzer is a developer's tool, not a build dependency: where
# it is missing (CI installs only what make check needs) this is skipped.
# Once is enough: the sanitized pass of make check would build the same.
test_have clang || test_skip_all "no clang (make fuzz needs it)"
case $SKEMA_BIN in */san/*) test_skip_all "run once, in the plain pass" ;; esac
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' >probe.c
clang -fsanitize=fuzzer probe.c -o probe 2>/dev/null || test_skip_all "clang without libFuzzer"

test_expect_success 'make builds the fuzz target' '
	make -s -C "$SRC" build/fuzz/extract_fuzzer >build.log 2>&1 ||
		{ cat build.log; false; }
'
test_expect_success 'every extract fixture runs through it once, nothing found' '
	mkdir seeds &&
	find "$FIXTURES/extract" -type f -size -200k \( -name "*.docx" -o -name "*.docm" -o \
		-name "*.odt" -o -name "*.fodt" -o -name "*.xml" -o -name "*.doc" \) \
		-exec cp {} seeds/ \; &&
	test "$(ls seeds | wc -l)" -gt 50 &&
	ASAN_OPTIONS=detect_leaks=1 "$SRC/build/fuzz/extract_fuzzer" -runs=0 -timeout=10 \
		seeds >run.log 2>&1 ||
		{ tail -40 run.log; false; }
'
test_done
