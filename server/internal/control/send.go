package control

import (
	"context"
	"encoding/json"
	"fmt"

	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Sender stores commands for agents and wakes their polls: at once on this
// replica, and through the NOTIFY the store sends on PostgreSQL elsewhere.
type Sender struct {
	Store *store.Store
	Hub   *Hub
}

// Send stores a command for an agent of the organization.
func (s *Sender) Send(ctx context.Context, orgID, agentID, kind string, args wire.CommandArgs) error {
	payload, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("control: encode %s command: %w", kind, err)
	}
	if err := s.Store.EnqueueCommand(ctx, orgID, agentID, kind, string(payload)); err != nil {
		return fmt.Errorf("control: %w", err)
	}
	s.Hub.Wake(agentID)
	return nil
}

// Commands turns stored commands into their wire form.
func Commands(rows []store.AgentCommand) []wire.Command {
	out := make([]wire.Command, 0, len(rows))
	for _, r := range rows {
		c := wire.Command{ID: r.ID, Kind: r.Kind}
		// Payloads are written by Send; one that does not decode still
		// goes out with its kind, which is enough for the agent to act.
		_ = json.Unmarshal([]byte(r.Payload), &c.CommandArgs)
		out = append(out, c)
	}
	return out
}
