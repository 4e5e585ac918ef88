# codextel: one target per job; every Go module is listed once, in MODULES.
# `make test` is the README's test command and what .ci/run calls.

MODULES := core benchmarks conformance adapters/slog adapters/zap adapters/zap/benchmarks adapters/zerolog adapters/logrus adapters/otel adapters/otel/otlp adapters/agents adapters/agents/benchmarks cmd/codextel
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCH ?= .
BENCHCOUNT ?= 1

.PHONY: test doc bench lint docs golden e2e e2e-otel timeline-screenshot

# vet and race-test every module once, then run every test three times
# without the race detector. The repetition catches tests that are not
# repeatable (state left behind in a global registry, say); the non-race
# pass also runs the allocation tests, which skip under -race (its
# instrumentation allocates). Measured on the 2-core machine with a warm
# build cache while other builds shared it (load 4 to 6), for all modules:
# vet, -race -count=1 and -count=1 -run Alloc (before) 77 s; vet,
# -race -count=1 and -count=3 (this) 76 s; vet, -race -count=3 and
# -count=3 -run Alloc 119 s. Three race runs cost half again as much and
# test the same repetition, so races get one run. A cold build cache adds
# the same compile time to each (about 6 minutes in all for make test).
#
# The comparisons with CPython (core/pylog, conformance) skip without
# Debian's python3 and python3-pythonjsonlogger; each skip is noted in the
# file CODEXTEL_SKIP_LOG names, and the run ends with a loud line counting
# them and saying what to install (CODEXTEL_REQUIRE_PYTHON=1 fails instead).
test:
	@set -e; skips=$$(mktemp); trap 'rm -f "$$skips"' EXIT; \
	export CODEXTEL_SKIP_LOG="$$skips"; \
	for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 ./... && \
		 $(GO) test -count=3 ./...); \
	done; \
	n=$$(sort -u "$$skips" | wc -l); \
	if [ "$$n" -gt 0 ]; then \
		what=comparisons; if [ "$$n" -eq 1 ]; then what=comparison; fi; \
		echo "!!! make test: $$n $$what with CPython SKIPPED (in $$(cut -d' ' -f1 "$$skips" | sort -u | paste -sd' ' -)): install Debian's python3 and python3-pythonjsonlogger (apt-get install python3 python3-pythonjsonlogger) and run make test again !!!"; \
	fi

# The documentation of one package, from the repository root (go doc needs
# to run inside the package's module): make doc PKG=core/telemetry [SYM=Bus].
PKG ?= core/telemetry
SYM ?=
doc:
	@pkg='$(PKG)'; pkg=$${pkg#./}; pkg=$${pkg%/}; mod=; \
	for m in $(MODULES); do \
		case "$$pkg/" in "$$m/"*) if [ $${#m} -gt $${#mod} ]; then mod=$$m; fi;; esac; \
	done; \
	if [ -z "$$mod" ]; then echo "make doc: PKG=$$pkg is in none of the modules: $(MODULES)" >&2; exit 2; fi; \
	cd "$$mod" && $(GO) doc ".$${pkg#$$mod}" $(SYM)

# Benchmarks of every module; compare runs with
#   go run golang.org/x/perf/cmd/benchstat@latest old.txt new.txt
bench:
	@set -e; for m in $(MODULES); do \
		(cd $$m && $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -count $(BENCHCOUNT) ./...); \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@set -e; for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...); \
	done

# Regenerate what is generated from the code: core/catalog/names.go and
# docs/events.md (a test fails when they are stale).
docs:
	cd core && $(GO) generate ./catalog

# Regenerate the conformance suite's golden transcripts with CPython (3.11
# with python-json-logger 2.0.1, as .ci/run installs them): the Go prepare
# step writes the catalog and the scenarios' events as the bus delivers them,
# then python/render.py renders them with logging and python-json-logger.
# GOLDEN_DIR=DIR writes them elsewhere (CI compares such a fresh set with
# the committed one).
PYTHON ?= /usr/bin/python3
GOLDEN_DIR ?= $(CURDIR)/conformance/golden
golden:
	@set -e; prepared=$$(mktemp -d); trap 'rm -rf "$$prepared"' EXIT; \
	(cd conformance && $(GO) run ./internal/prepare -scenarios scenarios -out "$$prepared"); \
	$(PYTHON) conformance/python/render.py conformance/scenarios "$$prepared" "$(GOLDEN_DIR)"

# The real Codex CLI end to end: install @openai/codex (pinned in the script)
# with npm into a cache outside the repo (~/.cache/codextel-e2e, reused), then
# run `codextel exec` against a Responses API mock on 127.0.0.1 and check the
# telemetry of each scenario. Fails loudly without npm or the download.
e2e: e2e-otel
	GO="$(GO)" bash cmd/codextel/e2e.sh

# The OpenTelemetry adapter end to end: a real OpenTelemetry Collector (built
# once from adapters/otel/otlp/e2e/otelcol through the Go module proxy, cached in
# ~/.cache/codextel-otel) and Debian's prometheus (apt-get installed when
# missing) on 127.0.0.1, fed a recorded session over OTLP/HTTP, gRPC and mTLS,
# with the collector down, slow and shut down mid-queue. Fails loudly when a
# component cannot be had.
e2e-otel:
	GO="$(GO)" bash adapters/otel/otlp/e2e/run.sh

# The README's timeline picture: the bundled sample session (a shared
# capture: a codex exec --json stream and Codex's own export of the same
# run, joined, so model requests and the time to the first token show) drawn
# by codextel timeline and photographed by headless Chromium (Debian's
# chromium), so that the picture cannot drift from the code.
timeline-screenshot:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	command -v chromium >/dev/null || { echo "timeline-screenshot needs Debian's chromium: apt-get install -y chromium" >&2; exit 1; }; \
	$(GO) run ./cmd/codextel timeline --quiet -o "$$tmp/session.html"; \
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
		--user-data-dir="$$tmp/profile" --window-size=1400,520 \
		--screenshot="$(CURDIR)/docs/timeline.png" "file://$$tmp/session.html#span=1" 2>/dev/null; \
	echo "wrote docs/timeline.png"
