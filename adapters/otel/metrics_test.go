package codexotel

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/codextel/codextel/core/catalog"
	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/telemetry"
)

// point is one data point, flattened for comparison: the metric, its
// attributes as "k=v,..." (sorted) and its value (a sum, a gauge value, or a
// histogram's count and sum).
type point struct {
	metric, attrs string
	count         uint64
	value         float64
}

func points(rm metricdata.ResourceMetrics) map[string]point {
	out := map[string]point{}
	add := func(name string, set attribute.Set, count uint64, v float64) {
		var kv []string
		for _, a := range set.ToSlice() {
			kv = append(kv, string(a.Key)+"="+a.Value.String())
		}
		sort.Strings(kv)
		p := point{name, strings.Join(kv, ","), count, v}
		out[name+"{"+p.attrs+"}"] = p
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					add(m.Name, dp.Attributes, 0, float64(dp.Value))
				}
			case metricdata.Sum[float64]:
				for _, dp := range d.DataPoints {
					add(m.Name, dp.Attributes, 0, dp.Value)
				}
			case metricdata.Gauge[float64]:
				for _, dp := range d.DataPoints {
					add(m.Name, dp.Attributes, 0, dp.Value)
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					add(m.Name, dp.Attributes, dp.Count, dp.Sum)
				}
			}
		}
	}
	return out
}

