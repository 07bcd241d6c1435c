package filesource

import (
	"errors"
	"fmt"

	"certinel.dev/shared/wire"
)

// fileError is why one file gave no items; kind is one of wire's FileKind
// values. Its text goes to the server, so it never holds a password or
// key material.
type fileError struct {
	kind string
	msg  string
}

func (e *fileError) Error() string { return e.msg }

func malformed(format string, args ...any) error {
	return &fileError{kind: wire.FileKindMalformed, msg: fmt.Sprintf(format, args...)}
}

func passwordError(format string, args ...any) error {
	return &fileError{kind: wire.FileKindPassword, msg: fmt.Sprintf(format, args...)}
}

// kindOf maps an error of this package to its wire kind; an error from
// elsewhere is a file the agent could not parse.
func kindOf(err error) string {
	var fe *fileError
	if errors.As(err, &fe) {
		return fe.kind
	}
	return wire.FileKindMalformed
}
