package notify

import (
	"crypto/sha256"
	"encoding/hex"
)

// AlertKey names the problem an event is about, the same for the event that raises it,
// its reminders and the event that resolves it: PagerDuty's dedup key, Opsgenie's
// alias. It holds IDs only, never names, so a rename does not split an incident, and
// stays short (a CRL's URL is hashed): PagerDuty allows 255 characters, Opsgenie 512.
func AlertKey(e Event) string {
	typ := e.Type
	if typ == TypeResolved {
		typ = e.Resolves
	}
	key := "certinel/" + e.Organization.ID + "/" + typ
	switch {
	case e.Domain != nil:
		key += "/domain/" + e.Domain.ID
	case e.RevocationSource != nil:
		sum := sha256.Sum256([]byte(e.RevocationSource.URL))
		key += "/" + e.RevocationSource.Kind + "/" + hex.EncodeToString(sum[:16])
	case e.Agent != nil:
		key += "/agent/" + e.Agent.ID
	default:
		key += "/event/" + e.ID
	}
	return key
}
