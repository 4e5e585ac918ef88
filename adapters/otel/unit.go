package codexotel

import "fmt"

// A Unit is the unit a metric is reported in, spelled as OpenTelemetry
// spells units (UCUM): "s", "ms", "By", "{token}".
type Unit string

// The units the adapter converts between. Any other Unit may be given to
// [WithUnit] as a label; it converts nothing.
const (
	Nanosecond  Unit = "ns"
	Microsecond Unit = "us"
	Millisecond Unit = "ms"
	Second      Unit = "s"
	Byte        Unit = "By"
	Kilobyte    Unit = "kBy"
	Megabyte    Unit = "MBy"
	Kibibyte    Unit = "KiBy"
	Mebibyte    Unit = "MiBy"
)

// unitScale is each convertible unit in its base unit (nanoseconds or bytes),
// and the dimension it belongs to.
var unitScale = map[Unit]struct {
	dim   string
	scale float64
}{
	Nanosecond: {"time", 1}, Microsecond: {"time", 1e3}, Millisecond: {"time", 1e6}, Second: {"time", 1e9},
	Byte: {"bytes", 1}, Kilobyte: {"bytes", 1e3}, Megabyte: {"bytes", 1e6}, Kibibyte: {"bytes", 1 << 10}, Mebibyte: {"bytes", 1 << 20},
}

// conversion returns the factor that turns a value in from into one in to.
func conversion(from, to Unit) (float64, error) {
	if from == to {
		return 1, nil
	}
	f, ok1 := unitScale[from]
	t, ok2 := unitScale[to]
	if !ok1 || !ok2 || f.dim != t.dim {
		return 0, fmt.Errorf("codexotel: cannot convert %q to %q", from, to)
	}
	return f.scale / t.scale, nil
}
