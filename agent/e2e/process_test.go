package e2e_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// process is a binary started by the test. Its output is captured and shown
// when the test fails; it is killed at cleanup if still running, so no run
// leaves a server or agent behind.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's answer, read after done
}

// start runs bin with args and exactly env on top of a cleaned environment,
// in dir, so nothing from the developer's shell (a proxy, a DATABASE_URL, an
// environment.txt in the working directory) changes what the test sees.
func start(t *testing.T, name, dir, bin string, env []string, args ...string) *process {
	t.Helper()
	p := &process{name: name, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	p.cmd.Env = append(baseEnv(), env...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("--- output of %s (%s) ---\n%s", name, strings.Join(p.cmd.Args, " "), p.out.String())
		}
	})
	return p
}

// baseEnv keeps what the Go runtime and the OS need and drops every variable
// the server or agent would read.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(key, "CERTINEL_"), key == "DATABASE_URL", strings.HasSuffix(strings.ToUpper(key), "_PROXY"):
			continue
		}
		env = append(env, kv)
	}
	return env
}

// wait waits up to timeout for the process to exit on its own and returns
// its exit code; -1 means it had to be killed.
func (p *process) wait(timeout time.Duration) int {
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.kill()
		return -1
	}
	var exit *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &exit):
		return exit.ExitCode()
	default:
		return -1
	}
}

// stop asks the process to shut down as an init system would (SIGTERM) and
// returns its exit code, -1 if it did not exit within timeout.
func (p *process) stop(timeout time.Duration) int {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	return p.wait(timeout)
}

func (p *process) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (p *process) kill() {
	if p.running() {
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// lockedBuffer collects output written from the process's pipe goroutines
// while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
