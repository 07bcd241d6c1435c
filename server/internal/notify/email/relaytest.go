package email

import (
	"context"
	"errors"
	"fmt"

	"github.com/wneessen/go-mail"
)

// ErrNoOrganizationRelay: the organization has not set a relay of its own to test.
var ErrNoOrganizationRelay = errors.New("email: the organization has no SMTP relay of its own")

// TestRelay mails a short test message to one address through the organization's own
// relay as its owner saved it, reached the way its alerts will be (through the guard).
// The error says what went wrong; Explain turns it into a sentence for the owner.
func (s *Provider) TestRelay(ctx context.Context, orgID, orgName, to string) error {
	if _, err := BareAddress(to); err != nil {
		return fmt.Errorf("email: test recipient: %w", err)
	}
	if s.orgs == nil {
		return ErrNoOrganizationRelay
	}
	cfg, ok, err := s.orgs.OrganizationRelay(ctx, orgID)
	if err != nil {
		return fmt.Errorf("email: SMTP relay of organization %s: %w", orgID, err)
	}
	if !ok {
		return ErrNoOrganizationRelay
	}
	relay := s.organizationRelay(cfg)
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.From(relay.From); err != nil {
		return fmt.Errorf("email: from address %q: %w", relay.From, err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("email: test recipient: %w", err)
	}
	m.Subject("Certinel: test of the email relay")
	m.SetDate()
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetBodyString(mail.TypeTextPlain, fmt.Sprintf(
		"This is a test message from Certinel: %s's email alerts are delivered through %s, port %d (TLS: %s).\n",
		orgName, relay.Host, relay.Port, relay.TLS))
	if err := relay.send(ctx, m); err != nil {
		return fmt.Errorf("email: test of the relay: %w", err)
	}
	return nil
}
