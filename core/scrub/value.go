package scrub

import (
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"time"
	"unsafe"
)

// maxDepth bounds how deep values are walked. A value nested deeper (or a
// cycle of pointers) is replaced by the replacement text: what cannot be
// checked is not let through.
const maxDepth = 32

// Attr returns a with its value scrubbed as by [Scrubber.Value] under a.Key,
// and whether anything changed. The key is kept.
func (s *Scrubber) Attr(a slog.Attr) (slog.Attr, bool) {
	if s == nil {
		return a, false
	}
	return s.attr(a, 0)
}

// Value returns v, the value of an attribute named key, with its secrets
// removed, and whether anything changed. When nothing changes, v itself is
// returned and, for the kinds listed in the package documentation, nothing is
// allocated. Pass "" as key for a value that has no name.
//
// If [Scrubber.SecretKey] reports key as secret, the whole value is replaced
// by the replacement text unless it is a number, boolean, duration, time,
// empty string or nil. Otherwise the value is walked (see the package
// documentation for how each kind is treated) and every string in it is
// scrubbed as by [Scrubber.String].
//
// A [slog.LogValuer] is resolved first, and the resolved value is returned
// (changed is true) even when it holds no secret, so that handlers see
// exactly what was checked rather than calling LogValue again.
func (s *Scrubber) Value(key string, v slog.Value) (slog.Value, bool) {
	if s == nil {
		return v, false
	}
	return s.value(key, v, 0)
}

func (s *Scrubber) attr(a slog.Attr, depth int) (slog.Attr, bool) {
	v, changed := s.value(a.Key, a.Value, depth)
	// A key is text too: a secret used as a key (a map parsed from JSON,
	// an environment dump turned into attributes) is replaced in it.
	k, kchanged := s.key(a.Key)
	if !changed && !kchanged {
		return a, false
	}
	return slog.Attr{Key: k, Value: v}, true
}

func (s *Scrubber) value(key string, v slog.Value, depth int) (slog.Value, bool) {
	resolved := false
	switch v.Kind() {
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindBool, slog.KindDuration, slog.KindTime:
		return v, false // kept, even under a secret key
	case slog.KindString:
		if key != "" && s.keys.match(key) {
			break
		}
		if s.randomUnder(key, v.String()) {
			return slog.StringValue(s.repl), true
		}
		if out, ok := s.String(v.String()); ok {
			return slog.StringValue(out), true
		}
		return v, false
	case slog.KindLogValuer:
		v, resolved = v.Resolve(), true
	}
	if key != "" && s.keys.match(key) {
		if s.keep(v) {
			return v, resolved
		}
		return slog.StringValue(s.repl), true
	}
	if depth > maxDepth {
		return slog.StringValue(s.repl), true
	}
	switch v.Kind() {
	case slog.KindString:
		if out, ok := s.String(v.String()); ok {
			return slog.StringValue(out), true
		}
	case slog.KindGroup:
		if out, ok := s.group(v.Group(), depth+1); ok {
			return slog.GroupValue(out...), true
		}
	case slog.KindAny:
		if out, ok := s.anyValue(v.Any(), depth+1); ok {
			return slog.AnyValue(out), true
		}
	}
	return v, resolved
}

func (s *Scrubber) group(attrs []slog.Attr, depth int) ([]slog.Attr, bool) {
	var out []slog.Attr
	for i, a := range attrs {
		if na, ok := s.attr(a, depth); ok {
			if out == nil {
				out = slices.Clone(attrs)
			}
			out[i] = na
		}
	}
	return out, out != nil
}

// keep reports whether a value under a secret key stays: numbers, booleans,
// durations, times, empty strings and nil hide nothing.
func (s *Scrubber) keep(v slog.Value) bool {
	switch v.Kind() {
	case slog.KindInt64, slog.KindUint64, slog.KindFloat64, slog.KindBool,
		slog.KindDuration, slog.KindTime:
		return true
	case slog.KindString:
		return v.String() == "" || v.String() == s.repl
	case slog.KindAny:
		return s.keepAny(v.Any())
	}
	return false
}

