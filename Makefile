# Pump Connect — developer commands. `make run` and `make test` install the Debian
# packages they need when run as root (otherwise they say what to install).
SHELL := /bin/bash
GO    ?= go
export LANG := en_US.UTF-8

.PHONY: run demo build test test-unit test-fuzz test-e2e fuzz deps-build deps-test clean

run: deps-build
	$(GO) build -o pumpconnect .
	./pumpconnect

demo: deps-build
	$(GO) build -o pumpconnect .
	./pumpconnect -demo

build: deps-build
	$(GO) build -o pumpconnect .

deps-build:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

test: deps-test
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory test-fuzz
	$(MAKE) --no-print-directory test-e2e

# A short run of every fuzz target (the longer run is `make fuzz`).
FUZZTIME ?= 10s
test-fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

fuzz:
	$(MAKE) --no-print-directory test-fuzz FUZZTIME=5m

# The real window under Xvfb; screenshots land in artifacts/e2e/.
test-e2e: deps-test
	$(GO) test -tags e2e -count=1 -timeout 20m -run 'E2E' -v .

clean:
	rm -rf pumpconnect dist build artifacts

# Packaging (Linux tar.xz/.deb, Windows exe + NSIS installer): see packaging/.
-include packaging/package.mk
