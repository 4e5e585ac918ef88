# codextel: one target per job; every Go module is listed once, in MODULES.
# `make test` is the README's test command and what .ci/run calls.

MODULES := core benchmarks conformance adapters/slog adapters/zap adapters/zerolog adapters/logrus adapters/otel cmd/codextel
GO ?= go
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCH ?= .
BENCHCOUNT ?= 1

.PHONY: test bench lint docs

# vet and race-test every module, then run the allocation tests without the
# race detector (its instrumentation allocates, so they skip under -race).
test:
	@set -e; for m in $(MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 ./... && \
		 $(GO) test -count=1 -run 'Alloc' ./...); \
	done

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