func (s *Scrubber) keepAny(x any) bool {
	switch x := x.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr,
		float32, float64, complex64, complex128, time.Duration, time.Time:
		return true
	case string:
		return x == "" || x == s.repl
	}
	return s.keepReflect(reflect.ValueOf(x))
}

func (s *Scrubber) keepReflect(rv reflect.Value) bool {
	switch rv.Kind() {
	case reflect.Invalid, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32,
		reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr, reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.String:
		return rv.Len() == 0 || rv.String() == s.repl
	case reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	case reflect.Map, reflect.Slice:
		return rv.Len() == 0
	case reflect.Struct:
		return rv.Type() == timeType
	}
	return false
}

var (
	errorType    = reflect.TypeFor[error]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
	timeType     = reflect.TypeFor[time.Time]()
)

// redactedError stands in for an error whose message or fields held a
// secret: it is still an error, and its message is the scrubbed one.
type redactedError string

func (e redactedError) Error() string { return string(e) }

// anyValue scrubs x, the value of a [slog.KindAny] value or an element of a
// Go map, slice or struct. It returns the replacement and true, or false when
// x needs no change. Replacements are plain Go values that every handler
// renders sensibly: strings, map[string]any, []any, or a redactedError.
func (s *Scrubber) anyValue(x any, depth int) (any, bool) {
	if depth > maxDepth {
		return s.repl, true
	}
	switch x := x.(type) {
	case nil, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr,
		float32, float64, complex64, complex128, time.Duration, time.Time:
		return nil, false
	case string:
		return s.text(x)
	case []byte:
		return s.bytes(x)
	case slog.Value:
		if v, ok := s.value("", x, depth); ok {
			return v, true
		}
		return nil, false
	case slog.Attr:
		if a, ok := s.attr(x, depth); ok {
			return a, true
		}
		return nil, false
	case map[string]any:
		return s.mapAny(x, depth)
	case map[string]string:
		return s.mapString(x)
	case map[string][]string:
		return s.mapStrings(x)
	case []any:
		return s.sliceAny(x, depth)
	case []string:
		return s.sliceString(x)
	case error:
		if nilPointer(x) {
			return nil, false
		}
		msg, ok := callError(x)
		if !ok {
			return s.repl, true
		}
		out, changed := s.String(msg)
		if _, inner := s.walk(reflect.ValueOf(x), depth); changed || inner {
			return redactedError(out), true
		}
		return nil, false
	case fmt.Stringer:
		if nilPointer(x) {
			return nil, false
		}
		if k := reflect.TypeOf(x).Kind(); k <= reflect.Complex128 {
			return nil, false // a number or flag with a name, such as slog.Level
		}
		str, ok := callString(x)
		if !ok {
			return s.repl, true
		}
		out, changed := s.String(str)
		if _, inner := s.walk(reflect.ValueOf(x), depth); changed || inner {
			return out, true
		}
		return nil, false
	}
	return s.walk(reflect.ValueOf(x), depth)
}

