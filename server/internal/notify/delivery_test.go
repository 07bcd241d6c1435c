package notify_test

import (
	"testing"

	"certinel.dev/server/internal/notify"
)

func TestDeliveryID(t *testing.T) {
	msg := func(ids ...string) notify.Message {
		var m notify.Message
		for _, id := range ids {
			m.Events = append(m.Events, notify.Event{ID: id, Type: notify.TypeExpiring})
		}
		return m
	}
	a, b := notify.Channel{ID: "ch_a"}, notify.Channel{ID: "ch_b"}
	id := notify.DeliveryID(a, msg("evt_1", "evt_2"))
	if again := notify.DeliveryID(a, msg("evt_1", "evt_2")); again != id {
		t.Errorf("the same delivery got %q and %q", id, again)
	}
	for name, other := range map[string]string{
		"other channel":         notify.DeliveryID(b, msg("evt_1", "evt_2")),
		"other events":          notify.DeliveryID(a, msg("evt_1")),
		"events run together":   notify.DeliveryID(a, msg("evt_1evt_2")),
		"channel and event cut": notify.DeliveryID(notify.Channel{ID: "ch_aevt_1"}, msg("evt_2")),
	} {
		if other == id {
			t.Errorf("%s: same id %q", name, id)
		}
	}
}
