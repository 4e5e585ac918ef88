package codexotlp

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxJSONResponse bounds the receiver's answer the JSON transport reads, as
// the SDK's exporters bound theirs.
const maxJSONResponse = 64 << 10

// jsonTransport makes an OTLP/HTTP protobuf exporter speak OTLP/JSON: it
// decodes each request body into the OTLP request message (newRequest) and
// sends it written with protojson, in the OTLP/JSON encoding (lower-camel
// field names, enums as numbers, trace and span ids as hex), and turns a
// JSON answer into the protobuf answer (newResponse) the exporter reads.
type jsonTransport struct {
	base        http.RoundTripper
	newRequest  func() proto.Message
	newResponse func() proto.Message
}

// otlpJSON is protojson as the OTLP/JSON encoding asks: enums as numbers.
var otlpJSON = protojson.MarshalOptions{UseEnumNumbers: true}

// RoundTrip sends r's OTLP protobuf body as OTLP/JSON. r is not modified.
func (t *jsonTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := t.jsonBody(r)
	if r.Body != nil {
		r.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("codexotlp: http/json request to %s: %w", safeURL(r.URL.String()), err)
	}
	out := r.Clone(r.Context())
	out.Header.Set("Content-Type", "application/json")
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.ContentLength = int64(len(body))
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	return t.protoResponse(resp), nil
}

// jsonBody reads r's protobuf body (gzip-compressed when r says so) and
// returns it as OTLP/JSON, compressed as it came.
func (t *jsonTransport) jsonBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, fmt.Errorf("no body")
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w", err)
	}
	gz := r.Header.Get("Content-Encoding") == "gzip"
	if gz {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
	}
	msg := t.newRequest()
	if err := proto.Unmarshal(raw, msg); err != nil {
		return nil, fmt.Errorf("decoding the %s body: %w", msg.ProtoReflect().Descriptor().FullName(), err)
	}
	if err := hexIDs(msg.ProtoReflect()); err != nil {
		return nil, err
	}
	js, err := otlpJSON.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("encoding %s as JSON: %w", msg.ProtoReflect().Descriptor().FullName(), err)
	}
	if !gz {
		return js, nil
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(js); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// protoResponse turns a successful JSON answer into the protobuf one the
// exporter reads (it reads a partial success from it). Any other answer is
// passed on as it came: the exporter reads only the status and, for an
// error, the body's text.
func (t *jsonTransport) protoResponse(resp *http.Response) *http.Response {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode < 200 || resp.StatusCode > 299 || mt != "application/json" || resp.Body == nil {
		return resp
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxJSONResponse))
	resp.Body.Close()
	msg := t.newResponse()
	var pb []byte
	if err == nil {
		if err = (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(raw, msg); err == nil {
			pb, err = proto.Marshal(msg)
		}
	}
	if err != nil {
		// An answer that is not an OTLP response: the data was accepted
		// (2xx); the exporter reads no partial success from it.
		resp.Body = io.NopCloser(bytes.NewReader(raw))
		resp.ContentLength = int64(len(raw))
		return resp
	}
	resp.Header.Set("Content-Type", "application/x-protobuf")
	resp.Header.Set("Content-Length", strconv.Itoa(len(pb)))
	resp.Body = io.NopCloser(bytes.NewReader(pb))
	resp.ContentLength = int64(len(pb))
	return resp
}

// idFields are the OTLP fields holding trace and span ids, which OTLP/JSON
// writes as hex where protojson would write base64.
var idFields = map[protoreflect.Name]int{"trace_id": 16, "span_id": 8, "parent_span_id": 8}

// hexIDs rewrites every trace and span id in m so that protojson writes it
// as hex: a 16-byte id is 32 hex digits, which are also 24 bytes' worth of
// base64 digits (an 8-byte id, 16 digits and 12 bytes); setting the field to
// those 24 (12) bytes makes protojson's base64 text the id's hex text,
// exactly (the digit counts are multiples of 4, so base64 needs no padding
// and leaves no spare bits). The message is the transport's own copy.
func hexIDs(m protoreflect.Message) error {
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() == protoreflect.BytesKind && !fd.IsList():
			n, ok := idFields[fd.Name()]
			if !ok {
				return true
			}
			id := v.Bytes()
			if len(id) != n {
				err = fmt.Errorf("%s is %d bytes, want %d", fd.FullName(), len(id), n)
				return false
			}
			b, derr := base64.StdEncoding.DecodeString(hex.EncodeToString(id))
			if derr != nil {
				err = fmt.Errorf("%s: %w", fd.FullName(), derr)
				return false
			}
			m.Set(fd, protoreflect.ValueOfBytes(b))
		case fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind:
			switch {
			case fd.IsList():
				l := v.List()
				for i := 0; i < l.Len() && err == nil; i++ {
					err = hexIDs(l.Get(i).Message())
				}
			case fd.IsMap():
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					if fd.MapValue().Kind() == protoreflect.MessageKind {
						err = hexIDs(mv.Message())
					}
					return err == nil
				})
			default:
				err = hexIDs(v.Message())
			}
		}
		return err == nil
	})
	return err
}
