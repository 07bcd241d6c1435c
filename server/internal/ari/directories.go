package ari

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"sync"

	"certinel.dev/server/internal/certs"
	"certinel.dev/server/internal/store"
)

// orgDirectories matches a leaf to an ACME directory, and the client to
// ask it with: a directory the organization added for the leaf's issuing
// CA first, asked trusting the organization's CA bundles too, else a
// built-in one, asked trusting the system's roots only. It loads each
// organization's directories and bundles once per tick, and carries the
// tick's breaker of failing directories.
type orgDirectories struct {
	store   *store.Store
	client  *Client
	breaker breaker
	mu      sync.Mutex
	orgs    map[string]orgCAs
}

type orgCAs struct {
	byKey  map[string]string // directory URL by issuer key ID
	client *Client           // nil until one of the directories is asked
}

func (o *orgDirectories) match(ctx context.Context, orgID string, leaf *x509.Certificate) (string, *Client, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	org, ok := o.orgs[orgID]
	if !ok {
		list, err := o.store.ListACMEDirectories(ctx, orgID)
		if err != nil {
			return "", nil, fmt.Errorf("ari: directories: %w", err)
		}
		org.byKey = make(map[string]string, len(list))
		for _, d := range list {
			org.byKey[d.IssuerKeyID] = d.DirectoryURL
		}
		o.orgs[orgID] = org
	}
	dir, ok := org.byKey[hex.EncodeToString(leaf.AuthorityKeyId)]
	if !ok || len(leaf.AuthorityKeyId) == 0 {
		dir, _ = BuiltinDirectory(leaf)
		return dir, o.client, nil
	}
	if org.client == nil {
		c, err := o.orgClient(ctx, orgID)
		if err != nil {
			return "", nil, err
		}
		org.client = c
		o.orgs[orgID] = org
	}
	return dir, org.client, nil
}

// orgClient is the client trusting the organization's CA bundles.
func (o *orgDirectories) orgClient(ctx context.Context, orgID string) (*Client, error) {
	bundles, err := o.store.ListCABundles(ctx, orgID)
	if err != nil {
		return nil, fmt.Errorf("ari: ca bundles: %w", err)
	}
	var roots []*x509.Certificate
	for _, b := range bundles {
		// Bundles were validated on upload; one that no longer parses is
		// left out rather than stopping every lookup.
		cs, _ := certs.ParsePEMBundle([]byte(b.PEM), 0)
		for _, c := range cs {
			roots = append(roots, c.X509)
		}
	}
	if len(roots) == 0 {
		return o.client, nil
	}
	return o.client.WithRoots(roots)
}

// close releases the connections of the clients made for this tick.
func (o *orgDirectories) close() {
	for _, org := range o.orgs {
		if org.client != nil && org.client != o.client {
			org.client.CloseIdleConnections()
		}
	}
}
