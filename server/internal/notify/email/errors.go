package email

import (
	"errors"

	"certinel.dev/server/internal/notify"
	"github.com/wneessen/go-mail"
)

// classify marks the failures that retrying cannot fix: the relay refused a recipient or
// the message itself with a 5xx reply. Everything else is retryable, including 5xx
// replies to AUTH or MAIL FROM: those come from the server-wide SMTP settings, and
// alerts queued while an operator fixes them should still go out.
func classify(err error) error {
	var se *mail.SendError
	if !errors.As(err, &se) || se.IsTemp() || se.ErrorCode() < 500 || se.ErrorCode() > 599 {
		return err
	}
	switch se.Reason {
	case mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose, mail.ErrWriteContent:
		return notify.Permanent(err)
	}
	return err
}
