package scalebench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"certinel.dev/shared/wire"
)

// ChannelConfig sizes the control channel measurement: agents holding their
// long poll open on one server, all on loopback.
type ChannelConfig struct {
	ServerBin string
	WorkDir   string
	Agents    int
	// Samples is how many commands are timed from the API call that makes
	// them to the agent's poll answering them.
	Samples  int
	Progress io.Writer
}

// ChannelReport is what the measurement found.
type ChannelReport struct {
	Agents int
	// RSSIdle is the server's resident memory with the agents created and
	// no channel open; RSSHeld with every agent's poll held.
	RSSIdle, RSSHeld int64
	// Delivery is how long commands took from the API call to the agent.
	Delivery timing
}

// PerAgent is the server memory one held channel costs.
func (r ChannelReport) PerAgent() int64 {
	return (r.RSSHeld - r.RSSIdle) / int64(r.Agents)
}

// WriteMarkdown prints the figures.
func (r ChannelReport) WriteMarkdown(w io.Writer) {
	fmt.Fprintf(w, "| agents | server RSS idle | RSS with every channel held | per agent | command delivery p50 | p99 | max |\n")
	fmt.Fprintf(w, "| --- | --- | --- | --- | --- | --- | --- |\n")
	fmt.Fprintf(w, "| %d | %.1f MiB | %.1f MiB | %.1f KiB | %s | %s | %s |\n", r.Agents,
		float64(r.RSSIdle)/(1<<20), float64(r.RSSHeld)/(1<<20), float64(r.PerAgent())/1024,
		r.Delivery.P50.Round(time.Millisecond), r.Delivery.P99.Round(time.Millisecond), r.Delivery.Max.Round(time.Millisecond))
}

// MeasureChannels starts the server on SQLite, creates the agents through
// the API, measures the server's memory before and while every agent holds
// its channel, and times commands (a new domain's targets_changed) to the
// agents.
func MeasureChannels(ctx context.Context, cfg ChannelConfig) (ChannelReport, error) {
	rep := ChannelReport{Agents: cfg.Agents}
	srv, err := startServer(ctx, cfg.ServerBin, cfg.WorkDir, []string{"CERTINEL_DATA_DIR=" + cfg.WorkDir,
		"CERTINEL_AGENT_CHANNELS=" + strconv.Itoa(cfg.Agents+100), "CERTINEL_LOG_LEVEL=info"})
	if err != nil {
		return rep, err
	}
	defer srv.stop()
	api, err := newAPIClient(srv.url)
	if err != nil {
		return rep, err
	}
	fmt.Fprintf(cfg.Progress, "creating %d agents\n", cfg.Agents)
	agents, apiKey, err := api.createAgents(cfg.Agents)
	if err != nil {
		return rep, err
	}
	if rep.RSSIdle, err = settledRSS(srv.pid()); err != nil {
		return rep, err
	}
	pollCtx, stop := context.WithCancel(ctx)
	defer stop()
	fl := newPollers(srv.url, apiKey, agents)
	fl.start(pollCtx)
	fmt.Fprintf(cfg.Progress, "holding %d channels\n", cfg.Agents)
	if err := fl.waitHeld(ctx, time.Minute); err != nil {
		return rep, err
	}
	if rep.RSSHeld, err = settledRSS(srv.pid()); err != nil {
		return rep, err
	}
	fmt.Fprintf(cfg.Progress, "timing %d commands\n", cfg.Samples)
	samples, err := fl.timeCommands(ctx, api, cfg.Samples)
	if err != nil {
		return rep, err
	}
	slices.Sort(samples)
	rep.Delivery = timing{P50: percentile(samples, 50), P99: percentile(samples, 99), Max: samples[len(samples)-1]}
	return rep, nil
}

// settledRSS reads the server's resident memory after it had a moment to
// finish what it was doing, as the highest of a few readings.
func settledRSS(pid int) (int64, error) {
	var top int64
	for range 3 {
		time.Sleep(time.Second)
		m, err := memoryOf(pid)
		if err != nil {
			return 0, err
		}
		top = max(top, m.RSS)
	}
	return top, nil
}

// apiClient is a dashboard session.
type apiClient struct {
	base string
	http *http.Client
	csrf string
}

