package runner

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"testing"

	"certinel.dev/shared/wire"
)

// TestResultsCarryStaple: the OCSP response a target staples reaches the
// server with its result, byte for byte; a target that staples nothing
// sends none.
func TestResultsCarryStaple(t *testing.T) {
	root := issue(t, "Test Root", "ecdsa", nil, true)
	staple := make([]byte, 2000)
	rand.Read(staple)
	cert := serverCert(issue(t, "stapled.test", "ecdsa", &root, false))
	stapled := cert
	stapled.OCSPStaple = staple
	var targets []wire.Target
	for id, c := range map[string]tls.Certificate{"stapled": stapled, "plain": cert} {
		host, port := serveTLS(t, "tcp4", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{c}})
		targets = append(targets, wire.Target{ID: id, Host: host, Port: port, Protocol: "tls"})
	}
	e := newEnv(t, targets)
	if _, err := e.runner.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := byTarget(e.fake)
	if res := got["stapled"]; len(res) != 1 {
		t.Fatalf("stapled: %d results, want 1", len(res))
	} else if der, err := base64.StdEncoding.DecodeString(res[0].OCSPStaple); err != nil || !bytes.Equal(der, staple) {
		t.Errorf("stapled: staple of %d bytes (%v), want the %d served", len(der), err, len(staple))
	}
	if res := got["plain"]; len(res) != 1 || res[0].OCSPStaple != "" || res[0].OCSPStapleDropped != 0 {
		t.Errorf("plain: %+v, want one result without a staple", res)
	}
}
