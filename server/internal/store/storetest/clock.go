package storetest

import (
	"sync"
	"time"
)

// Clock is a store clock (store.Options.Now) the test moves forward.
type Clock struct {
	mu  sync.Mutex
	off time.Duration
}

// Now is the wall clock moved by what Advance added.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off).UTC()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}
