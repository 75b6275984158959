# stages/extract/rules.mk - skema-extract needs libseccomp (sandbox.c); so do
# the unit tests, which link every stage's modules.
$(BIN)/skema-extract: LDLIBS += -lseccomp
$(BUILD)/tests/test_%: LDLIBS += -lseccomp

# --- fuzzing (clang + libFuzzer, ASan, UBSan) --------------------------------
# make fuzz FUZZ_SECONDS=600   runs the extractor's fuzz target that long;
# crashes are kept in build/fuzz/ (crash-*, timeout-*, oom-*).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SRCS    := fuzz/extract_fuzzer.c \
                $(filter-out stages/extract/extract.c stages/extract/sandbox.c,$(wildcard stages/extract/*.c)) \
                $(LIB_SRCS)

build/fuzz/extract_fuzzer: $(FUZZ_SRCS) $(wildcard stages/extract/*.h stages/lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -Istages/extract -std=c17 $(FUZZ_FLAGS) -o $@ $(FUZZ_SRCS) $(LDLIBS)

# Seeds: every fixture small enough to mutate usefully, and the public
# corpus of real documents when it is there.
FUZZ_CORPUS ?= ../shared/corpus/public-docs
fuzz-seeds:
	@mkdir -p build/fuzz/corpus build/fuzz/seeds
	@find fixtures/extract $(wildcard $(FUZZ_CORPUS)) -type f -size -200k \( -name '*.docx' -o \
		-name '*.docm' -o -name '*.odt' -o -name '*.fodt' -o -name '*.ods' -o -name '*.doc' -o \
		-name '*.xml' \) -exec cp {} build/fuzz/seeds/ \;

fuzz: build/fuzz/extract_fuzzer fuzz-seeds
	cd build/fuzz && ASAN_OPTIONS=detect_leaks=1 ./extract_fuzzer -max_total_time=$(FUZZ_SECONDS) \
		-jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS) -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-dict=$(CURDIR)/fuzz/extract.dict \
		-print_final_stats=1 corpus seeds

.PHONY: fuzz fuzz-seeds

# Bind every symbol at start: otherwise each per-document child resolves the
# library functions it is first to call, again and again (perf: do_lookup_x).
$(BIN)/skema-extract: LDFLAGS += -Wl,-z,now,-z,relro
