package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/identity"
	"certinel.dev/shared/wire"
)

// Polling an enrollment that waits for approval: soon at first (an admin
// may be watching the dashboard), then once every half minute.
const (
	pollFirst = 2 * time.Second
	pollMax   = 30 * time.Second
)

// await polls the enrollment until an admin approves it (its certificate),
// rejects it or lets it expire (an error, and the pending key goes), or
// e.wait passes (an error; the key stays for the next run to resume).
// announced is the server's fingerprint of the key, when it just gave one.
func (e enrollment) await(ctx context.Context, p identity.Pending, announced string) (wire.CertificateResponse, error) {
	fingerprint, err := identity.Fingerprint(p.Key)
	if err != nil {
		return wire.CertificateResponse{}, err
	}
	if announced != "" && announced != fingerprint {
		return wire.CertificateResponse{}, fmt.Errorf("the server holds enrollment %s for key %s, not this agent's %s", p.EnrollmentID, announced, fingerprint)
	}
	fmt.Fprintf(e.out, "key fingerprint %s\nwaiting for an admin's approval of enrollment %s (up to %s; the same command resumes the wait)\n",
		fingerprint, p.EnrollmentID, e.wait)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, e.wait)
	defer cancel()
	delay := pollFirst
	for {
		got, err := e.client.PollEnrollment(ctx, e.joinToken, p.EnrollmentID)
		if err == nil && !got.Pending() {
			return got.CertificateResponse, nil
		}
		if err != nil {
			if ended := enrollmentEnded(err, p.EnrollmentID); ended != nil {
				return wire.CertificateResponse{}, errors.Join(ended, e.dir.RemovePending())
			}
			if !retryable(err) {
				return wire.CertificateResponse{}, err
			}
			e.log.Warn("asking for the enrollment's outcome failed; trying again", "error", err)
		}
		select {
		case <-ctx.Done():
			if parent.Err() != nil {
				return wire.CertificateResponse{}, fmt.Errorf("stopped waiting for enrollment %s (key kept: run the same command again to resume): %w",
					p.EnrollmentID, parent.Err())
			}
			return wire.CertificateResponse{}, fmt.Errorf("enrollment %s not approved within %s (key kept: run the same command again to keep waiting)",
				p.EnrollmentID, e.wait)
		case <-time.After(delay):
		}
		delay = min(delay*2, pollMax)
	}
}

// enrollmentEnded turns the server's refusal of a rejected or expired
// enrollment into the error the user reads; nil for any other error.
func enrollmentEnded(err error, id string) error {
	var serr *client.StatusError
	if !errors.As(err, &serr) || serr.Status != http.StatusForbidden {
		return nil
	}
	switch serr.Code {
	case wire.EnrollmentRejected:
		return fmt.Errorf("an admin rejected enrollment %s: ask for a new join token", id)
	case wire.EnrollmentExpired:
		return fmt.Errorf("enrollment %s expired before an admin approved it: ask for a new join token", id)
	}
	return nil
}

// retryable tells whether a failed poll may succeed later: the network or
// the server failed, rather than the server refusing the token.
func retryable(err error) bool {
	var serr *client.StatusError
	return !errors.As(err, &serr) || serr.Status >= 500 || serr.Status == http.StatusTooManyRequests
}
