package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// An agent's evaluation time (agents.eval_due_at) works as the domains'
// evaluation_schedule does: a pass reads the agents due and sets each to
// the next instant its alerts can change by themselves, so that a pass
// costs what changed, not how many agents the server holds.

// dueOnCheckIn is the value a check-in gives eval_due_at: an agent with
// no time (new, or evaluated offline) becomes due now; an online agent
// keeps its time, so a heartbeat rewrites no index entry.
func dueOnCheckIn(now time.Time) any {
	return gorm.Expr("COALESCE(eval_due_at, ?)", now)
}

// markAgentsDue makes the organization's agents due now, for a change to
// its rules. Rows are locked in key order, as RescheduleAgents locks them,
// so the two never deadlock on PostgreSQL.
func markAgentsDue(tx *gorm.DB, orgID string, now time.Time) error {
	sql := `UPDATE agents SET eval_due_at = ? WHERE id IN
		(SELECT id FROM agents WHERE organization_id = ? ORDER BY id` + forUpdate(tx) + `)`
	if err := tx.Exec(sql, now, orgID).Error; err != nil {
		return fmt.Errorf("agent evaluation times: %w", err)
	}
	return nil
}

// AgentTime is what an evaluation of an agent sets: Next, when its state
// next changes by itself, and Wake, when its open events next need a look
// (nil: never). SeenAt and DueAt are what the evaluation read; an agent
// that checked in or was made due since keeps the time it has, since the
// evaluation did not see its new state.
type AgentTime struct {
	ID            string
	SeenAt, DueAt *time.Time
	Next, Wake    *time.Time
}

// RescheduleAgents sets the agents' next evaluation times.
func (s *Store) RescheduleAgents(ctx context.Context, times []AgentTime) error {
	if len(times) == 0 {
		return nil
	}
	times = slices.SortedFunc(slices.Values(times), func(a, b AgentTime) int { return strings.Compare(a.ID, b.ID) })
	pg := s.dialect == Postgres
	row := "(?, ?, ?, ?, ?)"
	if pg {
		row = "(CAST(? AS TEXT), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ))"
	}
	err := s.transact(ctx, func(tx *gorm.DB) error {
		for start := 0; start < len(times); start += observationBatch {
			chunk := times[start:min(start+observationBatch, len(times))]
			ids := make([]string, len(chunk))
			args := make([]any, 0, 5*len(chunk))
			for i, t := range chunk {
				ids[i] = t.ID
				args = append(args, t.ID, t.SeenAt, t.DueAt, t.Next, t.Wake)
			}
			if pg {
				// In key order, as markAgentsDue.
				var locked []string
				if err := tx.Raw("SELECT id FROM agents WHERE id IN ? ORDER BY id FOR UPDATE", ids).Scan(&locked).Error; err != nil {
					return err
				}
			}
			values := strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")
			err := tx.Exec(`UPDATE agents SET eval_due_at = v.column4, eval_wake_at = v.column5 FROM (VALUES `+values+`) AS v
				WHERE agents.id = v.column1 AND `+sameValue("agents.last_seen_at", "v.column2")+` AND `+sameValue("agents.eval_due_at", "v.column3"), args...).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: reschedule agents: %w", err)
	}
	return nil
}
