package codexagents

import (
	"errors"
	"log/slog"
	"sync"

	"github.com/codextel/codextel/core/scrub"
)

// defaultScrubber is the scrubber of a Provider made without
// [WithScrubber]: scrub.New(), built once (a Scrubber is immutable and
// safe for concurrent use).
var defaultScrubber = sync.OnceValue(func() *scrub.Scrubber { return scrub.New() })

// WithScrubber sets the scrubber every string leaving the provider passes
// through: span data at any depth (the function span's input and output
// JSON texts included), span errors, trace names and metadata, log
// records and the failure a [CodexTool] returns. The default is
// scrub.New(); pass a Scrubber made with scrub.WithKeys or
// scrub.WithPatterns to catch more, or nil to turn scrubbing off and send
// everything exactly as the SDK sends it.
//
// Scrubbing is a deliberate divergence from the SDK, which sends commands,
// outputs and error texts as they are: codextel lets no credential leave
// the process, so a secret becomes "[REDACTED]" (or the scrubber's
// replacement) and the text around it is kept. The Codex tool scrubs a
// value before trimming it to span_data_max_chars, so the budget is
// computed on what is sent and a cut never leaves part of a secret.
func WithScrubber(s *scrub.Scrubber) Option {
	return func(p *Provider) { p.scrub = s }
}

// scrubText returns v with its secrets replaced; a clean v is returned as
// it is, without allocating.
func (p *Provider) scrubText(v string) string {
	out, _ := p.scrub.String(v)
	return out
}

// scrubDepth bounds how deep scrubValue walks Objects and arrays itself;
// deeper values are handed to the scrubber's own walk, which replaces what
// is nested too deep to check.
const scrubDepth = 64

// scrubValue returns v, a JSON value held under key ("" for none), with
// every string in it scrubbed, and whether anything changed. Strings
// under a secret key (api_key, password, …) are replaced whole; Object
// keys are scrubbed as text. A clean value is returned as it is: nothing
// is copied and, for strings, Objects and arrays, nothing allocated.
func (p *Provider) scrubValue(key string, v any) (any, bool) {
	if p.scrub == nil {
		return v, false
	}
	return p.scrubAny(key, v, 0)
}

func (p *Provider) scrubAny(key string, v any, depth int) (any, bool) {
	switch x := v.(type) {
	case nil, bool, Number, int, int64, float64:
		return v, false
	case string:
		if key == "" {
			if out, ok := p.scrub.String(x); ok {
				return out, true
			}
			return v, false
		}
		if out, ok := p.scrub.Value(key, slog.StringValue(x)); ok {
			return out.String(), true
		}
		return v, false
	case Object:
		if depth < scrubDepth && (key == "" || !p.scrub.SecretKey(key)) {
			if o, ok := p.scrubObject(x, depth+1); ok {
				return o, true
			}
			return v, false // not x: boxing it again would allocate
		}
	case []any:
		if depth < scrubDepth && (key == "" || !p.scrub.SecretKey(key)) {
			var out []any
			for i, e := range x {
				if ne, ok := p.scrubAny("", e, depth+1); ok {
					if out == nil {
						out = append([]any(nil), x...)
					}
					out[i] = ne
				}
			}
			if out != nil {
				return out, true
			}
			return v, false
		}
	}
	// An Object or array under a secret key (replaced whole, as the
	// scrubber replaces any value under one), any other Go value (a
	// caller's own span data), or one nested too deep: the scrubber walks
	// it.
	if out, ok := p.scrub.Value(key, slog.AnyValue(v)); ok {
		return out.Any(), true
	}
	return v, false
}

// scrubObject is scrubValue of an Object: a copy with the changed members
// replaced, or o itself when nothing changes.
func (p *Provider) scrubObject(o Object, depth int) (Object, bool) {
	var out Object
	for i, m := range o {
		k, kch := p.scrub.String(m.Key)
		nv, vch := p.scrubAny(m.Key, m.Value, depth)
		if !kch && !vch {
			continue
		}
		if out == nil {
			out = append(Object(nil), o...)
		}
		out[i] = Member{Key: k, Value: nv}
	}
	if out != nil {
		return out, true
	}
	return o, false
}

// scrubObj is scrubValue for a top-level Object (nil stays nil).
func (p *Provider) scrubObj(o Object) Object {
	if p.scrub == nil || o == nil {
		return o
	}
	out, _ := p.scrubObject(o, 0)
	return out
}

// scrubErr returns err, or an error with the scrubbed message when its
// message or exported fields hold a secret.
func (p *Provider) scrubErr(err error) error {
	if err == nil || p.scrub == nil {
		return err
	}
	v, ok := p.scrub.Value("", slog.AnyValue(err))
	if !ok {
		return err
	}
	if e, isErr := v.Any().(error); isErr {
		return e
	}
	return errors.New(p.scrubText(err.Error()))
}

// scrubSpanError returns e with its message and data scrubbed (e itself
// when clean).
func (p *Provider) scrubSpanError(e *SpanError) *SpanError {
	if e == nil || p.scrub == nil {
		return e
	}
	msg, mch := p.scrub.String(e.Message)
	data, dch := e.Data, false
	if data != nil {
		data, dch = p.scrubObject(data, 0)
	}
	if !mch && !dch {
		return e
	}
	return &SpanError{Message: msg, Data: data}
}

// scrubData scrubs a span's data in place: the name, a function span's
// input and output, a custom span's data (replaced by a scrubbed copy, so
// an Object the caller still holds is not changed).
func (p *Provider) scrubData(d SpanData) {
	if p.scrub == nil {
		return
	}
	switch x := d.(type) {
	case *FunctionSpanData:
		x.Name = p.scrubText(x.Name)
		if x.Input != nil {
			if out, ok := p.scrub.String(*x.Input); ok {
				x.Input = &out
			}
		}
		if x.Output != nil {
			if out, ok := p.scrub.String(*x.Output); ok {
				x.Output = &out
			}
		}
	case *CustomSpanData:
		x.Name = p.scrubText(x.Name)
		if x.Data != nil {
			x.Data, _ = p.scrubObject(x.Data, 0)
		}
	}
}

// emit scrubs a log record (message, error, extra fields) and hands it to
// the logger.
func (p *Provider) emit(r LogRecord) {
	if p.logf == nil {
		return
	}
	r.Message = p.scrubText(r.Message)
	r.Err = p.scrubErr(r.Err)
	r.Extra = p.scrubObj(r.Extra)
	p.logf(r)
}
