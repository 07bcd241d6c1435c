// Package control is the server's side of the agents' control channels:
// it knows which agents hold a poll open on this replica, wakes them when a
// command is stored for them, and hears of commands stored on other
// replicas through PostgreSQL LISTEN/NOTIFY.
package control

import (
	"sync"
)

// Hub tracks the polls held open on this replica, bounded in number so that
// their memory is bounded too.
type Hub struct {
	mu     sync.Mutex
	max    int
	open   int
	polls  map[string]map[*Poll]struct{}
	closed bool
}

// Poll is one held request; C receives when it should look for commands
// again (or the server is shutting down, see Closing).
type Poll struct {
	agentID string
	wake    chan struct{}
	hub     *Hub
}

// NewHub returns a hub that holds at most max polls at once.
func NewHub(max int) *Hub {
	return &Hub{max: max, polls: make(map[string]map[*Poll]struct{})}
}

// Open registers a poll of the agent. It answers false when the hub is
// full or shutting down: the caller answers 503 and the agent comes back
// later, falling back to its schedule meanwhile.
func (h *Hub) Open(agentID string) (*Poll, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.open >= h.max {
		return nil, false
	}
	p := &Poll{agentID: agentID, wake: make(chan struct{}, 1), hub: h}
	set := h.polls[agentID]
	if set == nil {
		set = make(map[*Poll]struct{}, 1)
		h.polls[agentID] = set
	}
	set[p] = struct{}{}
	h.open++
	return p, true
}

// C is where the poll hears it was woken.
func (p *Poll) C() <-chan struct{} { return p.wake }

// Close unregisters the poll.
func (p *Poll) Close() {
	h := p.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.polls[p.agentID]
	if _, ok := set[p]; !ok {
		return
	}
	delete(set, p)
	if len(set) == 0 {
		delete(h.polls, p.agentID)
	}
	h.open--
}

// Closing tells whether the hub is shutting down.
func (p *Poll) Closing() bool {
	p.hub.mu.Lock()
	defer p.hub.mu.Unlock()
	return p.hub.closed
}

// Wake tells the agent's polls on this replica to look for commands.
func (h *Hub) Wake(agentID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for p := range h.polls[agentID] {
		p.signal()
	}
}

// WakeAll wakes every poll, as after a lost LISTEN connection, when
// notifications may have been missed.
func (h *Hub) WakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.polls {
		for p := range set {
			p.signal()
		}
	}
}

// Close refuses new polls and wakes the held ones, so that they answer at
// once and the HTTP server's shutdown need not wait out their timeouts.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.WakeAll()
}

// Len counts the polls held now.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.open
}

func (p *Poll) signal() {
	select {
	case p.wake <- struct{}{}:
	default: // already woken and not yet looked
	}
}
