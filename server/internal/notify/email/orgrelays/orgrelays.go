// Package orgrelays hands the email provider the SMTP relays organizations' owners
// stored, so neither the store nor the email package needs to know the other.
package orgrelays

import (
	"context"
	"errors"

	"certinel.dev/server/internal/notify/email"
	"certinel.dev/server/internal/store"
)

// Store reads organizations' relays from st.
func Store(st *store.Store) email.Relays { return fromStore{st} }

type fromStore struct{ st *store.Store }

func (f fromStore) OrganizationRelay(ctx context.Context, orgID string) (email.Config, bool, error) {
	r, err := f.st.SMTPRelay(ctx, orgID)
	if errors.Is(err, store.ErrNotFound) {
		return email.Config{}, false, nil
	}
	if err != nil {
		return email.Config{}, false, err
	}
	return email.Config{Host: r.Host, Port: r.Port, TLS: r.TLS, Username: r.Username, Password: r.Password, From: r.From}, true, nil
}
