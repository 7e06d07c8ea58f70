# scripts/install.mk - installing ompkit as an ordinary Unix tool and library
# (issue 16); included by the Makefile, whose variables it uses.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   binaries, scripts, libraries, headers,
#                                                 ompkit.pc, man pages, the JSON schema
#   make uninstall [PREFIX=...] [DESTDIR=]        removes exactly what install put there
#   make shlib                                    build/<config>/libompkit.so.<version>
#   make man                                      build/<config>/man/*.1 and ompkit.7
#   make deb                                      build/<config>/ompkit_<version>_<arch>.deb
#
# Bash completion (share/bash-completion/completions/ompkit, a link per
# command) is generated from the same --help texts by scripts/completion.sh.
#
# Installed names carry an `ompk-` prefix so they cannot clash with other
# packages (a `primes` exists elsewhere): ompk-<kernel>, ompk-pipeline,
# ompk-heartbeat, ompk-demo, and the scripts ompk-sweep and ompk-profile. In
# the build tree the binaries keep their short names (bin/<kernel>).
#
# The binaries are linked with the static library, as in the build tree: they
# use the driver's internals, which the shared library keeps local (its
# exports are listed in scripts/libompkit.map). So the shared library needs
# position-independent objects: every object is compiled with -fPIC;
# -fno-semantic-interposition lets the compiler inline and call directly
# as it does without -fPIC, so the binaries lose nothing (measured on the
# fast sumsq and collatz runs, see the commit message).
#
# The man pages are made at build time by help2man from each binary's own
# --help, so they cannot drift from the option tables; ompkit(7) is written by
# hand (scripts/man/ompkit.7).

PREFIX ?= /usr/local
DESTDIR ?=
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
# Private to ompkit: links by the build-tree names to the installed binaries,
# where the installed scripts look for them.
PKGLIBDIR ?= $(PREFIX)/lib/ompkit
COMPDIR ?= $(DATADIR)/bash-completion/completions
IPREFIX = $(DESTDIR)$(PREFIX)

VERSION := $(shell sed -n 's/^\#define OMPK_VERSION "\(.*\)"/\1/p' include/ompkit/build.h)
ifeq ($(VERSION),)
$(error scripts/install.mk: no OMPK_VERSION in include/ompkit/build.h)
endif
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))
SONAME := libompkit.so.$(SOMAJOR)
SHLIB := $(BUILD)/libompkit.so.$(VERSION)

override CFLAGS += -fPIC -fno-semantic-interposition
# Objects made before this file was included are not PIC: the stamp, made once
# per build directory, is newer than they are, so they are rebuilt once.
$(LIB_OBJS): $(BUILD)/.pic-stamp
$(BUILD)/.pic-stamp:
	@mkdir -p $(dir $@) && touch $@

# What is installed, by the names users type.
INST_PROGS := $(KERNELS) pipeline heartbeat demo
INST_SCRIPTS := sweep profile
# The public headers: what a program needs to embed a kernel or the loader.
INST_HEADERS := kernel.h kernels.def progress.h registry.h driver.h build.h cli.h emit.h sched.h \
	parse.h simd.h \
	split.h lcg.h primes.h collatz.h sumsq.h checksum.h loader.h heartbeat.h
SCHEMA := $(wildcard src/schema/ompkit.schema.json)
# A binary gets a man page when it answers --help (the demo may not yet).
MAN_PROGS := $(KERNELS) pipeline heartbeat $(if $(shell grep -l -e '"--help"' src/main/demo.c),demo)
MANS := $(MAN_PROGS:%=$(BUILD)/man/ompk-%.1) $(BUILD)/man/ompkit.7
EXAMPLE := $(BUILD)/embed.c
COMPLETION := $(BUILD)/completion/ompkit
COMP_NAMES := $(MAN_PROGS) $(INST_SCRIPTS)

HELP2MAN ?= help2man

.PHONY: install uninstall shlib man deb
# The shared library is built with everything; the man pages (help2man) on demand.
all: $(SHLIB)

shlib: $(SHLIB)
man: $(MANS)

$(SHLIB): $(LIB_OBJS) scripts/libompkit.map
	@$(if $(Q),echo "  SHLIB   $@")
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=scripts/libompkit.map \
		-Wl,-z,defs $(LDFLAGS) $(LIB_OBJS) $(LDLIBS) -o $@
	$(Q)ln -sfn $(notdir $@) $(BUILD)/$(SONAME) && ln -sfn $(SONAME) $(BUILD)/libompkit.so

