# oomlab — every task a target; CI calls make targets only.
GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
BIN     := bin/oomlab
LDFLAGS := -X main.version=$(VERSION)
PKGS    := ./...
FUZZTIME ?= 20s

.PHONY: all build demo test test-short bench fuzz lint tidy-check catalog clean proxy-check

all: build

## build: compile bin/oomlab (built-in Go targets are inside it)
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/oomlab

## demo: the workshop path: the built-in upload-proxy scenario, naive and aware Go targets side by side
## with the live terminal display and a line of narration at each phase (about 45 s), then the report
demo: build
	./$(BIN) run upload-proxy --runtime go --parallel --narrate

## catalog: every built-in scenario, both runtimes, one catalog.md (about 25 minutes)
catalog: build
	./$(BIN) run --all

## test: the whole suite with the race detector (under 10 minutes on 2 cores)
test:
	$(GO) test -race -timeout 9m -count=1 $(PKGS)

## test-short: skip the slow end-to-end runs
test-short:
	$(GO) test -race -short -timeout 5m -count=1 $(PKGS)

## bench: benchmarks of the hot paths (sampling, trace parsing, aggregation, rendering)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 20m $(PKGS)

## proxy-check: the TCP fault proxy's memory through 10,000 connections (no race detector) and its throughput against a direct connection
proxy-check:
	$(GO) test -count=1 -timeout 5m -run 'TestMemoryFlat' -v ./fixtures/tcpproxy
	$(GO) test -count=1 -timeout 5m -run '^$$' -bench Throughput -v ./fixtures/tcpproxy

## fuzz: each fuzz target for FUZZTIME
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

## lint: formatting, vet, and staticcheck when it is installed
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	@if command -v staticcheck >/dev/null; then staticcheck $(PKGS); else echo "staticcheck not installed: skipped"; fi

## tidy-check: go.mod and go.sum are tidy
tidy-check:
	$(GO) mod tidy
	git diff --exit-code go.mod go.sum

clean:
	rm -rf bin oomlab-out
