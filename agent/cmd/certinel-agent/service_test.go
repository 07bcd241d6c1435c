package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Bad uses of `service` are refused before anything on the machine is
// touched: the env file is checked before a user or a unit is made.
func TestServiceCommandRefuses(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "agent.env")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"service"}, exitUsage, "want install, uninstall, start, stop or status"},
		{[]string{"service", "restart"}, exitUsage, `unknown action "restart"`},
		{[]string{"service", "install", "now"}, exitUsage, `unexpected argument "now"`},
		{[]string{"service", "install", "--env-file", missing}, exitFailed, "write CERTINEL_SERVER_URL, CERTINEL_AGENT_TOKEN and CERTINEL_API_KEY there first"},
	} {
		out, err := exec.Command(binary, c.args...).CombinedOutput()
		if code := exitCode(t, err); code != c.code || !strings.Contains(string(out), c.want) {
			t.Errorf("%q: exit %d, want %d with %q:\n%s", c.args, code, c.code, c.want, out)
		}
	}
}
