#!/usr/bin/env bash
# adapterpair.sh BEFORE_TREE AFTER_TREE [ROUNDS]
#
# Compares every log adapter's BenchmarkAdapter cases (and zap's
# BenchmarkAlternatives) between two checkouts of the repository, for a
# machine whose cores other jobs may share: the test binaries of both trees
# are built first, then run alternately, round after round (odd rounds the
# before tree first), one process per adapter and tree, each case for 0.3 s.
# The figure is each case's cpu-ns/op (the process's CPU time per
# iteration, which the benchmarks report), the median over the rounds; the
# ratios are to the same tree's native case. docs/performance.md quotes it.
set -euo pipefail
before=$(cd "$1" && pwd); after=$(cd "$2" && pwd); rounds=${3:-8}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
adapters="zap zerolog slog logrus otel"
cases='^BenchmarkAdapter$/^(native|codextel|disabled_native|disabled_codextel|disabled_codextel_guarded|slog|otelslog)$'
for tag in before after; do
  root=$before; [ "$tag" = after ] && root=$after
  for m in $adapters; do (cd "$root/adapters/$m" && go test -c -o "$work/$tag-$m.test" .); done
  (cd "$root/adapters/zap/benchmarks" && go test -c -o "$work/$tag-zapalt.test" .)
done
for r in $(seq "$rounds"); do
  order="before after"; [ $((r % 2)) = 0 ] && order="after before"
  for tag in $order; do
    root=$before; [ "$tag" = after ] && root=$after
    for m in $adapters; do
      (cd "$root/adapters/$m" && "$work/$tag-$m.test" -test.run '^$' -test.bench "$cases" \
        -test.benchtime 0.3s -test.count 1 -test.benchmem) | grep '^Benchmark' | sed "s/^/$tag $m /" >> "$work/out"
    done
    (cd "$root/adapters/zap/benchmarks" && "$work/$tag-zapalt.test" -test.run '^$' \
      -test.bench '^BenchmarkAlternatives$/^(codextel|zapslog)$' -test.benchtime 0.3s -test.count 1 -test.benchmem) |
      grep '^Benchmark' | sed "s/^/$tag zapalt /" >> "$work/out"
  done
done
python3 - "$work/out" <<'PY'
import collections, statistics, sys
d, allocs = collections.defaultdict(list), {}
for line in open(sys.argv[1]):
    f = line.split()
    tag, m, name = f[0], f[1], f[2].split('/')[1].rsplit('-', 1)[0]
    d[(tag, m, name)].append(float(f[f.index('cpu-ns/op') - 1]))
    allocs[(tag, m, name)] = f[f.index('allocs/op') - 1]
def med(t, m, n):
    v = d.get((t, m, n))
    return statistics.median(v) if v else float('nan')
print("cpu-ns/op, medians: before -> after (allocs/op); ratio to the tree's native (or disabled_native)")
for m in ['zap', 'zerolog', 'slog', 'logrus', 'otel']:
    for n, ref in [('codextel', 'native'), ('slog', 'native'), ('otelslog', 'native'), ('disabled_codextel', 'disabled_native'),
                   ('disabled_codextel_guarded', 'disabled_native')]:
        if not d.get(('after', m, n)):
            continue
        b, a = med('before', m, n), med('after', m, n)
        print("%-8s %-26s native %7.1f / %7.1f  %7.1f (%s) -> %7.1f (%s)  ratio %.2f -> %.2f  (%d rounds)" % (
            m, n, med('before', m, ref), med('after', m, ref), b, allocs.get(('before', m, n)), a,
            allocs.get(('after', m, n)), b / med('before', m, ref), a / med('after', m, ref), len(d[('after', m, n)])))
for label, m, x, y in [('codexzap / zapslog', 'zapalt', 'codextel', 'zapslog'),
                       ("codexzerolog / zerolog's slog handler", 'zerolog', 'codextel', 'slog'),
                       ('codexotel / otelslog', 'otel', 'codextel', 'otelslog')]:
    print("%s: %.2f -> %.2f" % (label, med('before', m, x) / med('before', m, y), med('after', m, x) / med('after', m, y)))
PY
