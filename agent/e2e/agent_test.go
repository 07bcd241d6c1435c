package e2e_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// installation is one agent as an operator deploys it: its credentials and
// one spool directory that outlives each process, as a volume would.
type installation struct {
	t     *testing.T
	cred  credentials
	dir   string
	spool string
	runs  int
}

func install(t *testing.T, cred credentials) *installation {
	t.Helper()
	dir := t.TempDir()
	return &installation{t: t, cred: cred, dir: dir, spool: filepath.Join(dir, "spool")}
}

// start runs the agent binary with command ("once", "run") against serverURL.
func (a *installation) start(serverURL, command string) *process {
	a.t.Helper()
	a.runs++
	env := []string{
		"CERTINEL_SERVER_URL=" + serverURL,
		"CERTINEL_AGENT_TOKEN=" + a.cred.agentToken,
		"CERTINEL_API_KEY=" + a.cred.apiKey,
		"CERTINEL_SPOOL_DIR=" + a.spool,
		"CERTINEL_TIMEOUT=3s",
		// JSON, so the test can read the run summary the agent logs.
		"CERTINEL_LOG_FORMAT=json",
		"CERTINEL_LOG_LEVEL=debug",
	}
	return start(a.t, fmt.Sprintf("certinel-agent %s (run %d)", command, a.runs), a.dir, agentBin, env, command)
}

// once runs one cycle to its end and returns the exit code and the summary.
func (a *installation) once(serverURL string) (int, summary) {
	a.t.Helper()
	p := a.start(serverURL, "once")
	code := p.wait(30 * time.Second)
	return code, lastSummary(a.t, p.out.String())
}

// spooled lists the batch files waiting in the spool.
func (a *installation) spooled() []string {
	a.t.Helper()
	names, err := filepath.Glob(filepath.Join(a.spool, "*.batch"))
	if err != nil {
		a.t.Fatalf("spool: %v", err)
	}
	return names
}

// summary is the "run" group of the agent's last "run finished" log line.
type summary struct {
	Targets  int `json:"targets"`
	OK       int `json:"ok"`
	Failed   int `json:"failed"`
	Pushed   int `json:"pushed"`
	Spooled  int `json:"spooled"`
	Backlog  int `json:"backlog_delivered"`
	Rejected int `json:"rejected"`
	Dropped  int `json:"dropped"`
	Refused  int `json:"errors_refused"`
}

func lastSummary(t *testing.T, output string) summary {
	t.Helper()
	var last *summary
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg string   `json:"msg"`
			Run *summary `json:"run"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && strings.HasPrefix(line.Msg, "run finished") && line.Run != nil {
			last = line.Run
		}
	}
	if last == nil {
		t.Errorf("agent logged no run summary")
		return summary{}
	}
	return *last
}

// saveBatches copies the spooled batches aside, to put them back later as
// if a push had reached the server just before the agent lost the answer.
func (a *installation) saveBatches() map[string][]byte {
	a.t.Helper()
	saved := map[string][]byte{}
	for _, name := range a.spooled() {
		data, err := os.ReadFile(name)
		if err != nil {
			a.t.Fatalf("spool: %v", err)
		}
		saved[filepath.Base(name)] = data
	}
	return saved
}

func (a *installation) restoreBatches(saved map[string][]byte) {
	a.t.Helper()
	for name, data := range saved {
		if err := os.WriteFile(filepath.Join(a.spool, name), data, 0o600); err != nil {
			a.t.Fatalf("spool: %v", err)
		}
	}
}
