#!/usr/bin/env bash
# The real Codex CLI end to end, run by `make e2e`:
#  1. install @openai/codex at CODEX_VERSION with npm into a cache outside the
#     repo ($CODEXTEL_E2E_CACHE, default ~/.cache/codextel-e2e), or reuse it;
#  2. run TestE2E (e2e_test.go, build tag e2e): `codextel exec` runs that CLI
#     against a Responses API mock on 127.0.0.1 (internal/responsesmock), and
#     the telemetry of each scenario is checked; and TestE2ENative
#     (e2e_native_test.go): the same with Codex's own export joined live, once
#     per adapter (a 429 then a success, sleep 1, a printed secret); and
#     TestE2ENativeSpans: --native-spans, Codex's codex.exec span a child of
#     codextel's thread span.
# Without npm, or when the install fails, it says so and fails: it never
# passes without having run Codex.
set -euo pipefail
cd "$(dirname "$0")"

CODEX_VERSION=0.169.0
GO=${GO:-go}
CACHE=${CODEXTEL_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME:?HOME is not set}/.cache}/codextel-e2e}
DIR=$CACHE/codex-$CODEX_VERSION
CODEX=$DIR/node_modules/.bin/codex

fail() {
	echo "e2e: FAILED: $*" >&2
	exit 1
}

installed() {
	[ -x "$CODEX" ] && [ "$("$CODEX" --version 2>/dev/null)" = "codex-cli $CODEX_VERSION" ]
}

mkdir -p "$CACHE" || fail "cannot create the cache directory $CACHE"
# One install at a time: several checkouts on one machine share the cache.
exec 9>"$CACHE/.lock"
flock 9

if installed; then
	echo "e2e: using the Codex CLI $CODEX_VERSION cached in $DIR"
else
	command -v npm >/dev/null ||
		fail "npm is not installed: the end-to-end test needs it to install @openai/codex@$CODEX_VERSION (apt-get install npm)"
	echo "e2e: installing @openai/codex@$CODEX_VERSION (about 400 MB) into $DIR"
	start=$SECONDS
	rm -rf "$DIR.partial" "$DIR"
	mkdir -p "$DIR.partial"
	npm install --prefix "$DIR.partial" --no-save --no-audit --no-fund --loglevel=error \
		"@openai/codex@$CODEX_VERSION" >&2 ||
		fail "npm install @openai/codex@$CODEX_VERSION did not succeed (is the npm registry reachable?)"
	mv "$DIR.partial" "$DIR"
	installed || fail "the installed Codex CLI does not run or is not $CODEX_VERSION: $("$CODEX" --version 2>&1 || true)"
	echo "e2e: npm install took $((SECONDS - start)) s"
fi

flock -u 9
"$GO" vet -tags e2e ./...
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$SECONDS
CODEXTEL_E2E_CODEX=$CODEX "$GO" test -tags e2e -count=1 -timeout 10m -run '^TestE2E(Native|NativeSpans)?$' -v . 2>&1 | tee "$log"
grep -q '^--- PASS: TestE2E ' "$log" || fail "TestE2E did not pass"
grep -q '^--- PASS: TestE2ENative ' "$log" || fail "TestE2ENative did not pass"
grep -q '^--- PASS: TestE2ENativeSpans ' "$log" || fail "TestE2ENativeSpans did not pass"
echo "e2e: the end-to-end runs took $((SECONDS - start)) s"
