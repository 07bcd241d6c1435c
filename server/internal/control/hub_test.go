package control

import "testing"

func woken(p *Poll) bool {
	select {
	case <-p.C():
		return true
	default:
		return false
	}
}

// TestHubBoundsAndWakes: the hub holds at most its bound of polls, frees a
// place when one closes, wakes only the agent named, and on shutdown wakes
// every poll and refuses new ones.
func TestHubBoundsAndWakes(t *testing.T) {
	h := NewHub(2)
	a, okA := h.Open("agent-a")
	b, okB := h.Open("agent-b")
	if !okA || !okB {
		t.Fatal("hub refused a poll below its bound")
	}
	if _, ok := h.Open("agent-c"); ok {
		t.Fatal("hub took a poll beyond its bound")
	}
	h.Wake("agent-a")
	if !woken(a) || woken(b) {
		t.Fatal("Wake reached the wrong poll")
	}
	b.Close()
	b.Close() // twice is harmless
	if h.Len() != 1 {
		t.Fatalf("hub holds %d polls after a close, want 1", h.Len())
	}
	c, ok := h.Open("agent-c")
	if !ok {
		t.Fatal("hub did not free the place of a closed poll")
	}
	h.Close()
	if !woken(a) || !woken(c) || !a.Closing() {
		t.Fatal("shutdown did not wake the held polls")
	}
	if _, ok := h.Open("agent-d"); ok {
		t.Fatal("hub took a poll while shutting down")
	}
}
