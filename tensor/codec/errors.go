package codec

import (
	"errors"
	"fmt"
	"io"
)

// ErrFormat is wrapped by every error that reports malformed input: a bad
// magic number, an unparsable or inconsistent header, an unsupported dtype,
// truncated data, an undecodable image. Test with errors.Is(err,
// codec.ErrFormat); I/O failures (a missing file, a failing disk) do not wrap
// it.
var ErrFormat = errors.New("malformed input")

// formatError is a malformed-input error: its text is the detailed message
// alone, and it unwraps to both ErrFormat and whatever the message wraps.
type formatError struct{ err error }

func (e *formatError) Error() string   { return e.err.Error() }
func (e *formatError) Unwrap() []error { return []error{ErrFormat, e.err} }

// formatf builds a malformed-input error (fmt.Errorf syntax, %w allowed).
func formatf(format string, args ...any) error {
	return &formatError{fmt.Errorf(format, args...)}
}

// readFailed reports a failed read of what: an end of input inside the file
// is truncation (malformed input, as io.ErrUnexpectedEOF), anything else an
// I/O error passed on as it is.
func readFailed(what string, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return formatf("%s: %w", what, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("%s: %w", what, err)
}
