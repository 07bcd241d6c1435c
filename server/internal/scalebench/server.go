package scalebench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// serverProcess is the real certinel-server binary running on loopback.
type serverProcess struct {
	cmd     *exec.Cmd
	url     string
	logPath string
	done    chan error
}

// startServer runs bin with env added to a minimal environment, logging
// JSON at debug level into dir (the scheduler logs each job's duration at
// debug), and waits until /readyz answers.
func startServer(ctx context.Context, bin, dir string, env []string) (*serverProcess, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("scalebench: server log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(bin)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"CERTINEL_LISTEN_ADDR=" + addr, "CERTINEL_LOG_LEVEL=debug", "CERTINEL_LOG_FORMAT=json"}, env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("scalebench: start %s: %w", bin, err)
	}
	p := &serverProcess{cmd: cmd, url: "http://" + addr, logPath: logPath, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	if err := p.waitReady(ctx, 3*time.Minute); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("scalebench: pick a port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (p *serverProcess) pid() int { return p.cmd.Process.Pid }

func (p *serverProcess) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			return fmt.Errorf("scalebench: server exited during start-up (%v); see %s", err, p.logPath)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("scalebench: server not ready after %s; see %s", limit, p.logPath)
}

// stop asks the server to shut down and kills it if it has not within a
// minute.
func (p *serverProcess) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// evaluationPass is one scheduled alert evaluation, from the server's log.
type evaluationPass struct {
	Start    time.Time
	Duration time.Duration
}

// evaluationJob is the scheduler's name of the alert evaluation.
const evaluationJob = "alert-evaluation"

// evaluationPasses reads the scheduler's "job done" lines of the alert
// evaluation from the server log.
func (p *serverProcess) evaluationPasses() ([]evaluationPass, error) {
	f, err := os.Open(p.logPath)
	if err != nil {
		return nil, fmt.Errorf("scalebench: read server log: %w", err)
	}
	defer f.Close()
	var out []evaluationPass
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var line struct {
			Time       time.Time `json:"time"`
			Msg        string    `json:"msg"`
			Job        string    `json:"job"`
			DurationMS int64     `json:"duration_ms"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Msg != "job done" || line.Job != evaluationJob {
			continue
		}
		d := time.Duration(line.DurationMS) * time.Millisecond
		out = append(out, evaluationPass{Start: line.Time.Add(-d), Duration: d})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("scalebench: read server log: %w", err)
	}
	return out, nil
}

// errNoPass says no evaluation pass started and finished within the wait.
var errNoPass = errors.New("no scheduled evaluation pass finished in time")

// waitEvaluation waits for the first scheduled pass that started after
// since (the job runs every minute, on the minute).
func (p *serverProcess) waitEvaluation(ctx context.Context, since time.Time, limit time.Duration) (evaluationPass, error) {
	deadline := time.Now().Add(limit)
	for {
		passes, err := p.evaluationPasses()
		if err != nil {
			return evaluationPass{}, err
		}
		for _, pass := range passes {
			if !pass.Start.Before(since) {
				return pass, nil
			}
		}
		if time.Now().After(deadline) {
			return evaluationPass{}, errNoPass
		}
		select {
		case <-ctx.Done():
			return evaluationPass{}, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
