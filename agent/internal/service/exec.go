package service

import (
	"io"
	"os/exec"
)

// Exec runs tools as child processes.
type Exec struct {
	Stdout, Stderr io.Writer
}

// Run shows the tool's output and errors to the operator.
func (e Exec) Run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = e.Stdout, e.Stderr
	return cmd.Run()
}

// Output keeps the tool's errors from the operator: the installers use it
// to ask questions (does the user exist?) whose "no" is no failure.
func (e Exec) Output(name string, args ...string) ([]byte, error) {
	return exec.Command(name, args...).Output()
}
