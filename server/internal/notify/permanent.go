package notify

import "errors"

// permanentError marks an error that retrying cannot fix: the channel's config is wrong,
// or the destination refused the message for good (an SMTP 5xx, an HTTP 4xx other than
// 408 and 429). The outbox stops retrying it and shows it to the customer.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as not worth retrying. It returns nil for nil, so a sender can wrap
// a call's result directly.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or any error it wraps, was marked by Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
