// Package console is codextel's console format: one short, aligned line
// per record for a person at a terminal, with the level in colour when
// asked, in the manner of zap's development encoder or slog's text handler.
//
//	10:52:12.345 INFO     codex.thread  Thread 01a2… started  source=exec model=gpt-5.5
//
// The line is the record's time (hours to milliseconds, in the formatter's
// location), its level padded to the longest level name, its logger, its
// message, then its fields as key=value. The fields that identify rather
// than describe (the correlation ids, system_time and monotonic_time) are
// left out: the Python formats and the native ones carry them. A string
// value that is empty or holds a space, a quote, '=' or a control
// character is quoted as Go quotes it; a message's further lines are
// indented under it, and its other control characters escaped.
//
// It is a [pylog.RecordFormatter], so it writes through any of the log
// adapters' Python loggers (codexzap.NewPythonLogger, codexslog's
// NewPythonHandler, ...) unchanged. It lives with the command, not in the
// adapters: an application that wants a console format already has its
// library's (zap's development config, slog.TextHandler), which the
// adapters feed as they are.
package console

import (
	"log/slog"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/codextel/codextel/core/correlation"
	"github.com/codextel/codextel/core/pylog"
)

// ANSI SGR sequences.
const (
	reset = "\x1b[0m"
	faint = "\x1b[2m"
)

// levelColors are the SGR sequences of the levels, by Python level name.
var levelColors = map[string]string{
	"DEBUG":    "\x1b[35m",   // magenta
	"INFO":     "\x1b[34m",   // blue
	"WARNING":  "\x1b[33m",   // yellow
	"ERROR":    "\x1b[31m",   // red
	"CRITICAL": "\x1b[1;31m", // bold red
}

// levelWidth is the width the level is padded to: len("CRITICAL").
const levelWidth = 8

// Formatter writes records in the console format. Its zero value writes
// without colour, in UTC.
type Formatter struct {
	// Color writes the level in colour and the field names faint (ANSI
	// escape sequences).
	Color bool
	// Location is the time zone of the time; nil is UTC.
	Location *time.Location
}

var _ pylog.RecordFormatter = (*Formatter)(nil)

// hidden are the fields the console format leaves out.
var hidden = func() map[string]bool {
	m := map[string]bool{"system_time": true, "monotonic_time": true}
	for _, k := range correlation.Keys() {
		m[k] = true
	}
	return m
}()

// Append appends r's line, without its newline, to dst. It is safe for
// concurrent use.
func (f *Formatter) Append(dst []byte, r *pylog.Record) []byte {
	t := r.Time
	if f.Location != nil {
		t = t.In(f.Location)
	} else {
		t = t.UTC()
	}
	dst = t.AppendFormat(dst, "15:04:05.000")
	dst = append(dst, ' ')
	name := r.Level.String()
	if f.Color {
		if c, ok := levelColors[name]; ok {
			dst = append(dst, c...)
			dst = append(dst, name...)
			dst = append(dst, reset...)
		} else {
			dst = append(dst, name...)
		}
	} else {
		dst = append(dst, name...)
	}
	for i := len(name); i < levelWidth; i++ {
		dst = append(dst, ' ')
	}
	dst = append(dst, ' ')
	dst = append(dst, r.Logger...)
	dst = append(dst, "  "...)
	dst = appendMessage(dst, r.Message)
	for _, a := range r.Attrs {
		if hidden[a.Key] {
			continue
		}
		dst = f.appendField(dst, a.Key, a.Value)
	}
	if r.Err != nil {
		dst = f.appendField(dst, "error", slog.StringValue(r.Err.Error()))
	}
	return dst
}

// appendMessage appends msg with each of its further lines indented and
// its other control characters escaped (\x1b for ESC): a message quoting a
// tool's output must not drive the terminal.
func appendMessage(dst []byte, msg string) []byte {
	for _, r := range msg {
		switch {
		case r == '\n':
			dst = append(dst, "\n    "...)
		case r == '\t':
			dst = append(dst, '\t')
		case r < ' ' || r == 0x7f:
			dst = append(dst, `\x`...)
			dst = append(dst, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&15])
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}

func (f *Formatter) appendField(dst []byte, key string, v slog.Value) []byte {
	dst = append(dst, ' ')
	if f.Color {
		dst = append(dst, faint...)
		dst = append(dst, key...)
		dst = append(dst, '=')
		dst = append(dst, reset...)
	} else {
		dst = append(dst, key...)
		dst = append(dst, '=')
	}
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return appendString(dst, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(dst, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(dst, v.Uint64(), 10)
	case slog.KindFloat64:
		return strconv.AppendFloat(dst, v.Float64(), 'g', -1, 64)
	case slog.KindBool:
		return strconv.AppendBool(dst, v.Bool())
	case slog.KindDuration:
		return append(dst, v.Duration().String()...)
	case slog.KindTime:
		return v.Time().UTC().AppendFormat(dst, time.RFC3339Nano)
	}
	return appendString(dst, v.String())
}

// appendString appends s, quoted when it would not read as one value.
func appendString(dst []byte, s string) []byte {
	if needsQuote(s) {
		return strconv.AppendQuote(dst, s)
	}
	return append(dst, s...)
}

func needsQuote(s string) bool {
	if s == "" {
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == '=' || r == '"' || r == 0x7f || r == utf8.RuneError {
			return true
		}
	}
	return false
}
