# stages/extract/rules.mk - skema-extract needs libseccomp (sandbox.c); so do
# the unit tests, which link every stage's modules.
$(BIN)/skema-extract: LDLIBS += -lseccomp
$(BUILD)/tests/test_%: LDLIBS += -lseccomp