# Each page from the binary run under its installed name, so NAME, the title
# and the synopsis say ompk-<name>. The version is OMPK_VERSION (what
# --version prints first; help2man cannot tell the program's name from that
# line). The one-line description is the line after the usage line (kernels:
# their summary) without a closing parenthesis, unless MAN_NAME_<name> says.
MAN_NAME_heartbeat := probe event-loop starvation: ticks while a job blocks, inline or offloaded
$(BUILD)/man/ompk-%.1: $(BINDIR)/%
	@mkdir -p $(BUILD)/man/names
	@$(if $(Q),echo "  MAN     $@")
	$(Q)ln -sfn ../../bin/$* $(BUILD)/man/names/ompk-$*
	$(Q)desc=$$($< --help | sed -n '2{s/\.$$//;s/ *([^()]*)$$//;p;}'); \
	$(HELP2MAN) --no-info --section=1 --source=ompkit --manual='ompkit manual' \
		--version-string='$(VERSION)' --name="$(or $(MAN_NAME_$*),$$desc)" \
		--include=scripts/man/see-also.h2m $(BUILD)/man/names/ompk-$* >$@.tmp && \
		mv $@.tmp $@

$(BUILD)/man/ompkit.7: scripts/man/ompkit.7
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# Bash completion, from the same --help texts (scripts/completion.sh).
$(COMPLETION): scripts/completion.sh $(MAN_PROGS:%=$(BINDIR)/%) $(INST_SCRIPTS:%=scripts/%.sh)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  COMPL   $@")
	$(Q)scripts/completion.sh $(BINDIR) "$(KERNELS)" $(MAN_PROGS) -- $(INST_SCRIPTS) \
		>$@.tmp && mv $@.tmp $@

# The README's "Embedding ompkit" program, installed as an example.
$(EXAMPLE): README.md
	$(Q)awk '/^## Embedding ompkit/ { s = 1 } s && /^```c$$/ { c = 1; next } \
		c && /^```$$/ { exit } c { print }' $< >$@
	$(Q)test -s $@ || { echo "README.md: no C program under '## Embedding ompkit'" >&2; \
		exit 1; }

# The scripts find the binaries in $root/bin ($root: the directory above
# theirs); installed in $(PREFIX)/bin they look in $(PKGLIBDIR)/bin instead
# (links to ompk-<name> under the short names they take), name themselves
# ompk-<script>, and keep profile's npm cache in the user's cache directory.
# Each substitution must hit, so a changed script is noticed here.
BIN_FROM := ^bindir=$${OMPK_BIN_DIR:-$$root/bin}$$
BIN_TO := bindir=$${OMPK_BIN_DIR:-$$root/$(PKGLIBDIR:$(PREFIX)/%=%)/bin}
# The helpers both scripts source (scripts/lib.sh) go to $(PKGLIBDIR)/lib.sh.
LIB_FROM := ^\. "$$root/scripts/lib.sh"$$
LIB_TO := . "$$root/$(PKGLIBDIR:$(PREFIX)/%=%)/lib.sh"
NPM_FROM := ^npmdir=$${OMPK_NPM_DIR:-$$root/build/npm}$$
NPM_TO := npmdir=$${OMPK_NPM_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/ompkit/npm}
define install_script
	$(Q)sed -e 's|^prog=scripts/$(1).sh$$|prog=ompk-$(1)|' -e 's|$(BIN_FROM)|$(BIN_TO)|' \
		-e 's|$(NPM_FROM)|$(NPM_TO)|' -e 's|$(LIB_FROM)|$(LIB_TO)|' scripts/$(1).sh >$(IPREFIX)/bin/ompk-$(1)
	$(Q)grep -q '^prog=ompk-$(1)$$' $(IPREFIX)/bin/ompk-$(1) && grep -q -x -F '$(BIN_TO)' \
		$(IPREFIX)/bin/ompk-$(1) && grep -q -x -F '$(LIB_TO)' $(IPREFIX)/bin/ompk-$(1) || \
		{ echo "scripts/$(1).sh: its prog=, bindir= or lib.sh line" \
		"changed; update scripts/install.mk" >&2; exit 1; }
	$(Q)chmod 755 $(IPREFIX)/bin/ompk-$(1)

endef