func nilPointer(x any) bool {
	rv := reflect.ValueOf(x)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// callError and callString call a method of a value from outside, which may
// panic; ok is false if it did.
func callError(e error) (msg string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return e.Error(), true
}

func callString(x fmt.Stringer) (str string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return x.String(), true
}

// bytes scrubs b as text (slog's text handler prints a []byte as a quoted
// string). A changed value becomes a string.
func (s *Scrubber) bytes(b []byte) (any, bool) {
	if len(b) == 0 {
		return nil, false
	}
	// The view is only read, and not kept: a changed text is a new string.
	return s.text(unsafe.String(&b[0], len(b)))
}

// text is [Scrubber.String] for a Go value: the scrubbed text, or nil and
// false, so that a clean string is not boxed into an interface.
func (s *Scrubber) text(x string) (any, bool) {
	if out, ok := s.String(x); ok {
		return out, true
	}
	return nil, false
}

// entry scrubs x, held under key in a map or struct.
func (s *Scrubber) entry(key string, x any, depth int) (any, bool) {
	if key != "" && s.keys.match(key) {
		if s.keepAny(x) {
			return nil, false
		}
		return s.repl, true
	}
	if str, ok := x.(string); ok && s.randomUnder(key, str) {
		return s.repl, true
	}
	return s.anyValue(x, depth)
}

// key returns k, an attribute's or a map entry's key, scrubbed as text.
// Keys are mostly short names ("command", "call_id", "exit_code"), which
// cannot hold a built-in secret: the shortest built-in match made only of
// letters, digits and underscores is a Stripe key, sk_live_ and ten letters
// or digits, 18 bytes (every other shape has a longer body or a - . : = or
// space in it; TestPlainKeys tries the prefixes). Such names skip the scan, unless added patterns, which may
// match anything, are there.
func (s *Scrubber) key(k string) (string, bool) {
	const minPlainSecret = 18
	if len(k) < minPlainSecret && len(s.patterns) == 0 {
		plain := true
		for i := 0; i < len(k) && plain; i++ {
			plain = class[k[i]]&cGitHubPAT != 0 // A-Za-z0-9_
		}
		if plain {
			return k, false
		}
	}
	return s.String(k)
}

// randomUnder reports whether x, a string held under key, is a secret
// because key is one of the names that only name a secret when the value
// looks generated ([textKeys]: "signature": "9f86d08…" is one, "signature":
// "func(x int) error" is not), and x does.
func (s *Scrubber) randomUnder(key, x string) bool {
	return key != "" && s.weakKeys.match(key) && !s.keys.match(key) && x != s.repl && random(x)
}

func (s *Scrubber) mapAny(m map[string]any, depth int) (any, bool) {
	var out map[string]any
	for k, x := range m {
		nx, ok := s.entry(k, x, depth+1)
		nk, kok := s.key(k)
		if !ok && !kok {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(m))
			for k, x := range m {
				out[k] = x
			}
		}
		if !ok {
			nx = x
		}
		out[rekey(out, k, nk, kok)] = nx
	}
	return out, out != nil
}

// rekey files an entry of a changed map under its new key: k itself, or nk,
// the scrubbed k, made unique in out with a #2, #3 … suffix (two keys can
// scrub to the same text). The entry under k is removed then.
func rekey[V any](out map[string]V, k, nk string, changed bool) string {
	if !changed {
		return k
	}
	delete(out, k)
	if _, dup := out[nk]; !dup {
		return nk
	}
	for n := 2; ; n++ {
		c := nk + "#" + strconv.Itoa(n)
		if _, dup := out[c]; !dup {
			return c
		}
	}
}

func (s *Scrubber) mapString(m map[string]string) (any, bool) {
	var out map[string]string
	for k, x := range m {
		nx := x
		if s.keys.match(k) || s.randomUnder(k, x) {
			if x != "" && x != s.repl {
				nx = s.repl
			}
		} else {
			nx, _ = s.String(x)
		}
		nk, kok := s.key(k)
		if nx == x && !kok {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(m))
			for k, x := range m {
				out[k] = x
			}
		}
		out[rekey(out, k, nk, kok)] = nx
	}
	return out, out != nil
}

func (s *Scrubber) mapStrings(m map[string][]string) (any, bool) {
	var out map[string][]string
	for k, xs := range m {
		var nxs []string
		if s.keys.match(k) {
			if !s.keepAny(xs) {
				nxs = []string{s.repl}
			}
		} else if r, ok := s.sliceString(xs); ok {
			nxs = r.([]string)
		}
		nk, kok := s.key(k)
		if nxs == nil && !kok {
			continue
		}
		if out == nil {
			out = make(map[string][]string, len(m))
			for k, xs := range m {
				out[k] = xs
			}
		}
		if nxs == nil {
			nxs = xs
		}
		out[rekey(out, k, nk, kok)] = nxs
	}
	return out, out != nil
}

