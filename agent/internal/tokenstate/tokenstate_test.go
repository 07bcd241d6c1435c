package tokenstate_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"certinel.dev/agent/internal/tokenstate"
)

// TestState: a saved token supersedes the configured one across restarts,
// is written 0600, and gives way when the configured token is changed.
func TestState(t *testing.T) {
	dir := t.TempDir()
	st := tokenstate.State{Dir: dir, Configured: "cnl_agt_first"}
	if got, err := st.Current(); err != nil || got != "cnl_agt_first" {
		t.Fatalf("no state: %q %v", got, err)
	}
	if err := st.Save("cnl_agt_second"); err != nil {
		t.Fatal(err)
	}
	again := tokenstate.State{Dir: dir, Configured: "cnl_agt_first"} // a restart
	if got, err := again.Current(); err != nil || got != "cnl_agt_second" {
		t.Fatalf("after saving: %q %v", got, err)
	}
	info, err := os.Stat(filepath.Join(dir, tokenstate.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	byHand := tokenstate.State{Dir: dir, Configured: "cnl_agt_by_hand"}
	if got, err := byHand.Current(); err != nil || got != "cnl_agt_by_hand" {
		t.Fatalf("configured token changed by hand: %q %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(dir, tokenstate.FileName)); !os.IsNotExist(err) {
		t.Errorf("stale state file kept: %v", err)
	}
}
