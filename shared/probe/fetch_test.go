package probe

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"sync"
	"testing"
	"time"

	"certinel.dev/shared/wire"
)

func TestFetch(t *testing.T) {
	cert := selfSigned(t, leafSpec{})
	srv := serveTLS(t, cert, nil)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	targets := []wire.Target{
		{ID: "ok", Host: srv.host, Port: srv.port},
		{ID: "closed", Host: "127.0.0.1", Port: closedPort, Protocol: "tls"},
		{ID: "guarded", Host: srv.host, Port: srv.port, TimeoutMS: 500},
	}
	dialled := 0
	var mu sync.Mutex
	var got = map[string]wire.Result{}
	opts := FetchOptions{Concurrency: 2, Timeout: 2 * time.Second, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		mu.Lock()
		dialled++
		mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, network, address)
	}}
	Fetch(context.Background(), targets, opts, func(r wire.Result) {
		mu.Lock()
		defer mu.Unlock()
		got[r.TargetID] = r
	})
	if dialled != 3 || len(got) != 3 {
		t.Fatalf("dialled %d, results %d", dialled, len(got))
	}
	ok := got["ok"]
	der, err := base64.StdEncoding.DecodeString(ok.Chain[0])
	if err != nil || ok.Error != "" || fingerprintOf(cert.Certificate[0]) != fingerprintOf(der) || ok.TLSVersion == "" || ok.ObservedAt.IsZero() {
		t.Errorf("ok result: %+v", ok)
	}
	if c := got["closed"]; c.ErrorKind != string(KindRefused) || len(c.Chain) != 0 {
		t.Errorf("closed port: %+v", c)
	}
}

func fingerprintOf(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