func (s *Scrubber) sliceAny(xs []any, depth int) (any, bool) {
	var out []any
	for i, x := range xs {
		if nx, ok := s.anyValue(x, depth+1); ok {
			if out == nil {
				out = slices.Clone(xs)
			}
			out[i] = nx
		}
	}
	return out, out != nil
}

func (s *Scrubber) sliceString(xs []string) (any, bool) {
	var out []string
	for i, x := range xs {
		if nx, ok := s.String(x); ok {
			if out == nil {
				out = slices.Clone(xs)
			}
			out[i] = nx
		}
	}
	return out, out != nil
}

// walk scrubs the structure of rv: the strings, elements, entries and fields
// it holds, without looking at rv's own methods. Changed structs and maps
// become map[string]any, changed slices and arrays []any.
func (s *Scrubber) walk(rv reflect.Value, depth int) (any, bool) {
	if depth > maxDepth {
		return s.repl, true
	}
	switch rv.Kind() {
	case reflect.String:
		return s.text(rv.String())
	case reflect.Pointer:
		// The pointer's methods, which include those of what it points to,
		// were looked at by whoever called walk.
		if rv.IsNil() {
			return nil, false
		}
		return s.walk(rv.Elem(), depth+1)
	case reflect.Interface:
		if rv.IsNil() {
			return nil, false
		}
		return s.node(rv.Elem(), depth+1)
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return s.bytes(rv.Bytes())
		}
		return s.walkList(rv, depth)
	case reflect.Array:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return nil, false // a hash or an address: rendered as numbers
		}
		return s.walkList(rv, depth)
	case reflect.Map:
		return s.walkMap(rv, depth)
	case reflect.Struct:
		return s.walkStruct(rv, depth)
	}
	return nil, false
}

// node scrubs rv, a value found inside another, honouring its methods: a
// value that is an error or a [fmt.Stringer] goes through anyValue.
func (s *Scrubber) node(rv reflect.Value, depth int) (any, bool) {
	switch rv.Kind() {
	case reflect.Invalid, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32,
		reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr, reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128,
		reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return nil, false
	case reflect.Interface, reflect.Pointer, reflect.Map:
		// These convert to an interface without allocating.
		if rv.IsNil() {
			return nil, false
		}
		if rv.CanInterface() {
			return s.anyValue(rv.Interface(), depth)
		}
		return s.walk(rv, depth)
	}
	if t := rv.Type(); t == timeType {
		return nil, false
	} else if rv.CanInterface() && (t.Implements(errorType) || t.Implements(stringerType)) {
		return s.anyValue(rv.Interface(), depth)
	}
	return s.walk(rv, depth)
}

// original returns the value rv holds, for copying into a replacement
// container; unexported values, which cannot be read, become nil.
func original(rv reflect.Value) any {
	if !rv.IsValid() || !rv.CanInterface() {
		return nil
	}
	return rv.Interface()
}

func (s *Scrubber) walkList(rv reflect.Value, depth int) (any, bool) {
	var out []any
	n := rv.Len()
	for i := range n {
		if nx, ok := s.node(rv.Index(i), depth+1); ok {
			if out == nil {
				out = make([]any, n)
				for j := range n {
					out[j] = original(rv.Index(j))
				}
			}
			out[i] = nx
		}
	}
	return out, out != nil
}

var (
	mapAnyType     = reflect.TypeFor[map[string]any]()
	mapStringType  = reflect.TypeFor[map[string]string]()
	mapStringsType = reflect.TypeFor[map[string][]string]()
)

