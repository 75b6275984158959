# install/rules.mk - installing skema like any other tool on a Debian server:
# make install, make uninstall, make man (lint the pages), make deb,
# make check-deb.  Included by the top Makefile.
#
# Layout (PREFIX defaults to /usr/local; DESTDIR is prepended to everything):
#   $(BINDIR)/skema                      the driver, the only program on PATH
#   $(LIBEXECDIR)/skema/skema-NAME       the stage programs; the driver finds
#                                        them through <exe>/../libexec/skema
#   $(LIBEXECDIR)/skema/skema-mkform     the blank-form generator (tools/mkform),
#                                        for offers edited under /etc/skema
#   $(DATADIR)/skema/forms, fonts        shipped offer definitions, blank
#                                        forms, letter texts, fonts; found
#                                        through <exe>/../share/skema
#   $(PKGSYSCONFDIR)/forms               editable copies of the offer
#                                        definitions, blocks and letter texts:
#                                        a file here overrides the shipped one
#   $(MANDIR)/man1, man5                 the manual
#   $(BASHCOMPDIR)/skema                 bash completion
#   $(SYSTEMDUNITDIR)                    systemd units from dist/systemd/
#   $(DOCDIR)                            docs/*.md
#
# The configuration directory follows the prefix: /etc/skema for
# PREFIX=/usr (the Debian package), $(PREFIX)/etc/skema otherwise, so that a
# /usr/local install never writes outside /usr/local.  It is compiled in as
# SKEMA_DEFAULT_CONFDIR ($SKEMA_CONFDIR overrides it at run time).

BINDIR         ?= $(PREFIX)/bin
LIBEXECDIR     ?= $(PREFIX)/libexec
DATAROOTDIR    ?= $(PREFIX)/share
MANDIR         ?= $(DATAROOTDIR)/man
DOCDIR         ?= $(DATAROOTDIR)/doc/skema
BASHCOMPDIR    ?= $(DATAROOTDIR)/bash-completion/completions
SYSCONFDIR     ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
PKGSYSCONFDIR  ?= $(SYSCONFDIR)/skema
SYSTEMDUNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
SKEMA_SHAREDIR := $(DATAROOTDIR)/skema

INSTALL        ?= install
INSTALL_PROGRAM ?= $(INSTALL) -m 755
INSTALL_DATA   ?= $(INSTALL) -m 644

CPPFLAGS += -DSKEMA_DEFAULT_CONFDIR='"$(PKGSYSCONFDIR)"'
# No path into the source tree may survive installation, debug info included.
CFLAGS   += -fdebug-prefix-map=$(CURDIR)=.

