# Pump Connect — developer commands. `make run` and `make test` install the Debian
# packages they need when run as root (otherwise they say what to install).
SHELL := /bin/bash
GO    ?= go
export LANG := en_US.UTF-8

# staticcheck, pinned, built into the build folder on first use.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK := build/tools/staticcheck-$(STATICCHECK_VERSION)
comma := ,

# Build tags of every build of the app: these targets, the e2e test's build, the packages
# (packaging/package.sh takes APP_TAGS) and make bench. no_emoji leaves out Fyne's 4 MB emoji
# font, which Fyne parses for every text style before the first frame: emoji are drawn from
# the system's fonts instead, and only when some text has one (docs/benchmarks.md).
export APP_TAGS := no_emoji

.PHONY: run demo build test test-quick test-fuzz test-realprefs test-e2e test-lab fuzz faults screenshots screenshots-e2e bench deps-build deps-test clean

run: deps-build
	$(GO) build -tags $(APP_TAGS) -o pumpconnect .
	./pumpconnect

demo: deps-build
	$(GO) build -tags $(APP_TAGS) -o pumpconnect .
	./pumpconnect -demo

build: deps-build
	$(GO) build -tags $(APP_TAGS) -o pumpconnect .

deps-build:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

# Everything CI runs (.ci/run).
test: test-quick
	$(MAKE) --no-print-directory test-fuzz
	$(MAKE) --no-print-directory test-realprefs
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory package-test

test-quick: deps-test $(STATICCHECK)
	$(GO) vet ./...
	$(GO) vet -tags e2e .
	$(GO) vet -tags lab ./pumpauth/
	$(STATICCHECK) ./...
	$(STATICCHECK) -tags e2e .
	$(STATICCHECK) -tags lab ./pumpauth/
	PUMPCONNECT_NEED_PYPUMP=1 $(GO) test -tags $(APP_TAGS) -race -count=1 ./...

$(STATICCHECK):
	GOBIN=$(CURDIR)/build/tools/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mkdir -p $(dir $@) && mv build/tools/bin/staticcheck $@

# persist against the real Fyne preferences file (needs cgo; no -race, which
# would rebuild the GL driver's C code).
test-realprefs: deps-test
	$(GO) test -tags realprefs,$(APP_TAGS) -count=1 ./persist/

# A short run of every fuzz target (the longer run is `make fuzz`).
FUZZTIME ?= 10s
test-fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -tags $(APP_TAGS) -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -tags $(APP_TAGS) -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

fuzz:
	$(MAKE) --no-print-directory test-fuzz FUZZTIME=5m

# The real window under Xvfb: the connect flow and one fault row per kind;
# screenshots land in artifacts/e2e/ and artifacts/faults/.
test-e2e: deps-test
	$(GO) test -tags e2e,$(APP_TAGS) -count=1 -timeout 20m -run 'E2E' -v .

# The whole fault matrix in the real window (test-e2e runs one row per kind):
# writes docs/faults.md and its screenshots in docs/faults/.
faults: deps-test
	FAULTS=all FAULTS_REPORT=$(CURDIR)/docs/faults.md $(GO) test -tags e2e,$(APP_TAGS) -count=1 -timeout 60m -run 'E2EFaults' -v .

# Every screen and dialog in English and Spanish, light and dark, at the
# window's size, from Fyne's test driver: docs/screenshots/LANG-VARIANT/.
# SCREENSHOT_LANGS=en,es,de,fr for more languages.
SCREENSHOT_LANGS ?= en,es
screenshots:
	rm -rf $(foreach l,$(subst $(comma), ,$(SCREENSHOT_LANGS)),docs/screenshots/$(l)-light docs/screenshots/$(l)-dark)
	SCREENSHOTS=$(CURDIR)/docs/screenshots SCREENSHOT_LANGS=$(SCREENSHOT_LANGS) $(GO) test -tags $(APP_TAGS) -count=1 -run '^TestScreenshots$$' ./gui/

# The real window under Xvfb (the end-to-end run), its screenshots copied to docs/screenshots/.
screenshots-e2e: deps-test
	UPDATE_SCREENSHOTS=1 $(GO) test -tags e2e,$(APP_TAGS) -count=1 -timeout 20m -run 'E2EConnect' .

# Start-up, memory, reconnect and size next to Pumpa and Dianara (installed
# when missing), and the Go benchmarks: writes docs/benchmarks.md. BENCH_ROUNDS=7.
# The sizes are the .deb's: package-linux builds it first when missing or stale.
BENCH_ROUNDS ?= 7
bench: deps-test package-linux
	BENCH_DEB=$(PKG_DEB) scripts/bench.sh $(BENCH_ROUNDS)

clean:
	rm -rf pumpconnect dist build artifacts

# Packaging (Linux tar.xz/.deb, Windows exe + NSIS installer): see packaging/.
-include packaging/package.mk

# pumpauth against a REAL pump.io server (not in CI; see ../shared/pumpio-lab):
#   make test-lab PUMPIO_LAB=http://127.0.0.1:8051 PUMPIO_LAB_APPROVE=…/approve.sh [PUMPIO_LAB_RESTART='…']
test-lab:
	PUMPIO_LAB=$(PUMPIO_LAB) PUMPIO_LAB_APPROVE=$(PUMPIO_LAB_APPROVE) PUMPIO_LAB_RESTART="$(PUMPIO_LAB_RESTART)" \
	  $(GO) test -tags lab -count=1 -run Lab -v ./pumpauth/