install: all $(SHLIB) $(MANS) $(EXAMPLE) $(COMPLETION)
	@$(if $(Q),echo "  INSTALL $(DESTDIR)$(PREFIX)")
	$(Q)install -d $(IPREFIX)/bin $(DESTDIR)$(PKGLIBDIR)/bin $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/ompkit $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)/doc/ompkit/examples $(DESTDIR)$(COMPDIR) \
		$(if $(SCHEMA),$(DESTDIR)$(DATADIR)/ompkit)
	$(Q)for p in $(INST_PROGS); do \
		install -m 755 $(BINDIR)/$$p $(IPREFIX)/bin/ompk-$$p && \
		ln -sfn ../../../bin/ompk-$$p $(DESTDIR)$(PKGLIBDIR)/bin/$$p || exit 1; done
	$(Q)install -m 644 scripts/lib.sh $(DESTDIR)$(PKGLIBDIR)/lib.sh
	$(foreach s,$(INST_SCRIPTS),$(call install_script,$(s)))
	$(Q)install -m 644 $(SHLIB) $(LIB) $(DESTDIR)$(LIBDIR)/
	$(Q)ln -sfn $(notdir $(SHLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	$(Q)ln -sfn $(SONAME) $(DESTDIR)$(LIBDIR)/libompkit.so
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		-e "s|@OMPLIB@|$$($(CC) -dM -E -x c /dev/null | grep -q __clang__ && \
			echo -L$$(cd "$$(dirname "$$(readlink -f "$$(command -v $(CC))")")/../lib" && \
				pwd) -lomp || \
			echo -lgomp)|" \
		scripts/ompkit.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/ompkit.pc
	$(Q)install -m 644 $(INST_HEADERS:%=include/ompkit/%) $(DESTDIR)$(INCLUDEDIR)/ompkit/
	$(Q)install -m 644 $(filter %.1,$(MANS)) $(DESTDIR)$(MANDIR)/man1/
	$(Q)install -m 644 $(filter %.7,$(MANS)) $(DESTDIR)$(MANDIR)/man7/
	$(Q)install -m 644 README.md $(DESTDIR)$(DATADIR)/doc/ompkit/
	$(Q)install -m 644 $(EXAMPLE) $(DESTDIR)$(DATADIR)/doc/ompkit/examples/
	$(Q)$(if $(SCHEMA),install -m 644 $(SCHEMA) $(DESTDIR)$(DATADIR)/ompkit/,:)
	$(Q)install -m 644 $(COMPLETION) $(DESTDIR)$(COMPDIR)/ompkit
	$(Q)for n in $(COMP_NAMES); do ln -sfn ompkit $(DESTDIR)$(COMPDIR)/ompk-$$n || exit 1; done

# Removes each file install puts down, then ompkit's own directories when
# they are empty; shared directories (bin, lib, share/man/man1) stay.
uninstall:
	@$(if $(Q),echo "  UNINST  $(DESTDIR)$(PREFIX)")
	$(Q)rm -f $(INST_PROGS:%=$(IPREFIX)/bin/ompk-%) \
		$(INST_PROGS:%=$(DESTDIR)$(PKGLIBDIR)/bin/%) $(DESTDIR)$(PKGLIBDIR)/lib.sh \
		$(INST_SCRIPTS:%=$(IPREFIX)/bin/ompk-%) \
		$(DESTDIR)$(LIBDIR)/libompkit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libompkit.so $(DESTDIR)$(LIBDIR)/libompkit.a \
		$(DESTDIR)$(LIBDIR)/pkgconfig/ompkit.pc \
		$(INST_HEADERS:%=$(DESTDIR)$(INCLUDEDIR)/ompkit/%) \
		$(INST_PROGS:%=$(DESTDIR)$(MANDIR)/man1/ompk-%.1) \
		$(DESTDIR)$(MANDIR)/man7/ompkit.7 \
		$(DESTDIR)$(DATADIR)/doc/ompkit/README.md \
		$(DESTDIR)$(DATADIR)/doc/ompkit/examples/embed.c \
		$(DESTDIR)$(DATADIR)/ompkit/ompkit.schema.json \
		$(DESTDIR)$(COMPDIR)/ompkit $(COMP_NAMES:%=$(DESTDIR)$(COMPDIR)/ompk-%)
	$(Q)for d in $(PKGLIBDIR)/bin $(PKGLIBDIR) $(INCLUDEDIR)/ompkit $(DATADIR)/ompkit \
		$(DATADIR)/doc/ompkit/examples $(DATADIR)/doc/ompkit; do \
		if [ -d $(DESTDIR)$$d ]; then rmdir $(DESTDIR)$$d || exit 1; fi; done

# The Debian package: `make install` into a scratch root under /usr (the
# libraries in /usr/lib/<multiarch>), packed by dpkg's own tools (scripts/deb.sh).
DEB_STAGE := $(BUILD)/deb/root
deb: all $(SHLIB) $(MANS) $(EXAMPLE)
	$(Q)rm -rf $(DEB_STAGE)
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_STAGE)) PREFIX=/usr \
		LIBDIR=/usr/lib/$$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	@$(if $(Q),echo "  DEB     $(BUILD)/ompkit_$(VERSION)_$$(dpkg --print-architecture).deb")
	$(Q)scripts/deb.sh $(abspath $(DEB_STAGE)) $(VERSION) $(BUILD) >/dev/null