// wantPoint checks that the point with the given key exists with count and
// value (within a nanosecond's worth).
func wantPoint(t *testing.T, ps map[string]point, key string, count uint64, value float64) {
	t.Helper()
	p, ok := ps[key]
	if !ok {
		var keys []string
		for k := range ps {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Errorf("no point %s; have:\n%s", key, strings.Join(keys, "\n"))
		return
	}
	if p.count != count || p.value < value-1e-9 || p.value > value+1e-9 {
		t.Errorf("%s: count %d value %v, want %d %v", key, p.count, p.value, count, value)
	}
}

// TestDefaultMetrics replays the recorded session and checks every default
// metric it feeds.
func TestDefaultMetrics(t *testing.T) {
	r := newRig(t, false)
	replay(t, r.bus)
	ps := points(r.collect(t))
	const op = "gen_ai.client.operation.duration"
	wantPoint(t, ps, op+"{gen_ai.operation.name=invoke_agent,gen_ai.provider.name=openai}", 1, 1.310)
	wantPoint(t, ps, op+"{error.type=_OTHER,gen_ai.operation.name=invoke_agent,gen_ai.provider.name=openai}", 1, 0.5)
	wantPoint(t, ps, op+"{gen_ai.operation.name=execute_tool,gen_ai.provider.name=openai,gen_ai.tool.name=shell}", 1, 0.3)
	wantPoint(t, ps, op+"{gen_ai.operation.name=execute_tool,gen_ai.provider.name=openai,gen_ai.tool.name=apply_patch}", 1, 0.06)
	wantPoint(t, ps, op+"{error.type=_OTHER,gen_ai.operation.name=execute_tool,gen_ai.provider.name=openai,gen_ai.tool.name=shell}", 1, 0.18)
	wantPoint(t, ps, op+"{error.type=tool_error,gen_ai.operation.name=execute_tool,gen_ai.provider.name=openai,gen_ai.tool.name=search}", 1, 0.29)
	wantPoint(t, ps, "codex.thread.duration{codex.source=exec,error.type=_OTHER}", 1, 2.1)
	wantPoint(t, ps, "codex.approval.duration{codex.approval.kind=command_execution,codex.approval.outcome=approved}", 1, 0.5)
	wantPoint(t, ps, "codex.approval.duration{codex.approval.kind=command_execution,codex.approval.outcome=denied}", 1, 0.2)
	wantPoint(t, ps, "codex.approvals{codex.approval.decision=accept,codex.approval.kind=command_execution,codex.approval.outcome=approved}", 0, 1)
	wantPoint(t, ps, "codex.approvals{codex.approval.decision=decline,codex.approval.kind=command_execution,codex.approval.outcome=denied}", 0, 1)
	wantPoint(t, ps, "gen_ai.client.token.usage{gen_ai.operation.name=invoke_agent,gen_ai.provider.name=openai,gen_ai.token.type=input}", 2, 2000)
	wantPoint(t, ps, "gen_ai.client.token.usage{gen_ai.operation.name=invoke_agent,gen_ai.provider.name=openai,gen_ai.token.type=output}", 2, 400)
	wantPoint(t, ps, "codex.tool.failures{codex.tool.kind=command_execution,codex.tool.status=failed,gen_ai.tool.name=shell}", 0, 1)
	wantPoint(t, ps, "codex.tool.failures{codex.mcp.server=docs,gen_ai.tool.name=search}", 0, 1)
	wantPoint(t, ps, "codex.telemetry.dropped{codex.event=codex.item.agent_message.delta}", 0, 12)
	if len(ps) != 16 {
		t.Errorf("%d points, want 16", len(ps))
	}
}

// TestMetricKinds: each kind, with tags from metadata and ids, constant
// tags, keep, and unit conversion.
func TestMetricKinds(t *testing.T) {
	r := newRig(t, false, WithMetrics(
		Counter("tool.calls", "codex.tool.*", WithKeep(func(e *telemetry.Event) bool {
			return !strings.HasSuffix(e.Name, ".start")
		}), WithTags("tool"), WithTag("thread", "thread_id")),
		Sum("diff.kib", catalog.TurnDiffUpdated, "diff_bytes", ConvertUnit(Byte, Kibibyte)),
		LastValue("context.window", catalog.ThreadTokenUsageUpdated, "model_context_window", WithConstantTags(attribute.String("k", "v"))),
		Distribution("tool.ms", catalog.ToolSuccess, "duration", WithUnit(Millisecond), WithBuckets(1, 10, 100)),
	))
	ctx := correlation.WithThread(context.Background(), "t1")
	for _, d := range []time.Duration{5 * time.Millisecond, 50 * time.Millisecond} {
		e := telemetry.NewEvent(catalog.ToolSuccess, time.Now())
		e.AddMeasurements(telemetry.Duration("duration", d))
		e.AddMetadata(slog.String("tool", "shell"))
		r.bus.EmitEvent(ctx, e)
	}
	r.bus.Emit(ctx, catalog.ToolStart, nil, slog.String("tool", "shell"))
	r.bus.Emit(ctx, catalog.TurnDiffUpdated, []telemetry.Measurement{telemetry.Int("diff_bytes", 2048)})
	r.bus.Emit(ctx, catalog.TurnDiffUpdated, []telemetry.Measurement{telemetry.Int("diff_bytes", 1024)})
	for _, w := range []int64{100, 200} {
		r.bus.Emit(ctx, catalog.ThreadTokenUsageUpdated, []telemetry.Measurement{telemetry.Int("model_context_window", w)})
	}
	r.bus.Emit(ctx, catalog.ThreadTokenUsageUpdated, nil) // no measurement: skipped
	ps := points(r.collect(t))
	wantPoint(t, ps, "tool.calls{thread=t1,tool=shell}", 0, 2)
	wantPoint(t, ps, "diff.kib{}", 0, 3)
	wantPoint(t, ps, "context.window{k=v}", 0, 200)
	wantPoint(t, ps, "tool.ms{}", 2, 55)
	if len(ps) != 4 {
		t.Errorf("%d points, want 4: %v", len(ps), ps)
	}
	var rm metricdata.ResourceMetrics
	_ = r.metrics.Collect(context.Background(), &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if want := map[string]string{"diff.kib": "KiBy", "tool.ms": "ms", "tool.calls": "", "context.window": ""}[m.Name]; m.Unit != want {
			t.Errorf("%s: unit %q, want %q", m.Name, m.Unit, want)
		}
	}
}

// TestMetricErrors: invalid definitions are reported by NewHandler.
func TestMetricErrors(t *testing.T) {
	mp := sdkmetric.NewMeterProvider()
	for _, defs := range [][]Metric{
		{Sum("x", "a.b", "n", ConvertUnit(Byte, Second))},
		{Counter("x", "a.b"), Sum("x", "a.c", "n")},
		{Distribution("x", "a.b", "")},
		{{kind: 9, Name: "x", event: "a.b"}},
		{{Name: "x"}}, // a Metric not made by Counter, Sum, ...
	} {
		if _, err := NewHandler(WithMeterProvider(mp), WithMetrics(defs...)); err == nil {
			t.Errorf("NewHandler accepted %+v", defs)
		}
	}
	if _, err := NewHandler(WithMeterProvider(mp), WithMetrics()); err != nil {
		t.Errorf("no metrics: %v", err)
	}
}
