# Release and distribution packaging, included by the top-level Makefile:
#
#   make dist            build/quic-X.Y.Z.tar.gz, reproducible, from git
#   make deb             Debian packages in build/deb/ (from the dist tarball),
#                        then lintian (fails on errors and warnings)
#   make rpm             RPM packages in build/rpm/RPMS/ (from the dist tarball)
#   make man             man pages from man/*.md into build/man/ (sections 3, 7, 8)
#   make install-man     install them into $(DESTDIR)$(PREFIX)/share/man
#   make dkms-install    install the module source tree for DKMS into
#                        $(DESTDIR)/usr/src/quic-X.Y.Z
#   make dkms-uninstall  dkms remove + delete that tree
#   make packaging-check tests/packaging/run.sh
#
# Everything reads the version from VERSION. Packages are built from the
# committed tree (PKG_DIST_REF, default HEAD): commit before `make deb/rpm`.

PKG_NAME	:= quic
PKG_VERSION	:= $(shell cat $(CURDIR)/VERSION)
PKG_DISTNAME	:= $(PKG_NAME)-$(PKG_VERSION)
PKG_BUILDDIR	:= $(CURDIR)/build
PKG_DIST_REF	?= HEAD
PKG_TARBALL	:= $(PKG_BUILDDIR)/$(PKG_DISTNAME).tar.gz
PKG_DEBDIR	:= $(PKG_BUILDDIR)/deb
PKG_RPMDIR	:= $(PKG_BUILDDIR)/rpm
PKG_LINTIAN_FAIL ?= error,warning

# the files the module build needs: the DKMS source tree
PKG_DKMS_FILES	:= Makefile VERSION src/kernel
PKG_DKMS_DIR	 = $(DESTDIR)/usr/src/$(PKG_DISTNAME)
PKG_BUILD_PRODUCTS := --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	--exclude='*.mod.c' --exclude='.*.cmd' --exclude='modules.order' \
	--exclude='Module.symvers' --exclude='.tmp_versions' --exclude='*.dwo' \
	--exclude='.*.d'

