package service

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// The Windows service runs as LocalService: the built-in account with the
// least rights that can still open outbound connections. It is no
// administrator, has no rights on other users' files and, unlike
// NetworkService, presents no machine credentials to the network (the
// agent authenticates with its tokens, never with Windows accounts).
const (
	localService = `NT AUTHORITY\LocalService`
	spoolDir     = `C:\ProgramData\Certinel\spool`
	// SIDs, not names, for icacls: account names are translated on
	// non-English Windows.
	sidSystem, sidAdmins, sidLocalService = "*S-1-5-18", "*S-1-5-32-544", "*S-1-5-19"
)

type scm struct{ Options }

func (s scm) Install() error {
	if err := s.requireEnvFile(); err != nil {
		return err
	}
	if err := s.restrictFiles(); err != nil {
		return err
	}
	m, err := connect()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	// Every field set, as UpdateConfig writes them all.
	cfg := mgr.Config{
		ServiceType:      windows.SERVICE_WIN32_OWN_PROCESS,
		ErrorControl:     mgr.ErrorNormal,
		DisplayName:      "Certinel agent",
		Description:      "Checks the TLS certificates of this network for Certinel.",
		StartType:        mgr.StartAutomatic,
		DelayedAutoStart: true,
		ServiceStartName: localService,
	}
	args := []string{"run", "--env-file", s.EnvFile}
	svcObj, err := m.OpenService(Name)
	if err == nil {
		// Installed before: a second install points the service at this
		// binary and env file and restarts it.
		if err := stopAndWait(svcObj); err != nil {
			svcObj.Close()
			return err
		}
		cfg.BinaryPathName = commandLine(s.Executable, args)
		if err := svcObj.UpdateConfig(cfg); err != nil {
			svcObj.Close()
			return fmt.Errorf("service: update %s: %w", Name, err)
		}
	} else if svcObj, err = m.CreateService(Name, s.Executable, cfg, args...); err != nil {
		return fmt.Errorf("service: create %s: %w", Name, err)
	}
	defer svcObj.Close()
	if err := s.configure(svcObj); err != nil {
		return err
	}
	s.say("installed the service %s (runs as LocalService)", Name)
	if err := svcObj.Start(); err != nil {
		return fmt.Errorf("service: start %s: %w", Name, err)
	}
	s.say("%s is running; its log is in the Application event log, source %s", Name, Name)
	return nil
}

// configure sets what CreateService cannot: restarts after a failure, the
// spool directory in the service's environment and the event log source.
func (s scm) configure(svcObj *mgr.Service) error {
	restart := []mgr.RecoveryAction{
		{Type: mgr.ServiceRestart, Delay: 10 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 30 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 2 * time.Minute},
	}
	if err := svcObj.SetRecoveryActions(restart, uint32((24 * time.Hour).Seconds())); err != nil {
		return fmt.Errorf("service: recovery actions: %w", err)
	}
	// The agent exits with an error code rather than crashing; that must
	// count as a failure too.
	if err := svcObj.SetRecoveryActionsOnNonCrashFailures(true); err != nil {
		return fmt.Errorf("service: recovery actions: %w", err)
	}
	key, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Services\`+Name, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("service: registry: %w", err)
	}
	defer key.Close()
	if err := key.SetStringsValue("Environment", []string{"CERTINEL_SPOOL_DIR=" + spoolDir}); err != nil {
		return fmt.Errorf("service: registry: %w", err)
	}
	err = eventlog.InstallAsEventCreate(Name, eventlog.Error|eventlog.Warning|eventlog.Info)
	if err != nil && !errors.Is(err, windows.ERROR_ALREADY_EXISTS) {
		return fmt.Errorf("service: event log source: %w", err)
	}
	return nil
}

// restrictFiles lets only SYSTEM and Administrators (full) and LocalService
// (read the env file, write the spool) at the agent's files; the default
// ProgramData rights would let every local user read the tokens.
func (s scm) restrictFiles() error {
	if err := os.MkdirAll(spoolDir, 0o700); err != nil {
		return fmt.Errorf("service: %w", err)
	}
	err := s.run("icacls", s.EnvFile, "/inheritance:r", "/grant:r",
		sidSystem+":F", sidAdmins+":F", sidLocalService+":R")
	if err != nil {
		return err
	}
	return s.run("icacls", spoolDir, "/inheritance:r", "/grant:r",
		sidSystem+":(OI)(CI)F", sidAdmins+":(OI)(CI)F", sidLocalService+":(OI)(CI)M")
}

// commandLine quotes the command as CreateService does.
func commandLine(exe string, args []string) string {
	line := windows.EscapeArg(exe)
	for _, a := range args {
		line += " " + windows.EscapeArg(a)
	}
	return line
}

func (s scm) Uninstall() error {
	return withService(func(svcObj *mgr.Service) error {
		if err := stopAndWait(svcObj); err != nil {
			return err
		}
		if err := svcObj.Delete(); err != nil {
			return fmt.Errorf("service: delete %s: %w", Name, err)
		}
		_ = eventlog.Remove(Name)
		s.say("removed the service %s; kept the env file and %s", Name, spoolDir)
		return nil
	})
}

func (s scm) Start() error {
	return withService(func(svcObj *mgr.Service) error {
		if err := svcObj.Start(); err != nil {
			return fmt.Errorf("service: start %s: %w", Name, err)
		}
		return nil
	})
}

func (s scm) Stop() error {
	return withService(stopAndWait)
}

func (s scm) Status() error {
	return withService(func(svcObj *mgr.Service) error {
		st, err := svcObj.Query()
		if err != nil {
			return fmt.Errorf("service: query %s: %w", Name, err)
		}
		s.say("%s: %s", Name, stateNames[st.State])
		return nil
	})
}

var stateNames = map[svc.State]string{
	svc.Stopped: "stopped", svc.StartPending: "starting", svc.StopPending: "stopping",
	svc.Running: "running", svc.ContinuePending: "continuing", svc.PausePending: "pausing",
	svc.Paused: "paused",
}

// connect opens the service control manager, which only Administrators may
// change services through.
func connect() (*mgr.Mgr, error) {
	m, err := mgr.Connect()
	if err != nil {
		return nil, fmt.Errorf("service: connect to the service control manager (run as Administrator): %w", err)
	}
	return m, nil
}

// withService runs fn on the installed service.
func withService(fn func(*mgr.Service) error) error {
	m, err := connect()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	svcObj, err := m.OpenService(Name)
	if err != nil {
		return fmt.Errorf("service: %s is not installed: %w", Name, err)
	}
	defer svcObj.Close()
	return fn(svcObj)
}

// stopAndWait asks the service to stop and waits, at most a minute, until it
// has: the agent finishes writing its spool first.
func stopAndWait(svcObj *mgr.Service) error {
	st, err := svcObj.Control(svc.Stop)
	if err != nil {
		if errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
			return nil
		}
		return fmt.Errorf("service: stop %s: %w", Name, err)
	}
	deadline := time.Now().Add(time.Minute)
	for st.State != svc.Stopped {
		if time.Now().After(deadline) {
			return fmt.Errorf("service: %s did not stop within a minute", Name)
		}
		time.Sleep(300 * time.Millisecond)
		if st, err = svcObj.Query(); err != nil {
			return fmt.Errorf("service: query %s: %w", Name, err)
		}
	}
	return nil
}
