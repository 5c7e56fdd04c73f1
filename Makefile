# oomlab — every task a target; CI calls make targets only.
GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
BIN     := bin/oomlab
LDFLAGS := -X main.version=$(VERSION)
PKGS    := ./...
FUZZTIME ?= 20s

.PHONY: all build reference demo test test-short bench fuzz lint tidy-check catalog clean proxy-check gate-robustness

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

## gate-robustness: how far the CI gate can be trusted: each of GATE_SCENARIOS run RUNS times by
## `oomlab run NAME --repeat RUNS` (in parallel mode, slow-logger sequential), healthy (expect exit 0: every
## run passed) and with the aware targets' bounds switched off by OOMLAB_BREAK_BOUND=1 (expect exit 1 and no
## run passing); each campaign's spread.md (per target and gated figure: min/median/max, runs passed) is
## printed, one line per campaign in $(GATE_OUT)/runs.tsv, counts at the end. GATE_OUT must not hold an
## earlier campaign. A round of the ten scenarios, healthy and broken, takes about 20-25 minutes on 2 cores
## (healthy runs 32-54 s in parallel mode, broken ones longer: upload-proxy 45-50 s healthy and 75 s broken
## beside other work; slow-logger's four targets one after another ~3.5 min): RUNS=3 ~1-1.5 hours, RUNS=10 ~4.
RUNS ?= 3
GATE_OUT ?= oomlab-out/gate-robustness
GATE_SCENARIOS ?= upload-proxy write-drain bounded-concurrency compression json-body db-pool retry-queue slow-db-queue slow-logger slow-client
gate-robustness: build
	@if [ -e $(GATE_OUT)/runs.tsv ]; then echo "$(GATE_OUT) holds an earlier campaign: move it, or set GATE_OUT"; exit 2; fi
	@mkdir -p $(GATE_OUT); : > $(GATE_OUT)/runs.tsv
	@for s in $(GATE_SCENARIOS); do \
	  par=--parallel; [ $$s = slow-logger ] && par=; \
	  for mode in healthy broken; do \
	    d=$(GATE_OUT)/$$s-$$mode; want=0; brk=; [ $$mode = broken ] && { want=1; brk=1; }; \
	    OOMLAB_BREAK_BOUND=$$brk ./$(BIN) run $$s $$par --repeat $(RUNS) --quiet --out $$d > $$d.log 2>&1; rc=$$?; \
	    tally=$$(sed -n "s/^runs passed  $$s  \([0-9]*\) of \([0-9]*\)$$/\1 \2/p" $$d.log); \
	    passed=$${tally% *}; ran=$${tally#* }; [ -n "$$tally" ] || { passed=0; ran=0; }; \
	    good=$$passed; [ $$mode = broken ] && good=$$((ran - passed)); \
	    echo; echo "== $$s $$mode: exit $$rc (want $$want), $$passed of $(RUNS) runs passed the gate, $$ran finished ($$d.log)"; \
	    cat $$d/spread.md 2>/dev/null || tail -5 $$d.log; \
	    printf '%s\t%s\t%s\t%s\t%s\t%s\n' $$s $$mode $$rc $$good $(RUNS) $$([ $$rc = $$want ] && [ $$good = $(RUNS) ] && echo ok || echo WRONG) >> $(GATE_OUT)/runs.tsv; \
	  done; done
	@echo; echo "scenario mode: runs with the expected gate / runs, the campaign's exit code"; \
	  awk -F'\t' '{printf "%s %s: %d/%d, exit %s %s\n", $$1, $$2, $$4, $$5, $$3, $$6}' $(GATE_OUT)/runs.tsv

## test: the whole suite with the race detector (under 10 minutes on 2 cores)
test:
	$(GO) test -race -timeout 9m -count=1 -parallel 4 $(PKGS)

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

## reference: regenerate docs/reference (CLI pages, man pages, exit codes, scenario reference and JSON Schema)
## from the code; TestReferenceUpToDate fails until this is run and committed
reference:
	$(GO) generate ./cmd/oomlab

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
