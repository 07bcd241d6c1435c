package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"certinel.dev/agent/internal/service"
)

// serviceCommand runs `service install|uninstall|start|stop|status`: the
// installed service runs this very binary, where it is now.
func serviceCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "certinel-agent service: want install, uninstall, start, stop or status\n%s", usage)
		return exitUsage
	}
	verb, args := args[0], args[1:]
	fs := flag.NewFlagSet("service "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	envFile := fs.String("env-file", service.DefaultEnvFile, "env file the service reads")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "certinel-agent service %s: unexpected argument %q\n", verb, fs.Arg(0))
		return exitUsage
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	env, absErr := filepath.Abs(*envFile)
	if err == nil {
		err = absErr
	}
	if err != nil {
		fmt.Fprintf(stderr, "certinel-agent service %s: %v\n", verb, err)
		return exitFailed
	}
	m, err := service.New(service.Options{
		Executable: exe,
		EnvFile:    env,
		System:     service.Exec{Stdout: stdout, Stderr: stderr},
		Out:        stdout,
	})
	if err != nil {
		fmt.Fprintf(stderr, "certinel-agent service %s: %v\n", verb, err)
		return exitFailed
	}
	actions := map[string]func() error{
		"install": m.Install, "uninstall": m.Uninstall,
		"start": m.Start, "stop": m.Stop, "status": m.Status,
	}
	act, ok := actions[verb]
	if !ok {
		fmt.Fprintf(stderr, "certinel-agent service: unknown action %q\n%s", verb, usage)
		return exitUsage
	}
	if err := act(); err != nil {
		fmt.Fprintf(stderr, "certinel-agent service %s: %v\n", verb, err)
		return exitFailed
	}
	return exitOK
}
