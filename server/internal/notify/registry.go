package notify

import (
	"context"
	"fmt"
	"slices"
)

// Registry holds the providers a server offers, by type. It is built once at start-up
// and shared by the HTTP layer, the outbox worker and the tests; it is read-only after.
type Registry struct {
	byType map[string]Provider
}

var _ Sender = (*Registry)(nil)

// NewRegistry registers ps; two providers of one type are a programming error.
func NewRegistry(ps ...Provider) (*Registry, error) {
	r := &Registry{byType: make(map[string]Provider, len(ps))}
	for _, p := range ps {
		t := p.Describe().Type
		if _, dup := r.byType[t]; dup || t == "" {
			return nil, fmt.Errorf("notify: provider type %q registered twice or empty", t)
		}
		r.byType[t] = p
	}
	return r, nil
}

// Provider returns the provider of a channel type.
func (r *Registry) Provider(typ string) (Provider, bool) {
	p, ok := r.byType[typ]
	return p, ok
}

// Types returns the registered types, sorted.
func (r *Registry) Types() []string {
	out := make([]string, 0, len(r.byType))
	for t := range r.byType {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Descriptions describes every provider, sorted by type.
func (r *Registry) Descriptions() []Description {
	out := make([]Description, 0, len(r.byType))
	for _, t := range r.Types() {
		out = append(out, r.byType[t].Describe())
	}
	return out
}

// DescriptionsFor describes every provider as the organization sees it: Unavailable
// says whether its channels of the type can deliver now.
func (r *Registry) DescriptionsFor(ctx context.Context, orgID string) ([]Description, error) {
	out := r.Descriptions()
	for i, d := range out {
		why, err := r.UnavailableFor(ctx, orgID, d.Type)
		if err != nil {
			return nil, err
		}
		out[i].Unavailable = why
	}
	return out, nil
}

// UnavailableFor says why the organization's channels of a type cannot deliver at all
// now, or "" when they may: every send to them would fail permanently with that reason.
func (r *Registry) UnavailableFor(ctx context.Context, orgID, typ string) (string, error) {
	p, ok := r.byType[typ]
	if !ok {
		return fmt.Sprintf("This server has no %q channel type.", typ), nil
	}
	op, ok := p.(OrganizationProvider)
	if !ok {
		return p.Describe().Unavailable, nil
	}
	why, err := op.UnavailableFor(ctx, orgID)
	if err != nil {
		return "", fmt.Errorf("notify: is %s deliverable: %w", typ, err)
	}
	return why, nil
}

// Send delivers msg through the provider of ch's type. A type no longer offered (a
// provider removed from the server) fails permanently.
func (r *Registry) Send(ctx context.Context, ch Channel, msg Message) error {
	p, ok := r.byType[ch.Type]
	if !ok {
		return Permanent(fmt.Errorf("notify: channel %s: this server has no %q channel type", ch.ID, ch.Type))
	}
	return p.Send(ctx, ch, msg)
}

// Test sends msg as a test of ch, through the provider's own test when it has one.
func (r *Registry) Test(ctx context.Context, ch Channel, msg Message) error {
	p, ok := r.byType[ch.Type]
	if !ok {
		return Permanent(fmt.Errorf("notify: channel %s: this server has no %q channel type", ch.ID, ch.Type))
	}
	if t, ok := p.(Tester); ok {
		return t.Test(ctx, ch, msg)
	}
	return p.Send(ctx, ch, msg)
}