# The compiled-in directories (and the flags that keep the source tree out
# of the binaries) must follow PREFIX and CFLAGS: every object is rebuilt
# when they change.  The stamp is rewritten only when its contents differ.
INSTALL_PATHS_STAMP := $(BUILD)/install-paths
$(INSTALL_PATHS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(CC)' '$(CPPFLAGS)' '$(CFLAGS)' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
$(patsubst %.c,$(BUILD)/%.o,$(wildcard stages/*/*.c pipeline/*.c tools/*/*.c \
	tests/unit/*.c)): $(INSTALL_PATHS_STAMP)
FORCE:

MAN1_PAGES := $(sort $(wildcard man/*.1))
MAN5_PAGES := $(sort $(wildcard man/*.5))
# Data: everything under forms/ and fonts/ but editor and office lock files;
# listed when the recipe runs, after `all` has generated what it generates.
SKEMA_DATA_LIST := find forms fonts -type f ! -name '.*' ! -name '*~' ! -name '*.tmp' | LC_ALL=C sort
# Editable copies: offer definitions, their blocks, letter texts.
SKEMA_CONF_LIST := $(SKEMA_DATA_LIST) | grep -E '^forms/([^/]+/offer\.xml|blocks/|letters/)'
SYSTEMD_UNITS := $(sort $(wildcard dist/systemd/*.service dist/systemd/*.path \
				   dist/systemd/*.timer dist/systemd/*.socket))
DOCS       := $(sort $(wildcard README.md docs/*.md))

# Units name the installed driver and docs; dist/systemd/ writes them for
# /usr/local (or as @BINDIR@, @DOCDIR@), rewritten here for $(PREFIX).
define install_unit
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
	    -e 's|@DOCDIR@|$(DOCDIR)|g' -e 's|@CONFDIR@|$(PKGSYSCONFDIR)|g' \
	    -e 's|/usr/local/bin/skema|$(BINDIR)/skema|g' \
	    -e 's|/usr/local/share/doc/skema|$(DOCDIR)|g' \
	    $(1) >$(DESTDIR)$(SYSTEMDUNITDIR)/$(notdir $(1)).tmp && \
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$(notdir $(1)).tmp && \
	mv -f $(DESTDIR)$(SYSTEMDUNITDIR)/$(notdir $(1)).tmp $(DESTDIR)$(SYSTEMDUNITDIR)/$(notdir $(1))

endef

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/skema
	$(INSTALL_PROGRAM) $(BIN)/skema $(DESTDIR)$(BINDIR)/skema
	$(if $(STAGE_BINS),$(INSTALL_PROGRAM) $(STAGE_BINS) $(DESTDIR)$(LIBEXECDIR)/skema/)
	$(if $(filter $(BUILD)/bin/mkform,$(TOOL_BINS)),$(INSTALL_PROGRAM) $(BUILD)/bin/mkform $(DESTDIR)$(LIBEXECDIR)/skema/skema-mkform)
# An administrator's edits survive a reinstall, and only they: a copy in
# etc still equal to the data installed last time was not changed locally
# and takes the new version (as dpkg treats a conffile), so that a fix
# shipped in an offer or a letter text reaches it.  Done before the data
# are replaced, which is what it is compared with.
	@set -e; $(SKEMA_CONF_LIST) | while IFS= read -r f; do \
		c="$(DESTDIR)$(PKGSYSCONFDIR)/$$f"; old="$(DESTDIR)$(SKEMA_SHAREDIR)/$$f"; \
		$(INSTALL) -d "$${c%/*}"; \
		if ! test -e "$$c"; then \
			$(INSTALL_DATA) "$$f" "$$c"; \
		elif cmp -s "$$f" "$$c"; then \
			:; \
		elif test -e "$$old" && cmp -s "$$old" "$$c"; then \
			$(INSTALL_DATA) "$$f" "$$c"; \
			echo "updated $$c (not changed locally)"; \
		else \
			echo "kept $$c: changed locally; the new version is $(SKEMA_SHAREDIR)/$$f"; \
		fi; \
	done
	@set -e; n=0; $(SKEMA_DATA_LIST) | { while IFS= read -r f; do \
		$(INSTALL) -d "$(DESTDIR)$(SKEMA_SHAREDIR)/$${f%/*}"; \
		$(INSTALL_DATA) "$$f" "$(DESTDIR)$(SKEMA_SHAREDIR)/$$f"; n=$$((n + 1)); \
	done; echo "installed $$n data files in $(DESTDIR)$(SKEMA_SHAREDIR)"; }
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	$(if $(MAN1_PAGES),$(INSTALL_DATA) $(MAN1_PAGES) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(MAN5_PAGES),$(INSTALL_DATA) $(MAN5_PAGES) $(DESTDIR)$(MANDIR)/man5/)
	$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL_DATA) completion/skema.bash $(DESTDIR)$(BASHCOMPDIR)/skema
	$(if $(DOCS),$(INSTALL) -d $(DESTDIR)$(DOCDIR) && $(INSTALL_DATA) $(DOCS) $(DESTDIR)$(DOCDIR)/)
ifneq ($(SYSTEMD_UNITS),)
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR)
	$(foreach u,$(SYSTEMD_UNITS),$(call install_unit,$(u)))
endif

# Removes what install put there.  Configuration files an administrator
# changed stay (and are named); unchanged copies go.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/skema
	rm -rf $(DESTDIR)$(LIBEXECDIR)/skema $(DESTDIR)$(SKEMA_SHAREDIR)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1_PAGES))) \
	      $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5_PAGES)))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/skema
	rm -rf $(DESTDIR)$(DOCDIR)
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(SYSTEMD_UNITS)))
	@set -e; $(SKEMA_CONF_LIST) | while IFS= read -r f; do \
		c="$(DESTDIR)$(PKGSYSCONFDIR)/$$f"; \
		if test -e "$$c" && ! cmp -s "$$f" "$$c"; then \
			echo "kept $$c: changed locally"; \
		else \
			rm -f "$$c"; \
		fi; \
	done
	-@test -d $(DESTDIR)$(PKGSYSCONFDIR) && \
		find $(DESTDIR)$(PKGSYSCONFDIR) -depth -type d -empty -delete
	-@for d in $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(BASHCOMPDIR) \
		   $(DESTDIR)$(DATAROOTDIR)/bash-completion $(DESTDIR)$(SYSTEMDUNITDIR); do \
		rmdir "$$d" 2>/dev/null; done; true

# --- manual pages ------------------------------------------------------------

# Lints every page: groff with all warnings, and mandoc when installed.
man:
	@set -e; for p in $(MAN1_PAGES) $(MAN5_PAGES); do \
		out=$$(LC_ALL=C.UTF-8 groff -k -man -ww -z -Tutf8 "$$p" 2>&1); \
		if test -n "$$out"; then echo "$$out" >&2; exit 1; fi; \
		if command -v mandoc >/dev/null; then mandoc -T lint -W warning "$$p"; fi; \
	done; echo "man: $(words $(MAN1_PAGES) $(MAN5_PAGES)) pages are clean"

# --- the Debian package ------------------------------------------------------

# dpkg-buildpackage builds and cleans in the directory it is given, so it
# works on a copy of the working tree (tracked files and new ones git does
# not ignore) under build/deb/, never in the tree other people build in.
DEB_DIR := build/deb
DEB_SRC := $(DEB_DIR)/skema-$(VERSION)

deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
		{ echo "make deb: needs dpkg-dev and debhelper (apt-get install debhelper devscripts lintian)" >&2; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z -c -o --exclude-standard | \
			tar --null --ignore-failed-read -T - -cf - 2>/dev/null; \
	else \
		tar --exclude=./build --exclude=./bin --exclude=./demo -cf - .; \
	fi | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -j2
	@ls $(DEB_DIR)/*.deb
	@if command -v lintian >/dev/null; then lintian --fail-on error $(DEB_DIR)/*.changes; fi

# The package test builds the whole thing, so it is not in `make check`.
check-deb: deb
	SKEMA_TEST_DEB=1 SKEMA_BIN=$(CURDIR)/$(BIN) bash tests/t7500-deb.sh -v

.PHONY: install uninstall man deb check-deb FORCE
