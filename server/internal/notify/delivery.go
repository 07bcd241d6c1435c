package notify

import (
	"crypto/sha256"
	"encoding/hex"
)

// DeliveryID names one message to one channel: the same on every retry of it
// (it depends only on the channel and the events it carries, never on time
// or attempt), and different for any other channel or set of events. It is
// the idempotency key receivers deduplicate on: webhooks send it as
// webhook-id, emails carry it in their Message-ID. A sender whose outcome
// was lost (the reply, or the record of it) may deliver a message again;
// this is how the receiving end knows it has seen it.
func DeliveryID(ch Channel, msg Message) string {
	h := sha256.New()
	h.Write([]byte(ch.ID))
	for _, e := range msg.Events {
		h.Write([]byte{0})
		h.Write([]byte(e.ID))
	}
	return "msg_" + hex.EncodeToString(h.Sum(nil)[:16])
}
