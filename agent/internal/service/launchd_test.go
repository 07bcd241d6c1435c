package service

import (
	"encoding/xml"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPlist(t *testing.T) {
	plist := Plist("/Applications/A&B/certinel-agent", "/etc/certinel/agent.env")
	containsAll(t, plist, []string{
		"<string>dev.certinel.agent</string>",
		"<string>/Applications/A&amp;B/certinel-agent</string>\n\t\t<string>run</string>\n\t\t<string>--env-file</string>\n\t\t<string>/etc/certinel/agent.env</string>",
		"<key>UserName</key>\n\t<string>_certinel</string>",
		"<key>KeepAlive</key>",
		"<key>StandardErrorPath</key>\n\t<string>/Library/Logs/Certinel/agent.log</string>",
		"<string>/Library/Application Support/Certinel/spool</string>",
	})
	// launchd refuses a plist that is not well-formed XML.
	dec := xml.NewDecoder(strings.NewReader(plist))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("plist is not well-formed: %v\n%s", err, plist)
		}
	}
}

func TestLaunchdInstall(t *testing.T) {
	const exe, env = "/usr/local/bin/certinel-agent", "/etc/certinel/agent.env"
	root := newRoot(t, env)
	// IDs 300 and 301 are taken (one by a user, one by a group): 302 is
	// the first both are free of.
	sys := &fakeSystem{outputs: map[string]string{
		"dscl . -list /Users UniqueID":                "root 0\n_www 70\n_taken 300\n",
		"dscl . -list /Groups PrimaryGroupID":         "wheel 0\n_other 301\n",
		"launchctl bootout system/dev.certinel.agent": "",
	}}
	m := launchd{Options{Executable: exe, EnvFile: env, Root: root, System: sys, Out: io.Discard}}
	if err := m.Install(); err != nil {
		t.Fatal(err)
	}
	plist, mode := readFile(t, filepath.Join(root, PlistPath))
	if plist != Plist(exe, env) || mode != 0o644 {
		t.Errorf("plist (mode %o):\n%s", mode, plist)
	}
	envPath := filepath.Join(root, env)
	state, logs := filepath.Join(root, macStateDir), filepath.Join(root, macLogDir)
	want := []string{
		"dscl . -read /Users/_certinel",
		"dscl . -list /Users UniqueID",
		"dscl . -list /Groups PrimaryGroupID",
		"dscl . -create /Groups/_certinel",
		"dscl . -create /Groups/_certinel PrimaryGroupID 302",
		"dscl . -create /Groups/_certinel RealName Certinel agent",
		"dscl . -create /Groups/_certinel Password *",
		"dscl . -create /Users/_certinel",
		"dscl . -create /Users/_certinel UniqueID 302",
		"dscl . -create /Users/_certinel PrimaryGroupID 302",
		"dscl . -create /Users/_certinel RealName Certinel agent",
		"dscl . -create /Users/_certinel UserShell /usr/bin/false",
		"dscl . -create /Users/_certinel NFSHomeDirectory /var/empty",
		"dscl . -create /Users/_certinel Password *",
		"dscl . -create /Users/_certinel IsHidden 1",
		"chown root:_certinel " + envPath,
		"chmod 0640 " + envPath,
		"mkdir -p " + state + " " + logs,
		"chown _certinel:_certinel " + state + " " + logs,
		"chmod 0700 " + state,
		"chmod 0750 " + logs,
		"launchctl bootout system/dev.certinel.agent",
		"launchctl bootstrap system " + filepath.Join(root, PlistPath),
	}
	if !reflect.DeepEqual(sys.calls, want) {
		t.Errorf("ran\n%q\nwant\n%q", sys.calls, want)
	}
}
