package httppost_test

import (
	"context"
	"testing"

	"certinel.dev/server/internal/netguard"
	"certinel.dev/server/internal/notify/httppost"
)

func TestGuardHost(t *testing.T) {
	check := httppost.GuardHost(netguard.New(false), nil)
	ctx := context.Background()
	if err := check(ctx, "127.0.0.1"); err == nil || err.Error() != `host "127.0.0.1" resolves to 127.0.0.1 (loopback), which alert channels may not reach` {
		t.Errorf("loopback: %v", err)
	}
	if err := check(ctx, "169.254.169.254"); err == nil {
		t.Error("metadata endpoint allowed")
	}
	if err := check(ctx, "93.184.215.14"); err != nil {
		t.Errorf("public address refused: %v", err)
	}
	if err := httppost.GuardHost(netguard.New(true), nil)(ctx, "10.1.2.3"); err != nil {
		t.Errorf("private address refused with AllowPrivate: %v", err)
	}
}

func TestExceptPassesKnownHostsOnly(t *testing.T) {
	// 127.0.0.2 stands for a known service host: it is passed without a lookup,
	// whatever it would resolve to; any other host is still checked.
	check := httppost.GuardHost(netguard.New(false), nil).Except("127.0.0.2", "Events.Example.com")
	ctx := context.Background()
	for _, host := range []string{"127.0.0.2", "events.example.com"} {
		if err := check(ctx, host); err != nil {
			t.Errorf("known host %s refused: %v", host, err)
		}
	}
	if err := check(ctx, "127.0.0.1"); err == nil {
		t.Error("loopback allowed by Except")
	}
	if httppost.CheckHost(nil).Except("x") != nil {
		t.Error("nil check became a check")
	}
}