func newAPIClient(base string) (*apiClient, error) {
	jar, _ := cookiejar.New(nil)
	c := &apiClient{base: base, http: &http.Client{Jar: jar, Timeout: time.Minute}}
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	err := c.call("POST", "/api/v1/auth/signup", map[string]string{"email": "bench@example.com",
		"password": "a long bench password", "organization": "Channel bench"}, http.StatusCreated, &s)
	c.csrf = s.CSRF
	return c, err
}

func (c *apiClient) call(method, path string, body any, want int, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("scalebench: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("scalebench: %s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// createAgents creates n agents and one agent-scope API token; it returns
// the agents' IDs and tokens.
func (c *apiClient) createAgents(n int) (map[string]string, string, error) {
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.call("POST", "/api/v1/tokens", map[string]string{"name": "bench", "scope": "agent"}, http.StatusCreated, &tok); err != nil {
		return nil, "", err
	}
	agents := make(map[string]string, n)
	for i := range n {
		var a struct {
			ID    string `json:"id"`
			Token string `json:"token"`
		}
		if err := c.call("POST", "/api/v1/agents", map[string]string{"name": "agent-" + strconv.Itoa(i)}, http.StatusCreated, &a); err != nil {
			return nil, "", err
		}
		agents[a.ID] = a.Token
	}
	return agents, tok.Token, nil
}

// pollers are the agents' control channels, one connection each.
type pollers struct {
	base, apiKey string
	agents       map[string]string
	http         *http.Client
	held         atomic.Int64
	mu           sync.Mutex
	// seen records when a command for a target arrived.
	seen map[string]time.Time
}

func newPollers(base, apiKey string, agents map[string]string) *pollers {
	tr := &http.Transport{MaxIdleConns: len(agents) + 10, MaxIdleConnsPerHost: len(agents) + 10}
	return &pollers{base: base, apiKey: apiKey, agents: agents, http: &http.Client{Transport: tr, Timeout: 2 * time.Minute},
		seen: map[string]time.Time{}}
}

func (p *pollers) start(ctx context.Context) {
	for id, token := range p.agents {
		go p.poll(ctx, id, token)
	}
}

// poll is one agent's loop: poll, note the commands, acknowledge them.
func (p *pollers) poll(ctx context.Context, id, token string) {
	var ack []string
	first := true
	for ctx.Err() == nil {
		body, _ := json.Marshal(wire.ChannelRequest{Ack: ack, Status: wire.AgentStatus{Platform: "bench"}})
		req, err := http.NewRequestWithContext(ctx, "POST", p.base+"/api/v1/agent/channel?wait=50", bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+p.apiKey)
		req.Header.Set(wire.AgentTokenHeader, token)
		if first {
			p.held.Add(1)
			first = false
		}
		resp, err := p.http.Do(req)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		var out wire.ChannelResponse
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		now := time.Now()
		ack = ack[:0]
		p.mu.Lock()
		for _, c := range out.Commands {
			ack = append(ack, c.ID)
			for _, t := range c.TargetIDs {
				p.seen[t] = now
			}
		}
		p.mu.Unlock()
	}
}

// waitHeld waits until every agent sent its first poll, then a little for
// the server to have taken them all in.
func (p *pollers) waitHeld(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for p.held.Load() < int64(len(p.agents)) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			return errors.New("scalebench: the agents did not all poll in time")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	return nil
}

// timeCommands adds a domain to each of n agents, one at a time, and times
// how long the agent's targets_changed command took to reach its poll.
func (p *pollers) timeCommands(ctx context.Context, api *apiClient, n int) ([]time.Duration, error) {
	var out []time.Duration
	for agentID := range p.agents {
		if len(out) == n {
			break
		}
		var d struct {
			ID string `json:"id"`
		}
		start := time.Now()
		// Port 9 (discard) on loopback: the command matters, not the check.
		if err := api.call("POST", "/api/v1/domains", map[string]any{"host": "127.0.0.1", "port": 9, "agent_id": agentID},
			http.StatusCreated, &d); err != nil {
			return nil, err
		}
		for {
			p.mu.Lock()
			at, ok := p.seen[d.ID]
			p.mu.Unlock()
			if ok {
				out = append(out, at.Sub(start))
				break
			}
			if time.Since(start) > time.Minute || ctx.Err() != nil {
				return nil, fmt.Errorf("scalebench: no command for domain %s within a minute", d.ID)
			}
			time.Sleep(time.Millisecond)
		}
	}
	return out, nil
}
