# Release packaging, included from the Makefile. See packaging/README.md.
#
#   make package          dist/: Linux tar.xz + .deb, Windows exe + NSIS installer, SHA256SUMS
#   make package SIGN_CERT=cert.pem SIGN_KEY=key.pem    … with the Windows exe and installer signed
#   make package-linux    only the Linux tar.xz and .deb
#   make package-windows  only the Windows exe and installer
#   make package-test     builds what is missing or stale, then checks it all (packaging/test.sh,
#                         with the Windows installer and program under wine: packaging/test-wine.sh)
#   make package-icon     redraws Icon.png from packaging/icon
#   make package-clean    removes dist/ and the packaging parts of build/ (also the wine test's)
#
# Every build runs in a copy of the working tree under build/pkgsrc/, so `fyne package` never
# touches the checkout. Packaging needs the fyne CLI (installed on demand) and the Debian packages
# that `scripts/install-deps.sh package` lists.

.PHONY: package package-linux package-windows package-test package-icon package-clean package-deps package-fyne

# The .deb's Maintainer field: set it for a release, e.g. make package PKG_MAINTAINER="Ann <ann@example.org>".
# (The .deb is rebuilt only when it is stale: make package-clean first after changing it.)
PKG_MAINTAINER ?= Pump Connect developers <developers@pumpconnect.invalid>
PKG_DIST  ?= dist
PKG_BUILD ?= build
PKG_FYNE_VERSION := v1.7.4
PKG_FYNE  ?= $(shell $(GO) env GOPATH)/bin/fyne
PKG_TOML_GET = $(shell awk '/^[[:space:]]*\[/{s=$$0} s ~ /Details/ && /^[[:space:]]*$(1)[[:space:]]*=/{sub(/^[^=]*=[[:space:]]*/,""); gsub(/"/,""); print; exit}' FyneApp.toml)
PKG_VERSION := $(call PKG_TOML_GET,Version)
PKG_BUILDNO := $(call PKG_TOML_GET,Build)
PKG_EXE     := $(notdir $(shell sed -n 's/^module[[:space:]]*//p' go.mod))

PKG_LINUX_TAR   := $(PKG_DIST)/$(PKG_EXE)-$(PKG_VERSION)-linux-amd64.tar.xz
PKG_DEB         := $(PKG_DIST)/$(PKG_EXE)_$(PKG_VERSION)-$(PKG_BUILDNO)_amd64.deb
PKG_WIN_EXE     := $(PKG_DIST)/$(PKG_EXE)-$(PKG_VERSION)-windows-amd64.exe
PKG_WIN_SETUP   := $(PKG_DIST)/$(PKG_EXE)-$(PKG_VERSION)-windows-amd64-setup.exe
PKG_WIN_BUILT   := $(PKG_BUILD)/windows/$(PKG_EXE).exe
PKG_ARTIFACTS   := $(PKG_LINUX_TAR) $(PKG_DEB) $(PKG_WIN_EXE) $(PKG_WIN_SETUP)

# What the packages are built from: the working tree's tracked and untracked, not ignored files
# (tests, test data and docs excepted), so an edit anywhere makes them stale.
PKG_SRCS := $(filter-out packaging/test.sh packaging/test-wine.sh packaging/test-lib.sh packaging/wine/% %.md %_test.go %/testdata/% testdata/%,$(wildcard $(shell \
	git ls-files --cached --others --exclude-standard 2>/dev/null || \
	find . -type f -not -path './.git/*' -not -path './build/*' -not -path './dist/*' -not -path './artifacts/*')))

export PKG_BUILD PKG_DIST PKG_MAINTAINER
PKG_ENV := GO="$(GO)" FYNE="$(PKG_FYNE)" DEB_MAINTAINER="$(PKG_MAINTAINER)"

package: $(PKG_ARTIFACTS) $(PKG_DIST)/SHA256SUMS
	@ls -l $(PKG_DIST)

package-linux: $(PKG_LINUX_TAR) $(PKG_DEB)

package-windows: $(PKG_WIN_EXE) $(PKG_WIN_SETUP)

# The Windows part runs the installer and the program under wine (scripts/install-deps.sh wine).
package-test: package
	@scripts/install-deps.sh wine
	@bash packaging/test.sh

package-icon:
	$(GO) run ./packaging/icon -out Icon.png

package-clean:
	rm -rf $(PKG_DIST) $(PKG_BUILD)/pkgsrc $(PKG_BUILD)/linux $(PKG_BUILD)/windows $(PKG_BUILD)/deb $(PKG_BUILD)/sign.*.cfg $(PKG_BUILD)/wine

# Also openssl (the test's throwaway signing certificate) and dpkg-dev (dpkg-shlibdeps for the .deb's
# Depends), which scripts/install-deps.sh does not list.
PKG_EXTRA_DEBS := openssl dpkg-dev
package-deps:
	@scripts/install-deps.sh package
	@command -v dpkg-query >/dev/null || exit 0; missing=; \
	for p in $(PKG_EXTRA_DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing missing packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "Missing packages:$$missing; install them with: sudo apt-get install$$missing" >&2; exit 1; \
	fi

# The fyne CLI, pinned; reinstalled when another version is found there.
package-fyne:
	@if ! "$(PKG_FYNE)" version 2>/dev/null | grep -q 'cli version: $(PKG_FYNE_VERSION)$$'; then \
	  echo "Installing fyne CLI $(PKG_FYNE_VERSION)"; \
	  GOFLAGS= $(GO) install fyne.io/tools/cmd/fyne@$(PKG_FYNE_VERSION); \
	fi

# Order-only (after the |): always run, never make the packages stale by themselves.
$(PKG_LINUX_TAR) $(PKG_DEB) &: $(PKG_SRCS) | package-deps package-fyne
	@$(PKG_ENV) packaging/package.sh linux

$(PKG_WIN_BUILT): $(PKG_SRCS) | package-deps package-fyne
	@$(PKG_ENV) packaging/package.sh windows-exe

# Signed and unsigned builds differ only here: the signing settings are a prerequisite, kept per
# dist folder so a signed build elsewhere does not make dist/ stale.
PKG_SIGN_CFG := $(PKG_BUILD)/sign.$(shell printf '%s' '$(abspath $(PKG_DIST))' | md5sum | cut -c1-8).cfg
PKG_SIGN_NOW := $(if $(SIGN_CERT),$(abspath $(SIGN_CERT)) $(abspath $(SIGN_KEY)) $(SIGN_TIMESTAMP),unsigned)
$(PKG_SIGN_CFG): FORCE_PKG_SIGN
	@mkdir -p $(dir $@)
	@if [ "$$(cat $@ 2>/dev/null)" != "$(PKG_SIGN_NOW)" ]; then echo "$(PKG_SIGN_NOW)" >$@; fi
.PHONY: FORCE_PKG_SIGN
FORCE_PKG_SIGN:

$(PKG_WIN_EXE) $(PKG_WIN_SETUP) &: $(PKG_WIN_BUILT) $(PKG_SIGN_CFG) $(PKG_SRCS) | package-deps
	@$(PKG_ENV) SIGN_CERT="$(SIGN_CERT)" SIGN_KEY="$(SIGN_KEY)" SIGN_PASS="$(SIGN_PASS)" \
	  SIGN_TIMESTAMP="$(SIGN_TIMESTAMP)" packaging/package.sh windows-dist

$(PKG_DIST)/SHA256SUMS: $(PKG_ARTIFACTS)
	cd $(PKG_DIST) && sha256sum $(notdir $(PKG_ARTIFACTS)) >SHA256SUMS
