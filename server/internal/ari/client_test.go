package ari_test

import (
	"errors"
	"testing"
	"time"

	"certinel.dev/server/internal/ari"
	"certinel.dev/server/internal/netguard"
)

func TestLookupAgainstPebble(t *testing.T) {
	p := startPebble(t)
	acct := p.account(t)
	leaf := acct.issue(t, "ari.example.test")[0]
	c := ari.NewClient(p.guardedClient(true), nil)

	info, err := c.Lookup(t.Context(), p.Directory, leaf)
	if err != nil {
		t.Fatalf("lookup: %v", err)
	}
	w := info.Window
	if w.Start.Before(leaf.NotBefore) || w.End.After(leaf.NotAfter) || !w.End.After(w.Start) {
		t.Errorf("window %s – %s outside the certificate's life %s – %s", w.Start, w.End, leaf.NotBefore, leaf.NotAfter)
	}
	// Pebble suggests two days around two thirds of the lifetime.
	twoThirds := leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) * 2 / 3)
	if d := twoThirds.Sub(w.Start); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("window starts %s before two thirds of the lifetime, want a day", d)
	}
	if info.RetryAfter != 6*time.Hour {
		t.Errorf("retry after %s, want Pebble's 6h", info.RetryAfter)
	}

	acct.revoke(t, leaf)
	info, err = c.Lookup(t.Context(), p.Directory, leaf)
	if err != nil {
		t.Fatalf("lookup after revocation: %v", err)
	}
	if !info.Window.Start.Before(w.Start) || !info.Window.Start.Before(time.Now()) {
		t.Errorf("after revocation the window starts %s, want earlier than %s and in the past", info.Window.Start, w.Start)
	}
}

func TestLookupGoesThroughTheGuard(t *testing.T) {
	p := startPebble(t)
	leaf := p.account(t).issue(t, "guarded.example.test")[0]
	c := ari.NewClient(p.guardedClient(false), nil)
	_, err := c.Lookup(t.Context(), p.Directory, leaf)
	if !errors.Is(err, netguard.ErrForbiddenAddress) {
		t.Fatalf("lookup of a loopback CA with private addresses refused: %v, want ErrForbiddenAddress", err)
	}
}
