package codexotel

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// TestRequestedIDs: a span started as a Handler starts one, under a
// startContext that asks the ID generator for ids, keeps them: both for a
// root span, the span id under a remote parent (whose trace it joins), and
// random ones for invalid ids.
func TestRequestedIDs(t *testing.T) {
	tid, _ := trace.TraceIDFromHex("5b8efff798038103d269b633813fc60c")
	parentTID, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("eee19b7ec3c1b174")
	parent, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	remote := trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: parentTID, SpanID: parent, TraceFlags: trace.FlagsSampled, Remote: true,
	}))
	for _, tc := range []struct {
		name       string
		ctx        context.Context
		tid        trace.TraceID
		sid        trace.SpanID
		wantTID    trace.TraceID
		wantSID    trace.SpanID
		wantParent trace.SpanID
	}{
		{"root", context.Background(), tid, sid, tid, sid, trace.SpanID{}},
		{"remote parent", remote, tid, sid, parentTID, sid, parent},
		{"invalid", context.Background(), trace.TraceID{}, trace.SpanID{}, trace.TraceID{}, trace.SpanID{}, trace.SpanID{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := tracetest.NewSpanRecorder()
			tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(NewIDGenerator()), sdktrace.WithSpanProcessor(rec))
			_, sp := tp.Tracer("test").Start(&startContext{Context: tc.ctx, want: wantIDs{tc.tid, tc.sid}}, "s")
			sp.End()
			got := rec.Ended()[0]
			sc := got.SpanContext()
			if !sc.IsValid() {
				t.Fatalf("span context %v is not valid", sc)
			}
			if tc.wantTID.IsValid() && sc.TraceID() != tc.wantTID || tc.wantSID.IsValid() && sc.SpanID() != tc.wantSID {
				t.Errorf("ids %s/%s, want %s/%s", sc.TraceID(), sc.SpanID(), tc.wantTID, tc.wantSID)
			}
			if got.Parent().SpanID() != tc.wantParent {
				t.Errorf("parent %s, want %s", got.Parent().SpanID(), tc.wantParent)
			}
		})
	}
}

// TestHexIDs: traceID and spanID read exactly the ids of 32 and 16
// lower-case hex digits, not all zero; every other byte, upper-case digits
// included, and every other length are refused.
func TestHexIDs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"0123456789abcdef", true},
		{"fedcba9876543210", true},
		{"0000000000000001", true},
		{"0000000000000000", false},
		{"0123456789ABCDEF", false},
		{"0123456789abcdeg", false},
		{"g123456789abcdef", false},
		{"0123456789abcde/", false},
		{"0123456789abcde:", false},
		{"0123456789abcde`", false},
		{"0123456789abcde\xff", false},
		{"0123456789abcde\x00", false},
		{"0123456789abcdef0", false},
		{"0123456789abcde", false},
		{"", false},
	} {
		want, _ := trace.SpanIDFromHex(tc.in)
		if got, ok := spanID(tc.in); ok != tc.want || ok && got != want {
			t.Errorf("spanID(%q) = %v, %v; want ok %v", tc.in, got, ok, tc.want)
		}
		long := tc.in + tc.in
		wantTID, _ := trace.TraceIDFromHex(long)
		if got, ok := traceID(long); ok != tc.want || ok && got != wantTID {
			t.Errorf("traceID(%q) = %v, %v; want ok %v", long, got, ok, tc.want)
		}
	}
}
