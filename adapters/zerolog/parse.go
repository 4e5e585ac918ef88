package codexzerolog

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/codextel/codextel/core/eventjson"
	"github.com/codextel/codextel/core/pylog"
)

// parseLine fills r from one line of zerolog JSON (see NewPythonLogger). When
// levelKnown is false the level is read from the level field. A line that is
// not a JSON object (zerolog built with the binary_log tag writes CBOR) becomes
// the message as it is.
func parseLine(r *pylog.Record, p []byte, level pylog.Level, levelKnown bool) {
	r.Level = level
	r.Logger = "root"
	line := strings.TrimSuffix(string(p), "\n")
	v, err := eventjson.ParseValue(line)
	if err != nil || v.Kind() != slog.KindGroup {
		r.Message = line
		r.Time = time.Now()
		return
	}
	for _, a := range v.Group() {
		if a.Key == "" {
			r.Attrs = append(r.Attrs, a)
			continue
		}
		s, isString := a.Value.Any().(string)
		switch a.Key {
		case zerolog.LevelFieldName:
			if !levelKnown {
				if l, err := zerolog.ParseLevel(s); isString && err == nil {
					r.Level = PythonLevel(l)
				}
			}
			continue
		case zerolog.MessageFieldName:
			if isString {
				r.Message = s
				continue
			}
		case zerolog.TimestampFieldName:
			if t, ok := parseTime(a.Value); ok {
				r.Time = t
				continue
			}
		case LoggerKey:
			if isString {
				r.Logger = s
				continue
			}
		case zerolog.ErrorFieldName:
			if isString {
				r.Err = errors.New(s)
				continue
			}
		case zerolog.CallerFieldName:
			if i := strings.LastIndexByte(s, ':'); isString && i > 0 {
				if n, err := strconv.Atoi(s[i+1:]); err == nil {
					r.File, r.Line = s[:i], n
					continue
				}
			}
		}
		r.Attrs = append(r.Attrs, a)
	}
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
}

// parseTime reads a time zerolog wrote with zerolog.TimeFieldFormat.
func parseTime(v slog.Value) (time.Time, bool) {
	switch zerolog.TimeFieldFormat {
	case zerolog.TimeFormatUnix, zerolog.TimeFormatUnixMs, zerolog.TimeFormatUnixMicro, zerolog.TimeFormatUnixNano:
		if v.Kind() != slog.KindInt64 {
			return time.Time{}, false
		}
		n := v.Int64()
		switch zerolog.TimeFieldFormat {
		case zerolog.TimeFormatUnixMs:
			return time.UnixMilli(n), true
		case zerolog.TimeFormatUnixMicro:
			return time.UnixMicro(n), true
		case zerolog.TimeFormatUnixNano:
			return time.Unix(0, n), true
		}
		return time.Unix(n, 0), true
	}
	if v.Kind() != slog.KindString {
		return time.Time{}, false
	}
	t, err := time.Parse(zerolog.TimeFieldFormat, v.String())
	return t, err == nil
}
