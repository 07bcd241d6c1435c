package filesource

import (
	"bytes"
	"crypto/x509"
	"strconv"
)

// certItems groups a file's certificates: one item when they form one
// chain, each signed by the next (a server's leaf and intermediates);
// otherwise one item per certificate (a CA bundle).
func certItems(certs []*x509.Certificate, format string) []Item {
	if len(certs) == 0 {
		return nil
	}
	if isChain(certs) {
		chain := make([][]byte, len(certs))
		for i, c := range certs {
			chain[i] = bytes.Clone(c.Raw)
		}
		return []Item{{Format: format, Chain: chain}}
	}
	items := make([]Item, len(certs))
	for i, c := range certs {
		items[i] = Item{Format: format, Chain: [][]byte{bytes.Clone(c.Raw)}}
	}
	return items
}

// isChain tells whether each certificate is issued and signed by the next.
func isChain(certs []*x509.Certificate) bool {
	for i := 0; i+1 < len(certs); i++ {
		child, parent := certs[i], certs[i+1]
		// The name comparison is cheap and rules out most bundles before
		// any signature is checked.
		if !bytes.Equal(child.RawIssuer, parent.RawSubject) || child.CheckSignatureFrom(parent) != nil {
			return false
		}
	}
	return true
}

// numbered names the items of a file that holds several: "#1", "#2"…, in
// the file's order. A file of one item leaves it unnamed.
func numbered(items []Item) []Item {
	if len(items) < 2 {
		return items
	}
	for i := range items {
		items[i].Entry = "#" + strconv.Itoa(i+1)
	}
	return items
}
