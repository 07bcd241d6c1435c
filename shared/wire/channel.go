package wire

import "time"

// The control channel: the agent keeps one request to POST
// /api/v1/agent/channel open. The server holds it until it has commands for
// the agent or the wait (?wait=seconds) is over, and answers
// ChannelResponse; the agent acts on the commands and polls again at once,
// acknowledging them. Each poll is the agent's heartbeat.

// Command kinds.
const (
	// CommandTargetsChanged: targets were added or changed; check those in
	// TargetIDs now.
	CommandTargetsChanged = "targets_changed"
	// CommandCheck: check the targets in TargetIDs now ("check now").
	CommandCheck = "check"
	// CommandRunDiscovery: run discovery job DiscoveryJobID now.
	CommandRunDiscovery = "run_discovery"
	// CommandSettings: the agent's settings changed (IntervalSeconds).
	CommandSettings = "settings"
	// CommandRotateToken: fetch a next agent token (POST TokenPath), keep it,
	// and use it from now on; the current token works until then.
	CommandRotateToken = "rotate_token"
)

// ChannelRequest is the body of a poll: the commands of the previous
// answer the agent received, and its current state.
type ChannelRequest struct {
	Ack    []string    `json:"ack"`
	Status AgentStatus `json:"status"`
}

// AgentStatus is what the agent's page shows of it.
type AgentStatus struct {
	// Platform is GOOS/GOARCH.
	Platform string `json:"platform"`
	// SpoolBatches counts the result batches waiting to be pushed.
	SpoolBatches int `json:"spool_batches"`
	// Parked is as sent in the parked headers of the targets pull.
	ParkedBatches  int        `json:"parked_batches"`
	ParkedOldestAt *time.Time `json:"parked_oldest_at,omitempty"`
	// LastCycle is the latest full target cycle, absent before the first.
	LastCycle *CycleCounts `json:"last_cycle,omitempty"`
}

// CycleCounts are the counts of one target cycle.
type CycleCounts struct {
	FinishedAt time.Time `json:"finished_at"`
	Targets    int       `json:"targets"`
	OK         int       `json:"ok"`
	Failed     int       `json:"failed"`
	Pushed     int       `json:"pushed"`
	Spooled    int       `json:"spooled"`
	ElapsedMS  int64     `json:"elapsed_ms"`
}

// ChannelResponse answers a poll with zero or more commands.
type ChannelResponse struct {
	Commands []Command `json:"commands"`
}

// Command is one instruction; Kind says which arguments it carries.
type Command struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	CommandArgs
}

// CommandArgs are the arguments of a command.
type CommandArgs struct {
	TargetIDs       []string `json:"target_ids,omitempty"`
	DiscoveryJobID  string   `json:"discovery_job_id,omitempty"`
	IntervalSeconds int      `json:"interval_seconds,omitempty"`
}
