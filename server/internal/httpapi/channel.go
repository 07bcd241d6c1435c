package httpapi

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"certinel.dev/server/internal/control"
	"certinel.dev/server/internal/store"
	"certinel.dev/shared/wire"
)

// Bounds of a control channel poll: the default wait suits proxies that cut
// idle requests at 30 s; maxAcks is more than one answer hands out.
const (
	defaultPollWait = 25 * time.Second
	maxAcks         = 200
	maxPollBody     = 64 << 10
	channelPath     = "/api/v1/agent/channel"
)

// errChannelsFull turns an agent away when this replica holds as many polls
// as it may; the agent comes back later and its schedule goes on meanwhile.
func errChannelsFull() error {
	return &apiError{Status: http.StatusServiceUnavailable, Code: "busy",
		Message:    "this server holds as many agent channels as it may; poll again later",
		RetryAfter: 30*time.Second + rand.N(30*time.Second)}
}

// agentChannel is the agent's long poll: POST /api/v1/agent/channel. It
// records the heartbeat and status, deletes the acknowledged commands, and
// answers as soon as commands wait for the agent, or empty after the wait.
func (h *handler) agentChannel(c echo.Context) error {
	var req wire.ChannelRequest
	if err := decodeAgentJSON(c, maxPollBody, &req); err != nil {
		return err
	}
	if len(req.Ack) > maxAcks {
		return badRequest("ack", "at most %d acknowledgements per poll", maxAcks)
	}
	wait, err := pollWait(c.QueryParam("wait"), h.maxPollWait)
	if err != nil {
		return err
	}
	a := agentOf(c).Agent
	ctx := c.Request().Context()
	if err := h.store.AckCommands(ctx, a.OrganizationID, a.ID, req.Ack); err != nil {
		return err
	}
	if err := h.recordPoll(c, a, req.Status); err != nil {
		return err
	}
	poll, ok := h.hub.Open(a.ID)
	if !ok {
		return errChannelsFull()
	}
	defer poll.Close()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		// The poll is open before the first look, so a command stored in
		// between wakes it rather than waiting out the timer.
		cmds, err := h.store.TakeCommands(ctx, a.OrganizationID, a.ID)
		if err != nil {
			return err
		}
		if len(cmds) > 0 || poll.Closing() {
			return c.JSON(http.StatusOK, wire.ChannelResponse{Commands: control.Commands(cmds)})
		}
		select {
		case <-poll.C():
		case <-timer.C:
			return c.JSON(http.StatusOK, wire.ChannelResponse{Commands: []wire.Command{}})
		case <-ctx.Done():
			return nil
		}
	}
}

// pollWait reads ?wait= (seconds), defaulting to defaultPollWait and capped
// at max.
func pollWait(raw string, max time.Duration) (time.Duration, error) {
	if raw == "" {
		return min(defaultPollWait, max), nil
	}
	secs, err := strconv.Atoi(raw)
	if err != nil || secs < 0 {
		return 0, badRequest("wait", "wait must be a number of seconds")
	}
	return min(time.Duration(secs)*time.Second, max), nil
}

// recordPoll stores the heartbeat and what the agent says of itself.
func (h *handler) recordPoll(c echo.Context, a store.Agent, st wire.AgentStatus) error {
	ctx := c.Request().Context()
	p := store.AgentPoll{Version: agentVersion(c.Request()), IP: c.RealIP(), Platform: st.Platform, SpoolBatches: st.SpoolBatches}
	if st.LastCycle != nil {
		b, err := json.Marshal(st.LastCycle)
		if err != nil {
			return err
		}
		p.LastCycle = string(b)
	}
	if err := h.store.AgentPolled(ctx, a.OrganizationID, a.ID, p); err != nil {
		return err
	}
	return h.store.SetAgentParked(ctx, a.OrganizationID, a.ID, st.ParkedBatches, st.ParkedOldestAt)
}

// agentVersion reads the version from the agent's User-Agent.
func agentVersion(r *http.Request) string {
	version, ok := strings.CutPrefix(r.UserAgent(), wire.UserAgentPrefix)
	if !ok {
		return ""
	}
	return version
}
