package identity

import (
	"errors"
	"os"
	"runtime"
	"testing"
)

// TestPendingKeyResumesOnlyWithItsJoinToken: the pending key comes back,
// private (0600), for the join token that started the enrollment; another
// token starts anew, and after removal nothing is pending.
func TestPendingKeyResumesOnlyWithItsJoinToken(t *testing.T) {
	d := Dir(t.TempDir())
	if _, err := d.LoadPending("cnl_join_a"); !errors.Is(err, ErrNoPending) {
		t.Fatalf("empty directory: %v", err)
	}
	key, _, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SavePending(key, "enrollment-1", "cnl_join_a"); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(d.path(PendingFileName))
	if err != nil || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o600) {
		t.Fatalf("pending file: %v, mode %v", err, info.Mode().Perm())
	}
	p, err := d.LoadPending("cnl_join_a")
	if err != nil || p.EnrollmentID != "enrollment-1" || !p.Key.Equal(key) {
		t.Fatalf("resumed %+v, %v: want enrollment-1 with the same key", p, err)
	}
	if _, err := d.LoadPending("cnl_join_b"); !errors.Is(err, ErrNoPending) {
		t.Errorf("another join token: %v", err)
	}
	if err := d.RemovePending(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.LoadPending("cnl_join_a"); !errors.Is(err, ErrNoPending) {
		t.Errorf("after removal: %v", err)
	}
}
