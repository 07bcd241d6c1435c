package ari

import (
	"errors"
	"sync"
)

// tripAfter failures of one directory in a row end its lookups for the
// tick: a CA that is down would otherwise hold the tick for a timeout per
// certificate.
const tripAfter = 3

// errDirectoryFailing is recorded on the certificates not asked because
// their CA's directory kept failing during the tick.
var errDirectoryFailing = errors.New("ari: not asked: the CA failed repeatedly during this pass")

// breaker counts each directory's failures in a row during one tick.
type breaker struct {
	mu       sync.Mutex
	failures map[string]int
}

func (b *breaker) check(dir string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failures[dir] >= tripAfter {
		return errDirectoryFailing
	}
	return nil
}

// record counts a lookup's outcome; a CA that answers 404 for one
// certificate is not failing.
func (b *breaker) record(dir string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil || errors.Is(err, ErrUnknownCertificate) {
		b.failures[dir] = 0
		return
	}
	b.failures[dir]++
}