func (s *Scrubber) walkMap(rv reflect.Value, depth int) (any, bool) {
	if rv.IsNil() || rv.Len() == 0 {
		return nil, false
	}
	t := rv.Type()
	if k := t.Elem().Kind(); k == reflect.Bool || (k >= reflect.Int && k <= reflect.Complex128) {
		return nil, false // numbers are kept, even under secret keys
	}
	// Named types over the common maps (http.Header is a map[string][]string)
	// convert without copying, and then range without reflection.
	if rv.CanInterface() {
		for _, known := range [...]reflect.Type{mapAnyType, mapStringType, mapStringsType} {
			if t != known && t.ConvertibleTo(known) {
				return s.anyValue(rv.Convert(known).Interface(), depth)
			}
		}
	}
	// Anything else is read through scratch values, which costs two
	// allocations per map.
	keyed := t.Key().Kind() == reflect.String
	k := reflect.New(t.Key()).Elem()
	x := reflect.New(t.Elem()).Elem()
	var out map[string]any
	for it := rv.MapRange(); it.Next(); {
		k.SetIterKey(it)
		x.SetIterValue(it)
		var nx any
		var ok bool
		if keyed && s.keys.match(k.String()) {
			if !s.keepReflect(x) {
				nx, ok = s.repl, true
			}
		} else {
			nx, ok = s.node(x, depth+1)
		}
		var nk string
		var kok bool
		if keyed {
			nk, kok = s.key(k.String())
		}
		if !ok && !kok {
			continue
		}
		if out == nil {
			out = make(map[string]any, rv.Len())
			for it := rv.MapRange(); it.Next(); {
				out[mapKey(it.Key(), keyed)] = original(it.Value())
			}
		}
		if !ok {
			nx = original(x)
		}
		out[rekey(out, mapKey(k, keyed), nk, kok)] = nx
	}
	return out, out != nil
}

func mapKey(k reflect.Value, keyed bool) string {
	if keyed {
		return k.String()
	}
	return fmt.Sprint(original(k))
}

// A field is an exported field of a struct type, as walkStruct reads it.
type field struct {
	index  int
	name   string // the json tag name if there is one, else the Go name
	secret bool   // the name or the Go name is a secret key
}

// A structType is what walkStruct needs of a struct type.
type structType struct {
	fields []field
	hidden bool // the type has unexported fields
}

func (s *Scrubber) structType(t reflect.Type) structType {
	if st, ok := s.structs.Load(t); ok {
		return st.(structType)
	}
	var st structType
	// Errors and Stringers are rendered through their methods, whose text
	// is checked (see anyValue): their unexported fields are never printed.
	rendered := t.Implements(errorType) || t.Implements(stringerType) ||
		reflect.PointerTo(t).Implements(errorType) || reflect.PointerTo(t).Implements(stringerType)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			st.hidden = !rendered
			continue
		}
		name := f.Name
		if tag, _, _ := cutComma(f.Tag.Get("json")); tag != "" && tag != "-" {
			name = tag
		}
		st.fields = append(st.fields, field{index: i, name: name, secret: s.keys.match(name) || s.keys.match(f.Name)})
	}
	s.structs.Store(t, st)
	return st
}

func cutComma(s string) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// walkStruct scrubs the exported fields of a struct. Unexported fields are
// not read, and are left out of a replacement. A struct that has unexported
// fields is always replaced by the map of its exported ones, changed or not:
// a handler that prints it with %+v (slog's text handler, Python's str())
// would otherwise print fields the scrubber never read.
func (s *Scrubber) walkStruct(rv reflect.Value, depth int) (any, bool) {
	st := s.structType(rv.Type())
	fs := st.fields
	var out map[string]any
	if st.hidden {
		out = make(map[string]any, len(fs))
		for _, f := range fs {
			out[f.name] = original(rv.Field(f.index))
		}
	}
	for _, f := range fs {
		fv := rv.Field(f.index)
		var nx any
		var ok bool
		if f.secret {
			if !s.keepReflect(fv) {
				nx, ok = s.repl, true
			}
		} else {
			nx, ok = s.node(fv, depth+1)
		}
		if !ok {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(fs))
			for _, f := range fs {
				out[f.name] = original(rv.Field(f.index))
			}
		}
		out[f.name] = nx
	}
	return out, out != nil
}
