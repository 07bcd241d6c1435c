package service

import (
	"fmt"
	"strconv"
	"strings"
)

// The macOS service: a launchd daemon running as a hidden role account
// (macOS names those with a leading underscore and gives them IDs below 500).
const (
	Label       = "dev.certinel.agent"
	PlistPath   = "/Library/LaunchDaemons/" + Label + ".plist"
	macUser     = "_certinel"
	macStateDir = "/Library/Application Support/Certinel"
	macLogDir   = "/Library/Logs/Certinel"
	macLogFile  = macLogDir + "/agent.log"
	// Role accounts made by installers are expected in 200–400.
	macFirstID, macLastID = 300, 400
)

// Plist renders the launchd daemon definition that runs executable with
// envFile. KeepAlive restarts the agent when it exits with an error, at most
// every 30 s.
func Plist(executable, envFile string) string {
	return strings.NewReplacer(
		"{label}", Label,
		"{exec}", xmlEscape(executable),
		"{env}", xmlEscape(envFile),
		"{user}", macUser,
		"{spool}", xmlEscape(macStateDir+"/spool"),
		"{log}", xmlEscape(macLogFile),
	).Replace(plistTemplate)
}

const plistTemplate = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>{label}</string>
	<key>ProgramArguments</key>
	<array>
		<string>{exec}</string>
		<string>run</string>
		<string>--env-file</string>
		<string>{env}</string>
	</array>
	<key>UserName</key>
	<string>{user}</string>
	<key>GroupName</key>
	<string>{user}</string>
	<key>EnvironmentVariables</key>
	<dict>
		<key>CERTINEL_SPOOL_DIR</key>
		<string>{spool}</string>
	</dict>
	<key>RunAtLoad</key>
	<true/>
	<key>KeepAlive</key>
	<dict>
		<key>SuccessfulExit</key>
		<false/>
	</dict>
	<key>ThrottleInterval</key>
	<integer>30</integer>
	<key>Umask</key>
	<integer>63</integer>
	<key>StandardOutPath</key>
	<string>{log}</string>
	<key>StandardErrorPath</key>
	<string>{log}</string>
</dict>
</plist>
`

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

type launchd struct{ Options }

func (l launchd) Install() error {
	if err := l.requireEnvFile(); err != nil {
		return err
	}
	if err := l.ensureUser(); err != nil {
		return err
	}
	steps := [][]string{
		{"chown", "root:" + macUser, l.path(l.EnvFile)},
		{"chmod", "0640", l.path(l.EnvFile)},
		{"mkdir", "-p", l.path(macStateDir), l.path(macLogDir)},
		{"chown", macUser + ":" + macUser, l.path(macStateDir), l.path(macLogDir)},
		{"chmod", "0700", l.path(macStateDir)},
		{"chmod", "0750", l.path(macLogDir)},
	}
	for _, s := range steps {
		if err := l.run(s[0], s[1:]...); err != nil {
			return err
		}
	}
	// A second install replaces the loaded daemon: unload the old one
	// first (it may not be loaded, so its failure is not an error).
	_, _ = l.System.Output("launchctl", "bootout", "system/"+Label)
	if err := l.writeFile(PlistPath, []byte(Plist(l.Executable, l.EnvFile)), 0o644); err != nil {
		return err
	}
	if err := l.Start(); err != nil {
		return err
	}
	l.say("%s is running; its log is %s", Label, macLogFile)
	return nil
}

// ensureUser creates the hidden role account and its group, with no shell,
// no home and no password, unless it exists.
func (l launchd) ensureUser() error {
	if _, err := l.System.Output("dscl", ".", "-read", "/Users/"+macUser); err == nil {
		return nil
	}
	id, err := l.freeID()
	if err != nil {
		return err
	}
	group, user, ids := "/Groups/"+macUser, "/Users/"+macUser, strconv.Itoa(id)
	steps := [][]string{
		{group}, {group, "PrimaryGroupID", ids}, {group, "RealName", "Certinel agent"}, {group, "Password", "*"},
		{user}, {user, "UniqueID", ids}, {user, "PrimaryGroupID", ids}, {user, "RealName", "Certinel agent"},
		{user, "UserShell", "/usr/bin/false"}, {user, "NFSHomeDirectory", "/var/empty"},
		{user, "Password", "*"}, {user, "IsHidden", "1"},
	}
	for _, s := range steps {
		if err := l.run("dscl", append([]string{".", "-create"}, s...)...); err != nil {
			return err
		}
	}
	return nil
}

// freeID finds a number that is neither a user's nor a group's ID, so the
// account and its group share it.
func (l launchd) freeID() (int, error) {
	used := map[int]bool{}
	for _, q := range [][]string{{"/Users", "UniqueID"}, {"/Groups", "PrimaryGroupID"}} {
		out, err := l.System.Output("dscl", ".", "-list", q[0], q[1])
		if err != nil {
			return 0, fmt.Errorf("service: dscl -list %s: %w", q[0], err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			if len(f) == 2 {
				if n, err := strconv.Atoi(f[1]); err == nil {
					used[n] = true
				}
			}
		}
	}
	for id := macFirstID; id <= macLastID; id++ {
		if !used[id] {
			return id, nil
		}
	}
	return 0, fmt.Errorf("service: no free user ID in %d–%d", macFirstID, macLastID)
}

func (l launchd) Uninstall() error {
	_, _ = l.System.Output("launchctl", "bootout", "system/"+Label)
	if err := l.removeFile(PlistPath); err != nil {
		return err
	}
	l.say("kept the env file, %s, %s and the account %s; `dscl . -delete /Users/%s && dscl . -delete /Groups/%s && rm -r '%s' %s` removes the rest",
		macStateDir, macLogDir, macUser, macUser, macUser, macStateDir, macLogDir)
	return nil
}

func (l launchd) Start() error {
	return l.run("launchctl", "bootstrap", "system", l.path(PlistPath))
}

func (l launchd) Stop() error {
	return l.run("launchctl", "bootout", "system/"+Label)
}

func (l launchd) Status() error {
	return l.run("launchctl", "print", "system/"+Label)
}
