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

// peakRSS runs `once` and reads the child's high-water mark from the kernel's
// rusage, which covers its whole life including the final push.
func peakRSS(s settings, serverURL string) (int64, error) {
	dir, err := os.MkdirTemp("", "agent-bench")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	cmd := agentCommand(s, serverURL, dir, "once")
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("agent once: %w", err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, fmt.Errorf("no rusage on this system")
	}
	return ru.Maxrss << 10, nil // Linux reports KiB
}

// idleRSS starts the daemon, waits for its first cycle to be delivered, lets
// it settle, and reads its resident size while it waits for the next cycle.
func idleRSS(s settings, serverURL string, fake *fakeserver.Server) (int64, error) {
	dir, err := os.MkdirTemp("", "agent-bench")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	before := stored(fake)
	cmd := agentCommand(s, serverURL, dir, "run")
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("agent run: %w", err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	limit := time.Now().Add(2 * time.Minute)
	for stored(fake) < before+s.targets {
		if time.Now().After(limit) {
			return 0, fmt.Errorf("daemon did not deliver its first cycle within 2 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(3 * time.Second)
	return statusField(cmd.Process.Pid, "VmRSS")
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
