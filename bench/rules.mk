# bench/rules.mk - make bench, make bench-quick (issue 9).
#
#   make bench        every stage, the whole `skema run`, scaling at 100,
#                     1,000 and 10,000 forms, and the baselines side by side
#                     (floor, pandoc, LibreOffice, sqlite3); writes
#                     bench/results.md.  Installs the missing baselines with
#                     apt-get when run as root; otherwise their rows say
#                     "skipped".  Takes about ten minutes.
#   make bench-quick  the same harness on 100 forms with fewer runs, in a
#                     minute or less; writes bench/work/results-quick.md
#                     (BENCH_OUT=... to put it elsewhere).
#
# The benchmark measures whatever builds: a stage that does not build yet is
# reported as skipped, so `make -k` is used for the programs.  Scratch files
# (workloads, databases, letters, logs) go to bench/work/, which git ignores.

BENCH_PYTHON ?= python3
BENCH_OUT    ?=
BENCH_ARGS   ?=

bench-programs:
	-@$(MAKE) --no-print-directory -k all

bench: bench-programs
	@bench/install-baselines.sh
	$(BENCH_PYTHON) bench/bench.py --bin $(BIN) --tools $(BUILD)/bin \
		$(if $(BENCH_OUT),--out $(BENCH_OUT)) $(BENCH_ARGS)

bench-quick: bench-programs
	$(BENCH_PYTHON) bench/bench.py --quick --bin $(BIN) --tools $(BUILD)/bin \
		$(if $(BENCH_OUT),--out $(BENCH_OUT)) $(BENCH_ARGS)

.PHONY: bench bench-quick bench-programs
