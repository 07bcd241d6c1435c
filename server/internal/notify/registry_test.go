package notify_test

import (
	"context"
	"encoding/json"
	"testing"

	"certinel.dev/server/internal/notify"
)

// recorder is a provider that remembers what it was asked to deliver.
type recorder struct {
	typ          string
	sent, tested []string
}

func (r *recorder) Describe() notify.Description {
	return notify.Description{Type: r.typ, Label: r.typ}
}
func (r *recorder) Validate(_ context.Context, raw json.RawMessage) (json.RawMessage, error) {
	return raw, nil
}
func (r *recorder) Send(_ context.Context, ch notify.Channel, _ notify.Message) error {
	r.sent = append(r.sent, ch.ID)
	return nil
}

// testingRecorder also has its own test.
type testingRecorder struct{ recorder }

func (r *testingRecorder) Test(_ context.Context, ch notify.Channel, _ notify.Message) error {
	r.tested = append(r.tested, ch.ID)
	return nil
}

func TestRegistryDispatchesByType(t *testing.T) {
	a, b := &recorder{typ: "a"}, &testingRecorder{recorder{typ: "b"}}
	r, err := notify.NewRegistry(b, a)
	if err != nil {
		t.Fatal(err)
	}
	ctx, msg := context.Background(), notify.Message{Events: []notify.Event{{ID: "e"}}}
	for _, ch := range []notify.Channel{{ID: "1", Type: "a"}, {ID: "2", Type: "b"}} {
		if err := r.Send(ctx, ch, msg); err != nil {
			t.Fatal(err)
		}
		if err := r.Test(ctx, ch, msg); err != nil {
			t.Fatal(err)
		}
	}
	if len(a.sent) != 2 || a.sent[0] != "1" || len(b.sent) != 1 || b.sent[0] != "2" || len(b.tested) != 1 || b.tested[0] != "2" {
		t.Errorf("a sent %v; b sent %v, tested %v", a.sent, b.sent, b.tested)
	}
	if err := r.Send(ctx, notify.Channel{ID: "3", Type: "gone"}, msg); !notify.IsPermanent(err) {
		t.Errorf("unknown type: %v, want a permanent error", err)
	}
	if got := r.Types(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("types = %v", got)
	}
	if _, err := notify.NewRegistry(a, &recorder{typ: "a"}); err == nil {
		t.Error("two providers of one type registered")
	}
}

// TestRegistryUnavailableFor: a type the server offers may deliver; one it
// does not offer never can, and says so.
func TestRegistryUnavailableFor(t *testing.T) {
	r, err := notify.NewRegistry(&recorder{typ: "hook"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if why, err := r.UnavailableFor(ctx, "org", "hook"); why != "" || err != nil {
		t.Fatalf("offered type: %q, %v; want deliverable", why, err)
	}
	if why, err := r.UnavailableFor(ctx, "org", "pigeon"); why == "" || err != nil {
		t.Fatalf("type not offered: %q, %v; want a reason", why, err)
	}
}