# man pages: man/NAME.SECTION.md -> build/man/manSECTION/NAME.SECTION
PANDOC		?= pandoc
MAN_SRCS	:= $(wildcard $(CURDIR)/man/*.[1-9].md)
MAN_PAGES	:= $(foreach f,$(MAN_SRCS),$(PKG_BUILDDIR)/man/man$(subst .,,$(suffix $(basename $(f))))/$(notdir $(basename $(f))))
MAN_SECTIONS	:= $(sort $(foreach f,$(MAN_SRCS),$(subst .,,$(suffix $(basename $(f))))))
# pages that are ".so" redirects to the page documenting a group of functions
MAN_LINKS	:= \
	quic_server_handshake.3:quic_client_handshake.3 \
	quic_handshake_step.3:quic_handshake_init.3 \
	quic_handshake_deinit.3:quic_handshake_init.3 \
	quic_session_set_data.3:quic_session_get_data.3 \
	quic_session_set_alpn.3:quic_session_get_alpn.3
MAN_LINK_PAGES	:= $(foreach l,$(MAN_LINKS),$(PKG_BUILDDIR)/man/man3/$(word 1,$(subst :, ,$(l))))
# the date in the footer: SOURCE_DATE_EPOCH (dpkg, reproducible builds),
# else the last commit, else the VERSION file's time (release tarball)
MAN_EPOCH	:= $(or $(SOURCE_DATE_EPOCH),$(shell git -C $(CURDIR) log -1 --format=%ct 2>/dev/null),$(shell stat -c %Y $(CURDIR)/VERSION))
MAN_DATE	:= $(shell LC_ALL=C date -u -d @$(MAN_EPOCH) +%Y-%m-%d)

.PHONY: dist deb rpm man install-man uninstall-man dkms-install \
	dkms-uninstall packaging-check

# ---------------------------------------------------------------- dist
# git archive of PKG_DIST_REF, with the version filled into dkms.conf and the
# RPM spec, re-packed with sorted names, the commit time as every mtime,
# root:root owners and gzip -n: the same commit always gives the same bytes.
dist:
	@git -C $(CURDIR) rev-parse -q --verify '$(PKG_DIST_REF)^{commit}' >/dev/null || \
		{ echo "dist: $(CURDIR) is not a git checkout with $(PKG_DIST_REF)" >&2; exit 1; }
	@refver=$$(git -C $(CURDIR) show '$(PKG_DIST_REF):VERSION'); \
	if [ "$$refver" != "$(PKG_VERSION)" ]; then \
		echo "dist: VERSION is $(PKG_VERSION) but $(PKG_DIST_REF) has $$refver: commit VERSION first" >&2; \
		exit 1; fi
	@if [ -n "$$(git -C $(CURDIR) status --porcelain --untracked-files=no)" ]; then \
		echo "dist: note: uncommitted changes are not part of the tarball ($(PKG_DIST_REF) is packed)"; fi
	rm -rf $(PKG_BUILDDIR)/dist
	mkdir -p $(PKG_BUILDDIR)/dist
	git -C $(CURDIR) -c tar.umask=0022 archive --format=tar --prefix=$(PKG_DISTNAME)/ '$(PKG_DIST_REF)' | \
		tar -x --no-same-owner -C $(PKG_BUILDDIR)/dist
	sed -i 's/#MODULE_VERSION#/$(PKG_VERSION)/g' $(PKG_BUILDDIR)/dist/$(PKG_DISTNAME)/dkms.conf
	if [ -f $(PKG_BUILDDIR)/dist/$(PKG_DISTNAME)/packaging/rpm/quic.spec ]; then \
		sed -i 's/@VERSION@/$(PKG_VERSION)/g' $(PKG_BUILDDIR)/dist/$(PKG_DISTNAME)/packaging/rpm/quic.spec; fi
	epoch=$$(git -C $(CURDIR) log -1 --format=%ct '$(PKG_DIST_REF)'); \
	tar -C $(PKG_BUILDDIR)/dist --sort=name --format=gnu --mtime=@$$epoch \
		--owner=0 --group=0 --numeric-owner --mode='u+rwX,go+rX,go-w' \
		-cf - $(PKG_DISTNAME) | \
		gzip -9 -n > $(PKG_TARBALL).tmp
	mv $(PKG_TARBALL).tmp $(PKG_TARBALL)
	rm -rf $(PKG_BUILDDIR)/dist
	@echo "dist: $(PKG_TARBALL)"
	@sha256sum $(PKG_TARBALL)

# ---------------------------------------------------------------- deb
# Unpack the dist tarball in build/deb/, copy packaging/debian to debian/
# there, build the binary packages (they land in build/deb/) and lint them.
deb: dist
	rm -rf $(PKG_DEBDIR)
	mkdir -p $(PKG_DEBDIR)
	tar -xzf $(PKG_TARBALL) -C $(PKG_DEBDIR)
	cp $(PKG_TARBALL) $(PKG_DEBDIR)/$(PKG_NAME)_$(PKG_VERSION).orig.tar.gz
	cp -a $(PKG_DEBDIR)/$(PKG_DISTNAME)/packaging/debian $(PKG_DEBDIR)/$(PKG_DISTNAME)/debian
	@debver=$$(dpkg-parsechangelog -l $(PKG_DEBDIR)/$(PKG_DISTNAME)/debian/changelog -S Version); \
	if [ "$${debver%-*}" != "$(PKG_VERSION)" ]; then \
		echo "deb: packaging/debian/changelog is at $$debver but VERSION is $(PKG_VERSION);" >&2; \
		echo "deb: add an entry: dch -c packaging/debian/changelog -v $(PKG_VERSION)-1" >&2; \
		exit 1; fi
	cd $(PKG_DEBDIR)/$(PKG_DISTNAME) && dpkg-buildpackage -us -uc -b
	lintian --fail-on $(PKG_LINTIAN_FAIL) --display-info --tag-display-limit 0 \
		$(PKG_DEBDIR)/*.changes
	@ls -l $(PKG_DEBDIR)/*.deb

# ---------------------------------------------------------------- rpm
# rpmbuild from the dist tarball with the spec it carries (version filled in
# by dist). Build dependencies are not checked: the host is not an RPM
# system (--nodeps); they are listed in the spec for real RPM builders.
PKG_SPEC = $(PKG_RPMDIR)/SPECS/quic.spec
rpm: dist
	rm -rf $(PKG_RPMDIR)
	mkdir -p $(PKG_RPMDIR)/SOURCES $(PKG_RPMDIR)/SPECS
	cp $(PKG_TARBALL) $(PKG_RPMDIR)/SOURCES/
	tar -xzOf $(PKG_TARBALL) $(PKG_DISTNAME)/packaging/rpm/quic.spec > $(PKG_SPEC)
	rpmbuild -ba --nodeps --define "_topdir $(PKG_RPMDIR)" $(PKG_SPEC)
	@for f in $(PKG_RPMDIR)/RPMS/*/*.rpm; do \
		echo "== $$(basename $$f)"; rpm -qlp $$f || exit 1; done
	@if command -v rpmlint >/dev/null; then \
		cat $(CURDIR)/packaging/rpm/rpmlintrc > $(PKG_RPMDIR)/rpmlintrc; \
		if [ -f /etc/debian_version ]; then \
			cat $(CURDIR)/packaging/rpm/rpmlintrc.debian-host >> $(PKG_RPMDIR)/rpmlintrc; fi; \
		echo "rpmlint -r $(PKG_RPMDIR)/rpmlintrc ..."; \
		rpmlint -r $(PKG_RPMDIR)/rpmlintrc $(PKG_SPEC) \
			$(PKG_RPMDIR)/RPMS/*/*.rpm $(PKG_RPMDIR)/SRPMS/*.rpm; \
	else echo "rpm: rpmlint not installed, not linted"; fi

# ---------------------------------------------------------------- man
man: $(MAN_PAGES) $(MAN_LINK_PAGES)

# pandoc man writer: title/section/header come from each page's YAML block,
# footer (the version) and date from here
define MAN_RULE
$(PKG_BUILDDIR)/man/man$(1)/%.$(1): $(CURDIR)/man/%.$(1).md $(CURDIR)/VERSION
	@mkdir -p $$(@D)
	$$(PANDOC) --standalone --from markdown-smart --to man \
		-M hyphenate=false -V adjusting=l \
		-M footer="quic $(PKG_VERSION)" -M date="$(MAN_DATE)" \
		-o $$@ $$<
endef
$(foreach s,1 2 3 4 5 6 7 8,$(eval $(call MAN_RULE,$(s))))

$(MAN_LINK_PAGES): $(PKG_BUILDDIR)/man/man3/%:
	@mkdir -p $(@D)
	@target=$(filter $*:%,$(MAN_LINKS)); target=$${target#*:}; \
	echo ".so man3/$$target" > $@

# every section that has a page in man/ (3, 7, and 8 for quic-handshaked)
install-man: man
	@set -e; for s in $(MAN_SECTIONS); do \
		echo "install -m 0644 $(PKG_BUILDDIR)/man/man$$s/* $(DESTDIR)$(PREFIX)/share/man/man$$s/"; \
		install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
		install -m 0644 $(PKG_BUILDDIR)/man/man$$s/* $(DESTDIR)$(PREFIX)/share/man/man$$s/; \
	done

uninstall-man:
	rm -f $(foreach s,$(MAN_SECTIONS),$(addprefix $(DESTDIR)$(PREFIX)/share/man/man$(s)/,$(notdir $(wildcard $(PKG_BUILDDIR)/man/man$(s)/*))))

# ---------------------------------------------------------------- DKMS
# The module source tree as DKMS wants it. Used directly (sudo make
# dkms-install && sudo dkms install quic/X.Y.Z) and by both packages.
dkms-install:
	install -d $(PKG_DKMS_DIR)
	tar -C $(CURDIR) $(PKG_BUILD_PRODUCTS) -cf - $(PKG_DKMS_FILES) | \
		tar -x --no-same-owner -C $(PKG_DKMS_DIR)
	sed 's/#MODULE_VERSION#/$(PKG_VERSION)/g' $(CURDIR)/dkms.conf > $(PKG_DKMS_DIR)/dkms.conf
	chmod 0644 $(PKG_DKMS_DIR)/dkms.conf
	@[ -n "$(DESTDIR)" ] || echo "dkms-install: now run: dkms install $(PKG_NAME)/$(PKG_VERSION)"

dkms-uninstall:
	-dkms remove $(PKG_NAME)/$(PKG_VERSION) --all
	rm -rf $(PKG_DKMS_DIR)

# ---------------------------------------------------------------- tests
packaging-check:
	$(CURDIR)/tests/packaging/run.sh
