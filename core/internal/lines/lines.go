// Package lines reads a stream one line at a time, with a bound on the line
// length that does not stop the stream: a longer line is consumed to its end,
// reported with an excerpt, and reading goes on.
package lines

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// DefaultLimit is the longest line codextel's readers accept unless told
// otherwise: 16 MiB (Codex's command output can be large).
const DefaultLimit = 16 << 20

// HeadLimit is how much of a line over the limit a [TooLongError] keeps in
// Head: enough to scrub a secret that starts in the excerpt as a whole.
const HeadLimit = 64 << 10

// A TooLongError reports a line over the limit; the line has been skipped.
type TooLongError struct {
	Line    int
	Limit   int
	Excerpt string // the start of the line, at most 60 bytes, valid UTF-8
	// Head is the start of the line, at most HeadLimit bytes, as read (it
	// may end inside a rune), valid until the Reader's next call. Callers
	// that scrub secrets from the excerpt scrub Head and cut the result, so
	// that a secret the 60-byte cut would halve is still found whole.
	Head []byte
}

func (e *TooLongError) Error() string {
	return fmt.Sprintf("line %d: over %d bytes", e.Line, e.Limit)
}

// A Reader reads lines. It keeps only the current line in memory.
type Reader struct {
	r     *bufio.Reader
	line  int
	limit int
	buf   []byte
}

// NewReader returns a Reader of r accepting lines up to limit bytes, not
// counting the line terminator.
func NewReader(r io.Reader, limit int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), limit: limit}
}

// Line returns the number of the last line read, from 1.
func (l *Reader) Line() int { return l.line }

// Next returns the next line without its "\n" or "\r\n". The slice is valid
// until the next call. At the end of the stream it returns io.EOF; for a line
// over the limit, a *TooLongError, after which it can be called again.
func (l *Reader) Next() ([]byte, error) {
	l.buf = l.buf[:0]
	over := false
	for {
		chunk, err := l.r.ReadSlice('\n')
		switch {
		case over:
			if len(l.buf) < HeadLimit {
				l.buf = append(l.buf, chunk[:min(len(chunk), HeadLimit-len(l.buf))]...)
			}
		case len(l.buf)+len(chunk) <= l.limit+1: // +1: the newline
			l.buf = append(l.buf, chunk...)
		default:
			over = true
			l.buf = append(l.buf, chunk[:min(len(chunk), max(HeadLimit-len(l.buf), 0))]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if err != nil && len(l.buf) == 0 && !over {
			return nil, io.EOF
		}
		l.line++
		if over {
			head := bytes.TrimSuffix(l.buf[:min(len(l.buf), HeadLimit)], []byte{'\n'})
			return nil, &TooLongError{Line: l.line, Limit: l.limit, Excerpt: Excerpt(head), Head: head}
		}
		line := bytes.TrimSuffix(l.buf, []byte{'\n'})
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
}

// Excerpt returns the start of b, at most 60 bytes cut at a rune boundary,
// with invalid UTF-8 replaced by U+FFFD.
func Excerpt(b []byte) string {
	if len(b) > 60 {
		b = b[:60]
		for len(b) > 0 && !utf8.Valid(b) && len(b) > 56 {
			b = b[:len(b)-1]
		}
	}
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
}
