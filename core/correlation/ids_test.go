package correlation

import (
	"context"
	"regexp"
	"testing"
)

func TestWithFrom(t *testing.T) {
	if From(context.Background()) != nil {
		t.Error("background context has ids")
	}
	//lint:ignore SA1012 From documents that a nil context has no ids
	if From(nil) != nil { //nolint:staticcheck
		t.Error("nil context has ids")
	}
	want := IDs{Correlation: "c", Thread: "t", Turn: "u", Span: "s", ParentSpan: "p"}
	ctx := With(context.Background(), want)
	got := From(ctx)
	if got == nil || *got != want {
		t.Fatalf("From = %+v, want %+v", got, want)
	}
	inner := With(ctx, IDs{Span: "x"})
	if From(inner).Span != "x" || From(ctx).Span != "s" {
		t.Error("deriving a context changed the parent's ids")
	}
}

func TestNewSpanID(t *testing.T) {
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	seen := map[string]bool{}
	for range 10000 {
		id := NewSpanID()
		if !hex16.MatchString(id) || id == "0000000000000000" {
			t.Fatalf("bad span id %q", id)
		}
		if seen[id] {
			t.Fatalf("span id %q repeated", id)
		}
		seen[id] = true
	}
}

func TestNewCorrelationID(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 10000 {
		id := NewCorrelationID()
		if !hex32.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated correlation id %q", id)
		}
		seen[id] = true
	}
}

func TestWith(t *testing.T) {
	ids := IDs{Correlation: NewCorrelationID()}
	ctx := With(context.Background(), ids)
	if From(ctx).Correlation != ids.Correlation {
		t.Fatalf("From(With(ids)) = %+v, want %+v", From(ctx), ids)
	}
	ctx = WithTurn(WithThread(ctx, "th"), "tu")
	got := *From(ctx)
	if got != (IDs{Correlation: ids.Correlation, Thread: "th", Turn: "tu"}) {
		t.Errorf("ids = %+v", got)
	}
	if got := *From(WithThread(context.Background(), "x")); got != (IDs{Thread: "x"}) {
		t.Errorf("WithThread on an empty context = %+v", got)
	}
}

func TestEnsure(t *testing.T) {
	ctx, ids := Ensure(context.Background())
	if ids.Correlation == "" || From(ctx).Correlation != ids.Correlation {
		t.Fatalf("Ensure made no id: %+v", ids)
	}
	same, again := Ensure(ctx)
	if same != ctx || again != ids {
		t.Error("Ensure replaced an existing correlation id")
	}
	ctx, ids = Ensure(WithThread(context.Background(), "th"))
	if ids.Thread != "th" || ids.Correlation == "" || From(ctx).Correlation != ids.Correlation {
		t.Errorf("Ensure on a context with a thread = %+v", ids)
	}
}

// TestContext: a Context carries its ids to From, directly and through
// derived contexts, and passes other keys and cancellation to its parent.
func TestContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	c := &Context{Context: parent, IDs: IDs{Correlation: "c", Span: "s"}}
	child, stop := context.WithCancel(c)
	defer stop()
	for _, ctx := range []context.Context{c, child, context.WithValue(child, key{}, "w")} {
		if got := From(ctx); got == nil || got.Correlation != "c" || got.Span != "s" {
			t.Errorf("From = %+v", got)
		}
	}
	if c.Value(key{}) != "v" {
		t.Errorf("Value(key) = %v, want the parent's", c.Value(key{}))
	}
	cancel()
	<-child.Done()
	if c.Err() == nil {
		t.Error("the Context is not cancelled with its parent")
	}
}
