package notify

import (
	"encoding/json"
	"fmt"
	"strings"
)

// DecodeEvents reads an outbox payload: one event, or a list of the events
// one message carries (every problem a domain has, found together).
func DecodeEvents(payload string) ([]Event, error) {
	if strings.HasPrefix(strings.TrimSpace(payload), "[") {
		var list []Event
		if err := json.Unmarshal([]byte(payload), &list); err != nil {
			return nil, fmt.Errorf("notify: decode events: %w", err)
		}
		return list, nil
	}
	var e Event
	if err := json.Unmarshal([]byte(payload), &e); err != nil {
		return nil, fmt.Errorf("notify: decode event: %w", err)
	}
	return []Event{e}, nil
}
