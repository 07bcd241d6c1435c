package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"certinel.dev/agent/internal/fakeserver"
)

func agentCommand(s settings, serverURL, spoolDir string, args ...string) *exec.Cmd {
	cmd := exec.Command(s.binary, args...)
	cmd.Dir = spoolDir // no stray ./environment.txt gets read
	cmd.Env = []string{
		"CERTINEL_SERVER_URL=" + serverURL,
		"CERTINEL_API_KEY=bench-key",
		"CERTINEL_AGENT_TOKEN=bench-token",
		"CERTINEL_CONCURRENCY=" + strconv.Itoa(s.concurrency),
		"CERTINEL_SPOOL_DIR=" + filepath.Join(spoolDir, "spool"),
		"CERTINEL_LOG_LEVEL=warn",
	}
	cmd.Stderr = os.Stderr
	return cmd
}

// onceRSS runs `once`, which must exit 0, and samples its VmHWM every few
// milliseconds. (The rusage of a child is no good here: Go starts children
// with vfork, and Linux charges the parent's high-water mark to the child at
// exec.) The last sample may miss the final milliseconds, so the exact figure
// is the daemon's, below; this one cross-checks it.
func onceRSS(s settings, serverURL string) (int64, error) {
	dir, err := os.MkdirTemp("", "agent-bench")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	cmd := agentCommand(s, serverURL, dir, "once")
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("agent once: %w", err)
	}
	hwm := make(chan int64, 1)
	go func() {
		var last int64
		for {
			v, err := statusField(cmd.Process.Pid, "VmHWM")
			if err != nil {
				hwm <- last
				return
			}
			last = v
			time.Sleep(2 * time.Millisecond)
		}
	}()
	err = cmd.Wait()
	peak := <-hwm
	if err != nil {
		return 0, fmt.Errorf("agent once: %w", err)
	}
	return peak, nil
}

// daemonRSS starts the daemon, waits for its first cycle to be delivered,
// lets it settle, and reads its high-water mark (the whole first cycle, the
// same code as once) and its resident size while it waits for the next one.
func daemonRSS(s settings, serverURL string, fake *fakeserver.Server) (peak, idle int64, err error) {
	dir, err := os.MkdirTemp("", "agent-bench")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(dir)
	before := stored(fake)
	cmd := agentCommand(s, serverURL, dir, "run")
	if err := cmd.Start(); err != nil {
		return 0, 0, fmt.Errorf("agent run: %w", err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	limit := time.Now().Add(2 * time.Minute)
	for stored(fake) < before+s.targets {
		if time.Now().After(limit) {
			return 0, 0, fmt.Errorf("daemon did not deliver its first cycle within 2 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	if peak, err = statusField(cmd.Process.Pid, "VmHWM"); err != nil {
		return 0, 0, err
	}
	if idle, err = statusField(cmd.Process.Pid, "VmRSS"); err != nil {
		return 0, 0, err
	}
	return peak, idle, nil
}

func stored(fake *fakeserver.Server) int {
	n := 0
	for _, batch := range fake.Results() {
		n += len(batch)
	}
	return n
}

// statusField reads a "kB" field of /proc/<pid>/status, in bytes.
func statusField(pid int, field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		value, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse %s: %w", field, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}
