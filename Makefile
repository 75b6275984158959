# skema - build, test, demo.
#
# Layout (see README.md):
#   stages/lib/        the small library every program shares  -> build/libskema.a
#   stages/NAME/       one stage program: NAME.c holds main, the other .c
#                      files are its modules                    -> bin/skema-NAME
#   pipeline/          the driver: skema.c holds main           -> bin/skema
#   tools/NAME/        build tools (blank form generator, ...)  -> build/bin/NAME
#   tests/unit/        cmocka unit tests, test_*.c              -> build/tests/
#   tests/tNNNN-*.sh   whole-program tests, run by prove
#
# A directory may add rules in its own fragment (stages/NAME/rules.mk,
# tools/NAME/rules.mk, tests/rules.mk), so no two parts of the project need
# to edit this file at once.
#
# Non-static symbols in a stage's modules carry the stage name as prefix:
# unit tests link every stage's modules into one program.

.SUFFIXES:
.DELETE_ON_ERROR:
# Keep the object files of stages and tools, which only pattern rules name.
.SECONDARY:

PREFIX   ?= /usr/local
DESTDIR  ?=
SANITIZE ?=
BUILD    ?= build
BIN      ?= bin

CC       ?= cc
PKGS     := libxml-2.0 libzip sqlite3 jansson
CPPFLAGS += -D_GNU_SOURCE -Istages/lib $(shell pkg-config --cflags $(PKGS)) \
            -DSKEMA_DEFAULT_DATADIR='"$(PREFIX)/share/skema"' -DSKEMA_VERSION='"$(VERSION)"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c17 -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wwrite-strings -fno-common -MMD -MP
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lhpdf -lz -lm
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

ifeq ($(SANITIZE),1)
CFLAGS   += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif

LIB_SRCS    := $(wildcard stages/lib/*.c)
LIB_OBJS    := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBSKEMA    := $(BUILD)/libskema.a

STAGES      := $(filter-out lib,$(notdir $(patsubst %/,%,$(dir $(wildcard stages/*/*.c)))))
STAGES      := $(sort $(STAGES))
STAGE_BINS  := $(STAGES:%=$(BIN)/skema-%)
# Modules of all stages (everything but the file holding main), for unit tests.
STAGE_MODS  := $(foreach s,$(STAGES),$(filter-out stages/$(s)/$(s).c,$(wildcard stages/$(s)/*.c)))
STAGE_MOD_OBJS := $(STAGE_MODS:%.c=$(BUILD)/%.o)

DRIVER_SRCS := $(wildcard pipeline/*.c)
DRIVER_OBJS := $(DRIVER_SRCS:%.c=$(BUILD)/%.o)
DRIVER_MODS := $(filter-out $(BUILD)/pipeline/skema.o,$(DRIVER_OBJS))

TOOLS       := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard tools/*/*.c)))))
TOOL_BINS   := $(TOOLS:%=$(BUILD)/bin/%)

UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

PROGRAMS    := $(STAGE_BINS) $(if $(DRIVER_SRCS),$(BIN)/skema) $(TOOL_BINS)

all: $(PROGRAMS) data
# Generated data (fonts, blank forms) hangs off this target in fragments.
data:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBSKEMA): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# The object files of stages/NAME or tools/NAME.  A function, because a '%'
# written in a pattern rule's prerequisites is replaced by the stem first.
dir_objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)/*.c))

.SECONDEXPANSION:
$(BIN)/skema-%: $$(call dir_objs,stages/$$*) $(LIBSKEMA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/skema: $(DRIVER_OBJS) $(LIBSKEMA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/bin/%: $$(call dir_objs,tools/$$*) $(LIBSKEMA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(STAGE_MOD_OBJS) $(DRIVER_MODS) $(LIBSKEMA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

-include $(wildcard stages/*/rules.mk tools/*/rules.mk pipeline/rules.mk tests/rules.mk \
                   bench/rules.mk install/rules.mk)

# --- tests -------------------------------------------------------------------

# The whole suite: unit tests, then the whole-program tests, then the same
# again built with AddressSanitizer and UndefinedBehaviorSanitizer.
check: check-plain check-sanitize

check-plain: all $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "# $$t"; $$t; done
	SKEMA_BIN=$(CURDIR)/$(BIN) prove -j2 --timer tests/t[0-9]*.sh

# SKEMA_SANITIZED lets a script that runs none of skema's code under test
# (the manual, the install rules, the benchmark harness) skip the second pass.
check-sanitize:
	SKEMA_SANITIZED=1 $(MAKE) SANITIZE=1 BUILD=build/san BIN=build/san/bin check-plain

# The same unit tests and the end-to-end test with every skema program under
# valgrind: no leaks, no memory errors.
check-valgrind: all $(UNIT_BINS)
	tests/valgrind.sh $(BIN) $(UNIT_BINS) -- tests/t9000-pipeline.sh

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do $$t; done

# Runs one test script verbosely: make test T=tests/t0001-init.sh
test: all
	SKEMA_BIN=$(CURDIR)/$(BIN) bash $(T) -v

# --- the demo and dependencies -----------------------------------------------

deps:
	@tools/install-deps.sh

demo: deps
	$(MAKE) all
	tools/demo.sh

clean:
	rm -rf build bin demo

.PHONY: all data check check-plain check-sanitize check-valgrind unit test deps demo clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
