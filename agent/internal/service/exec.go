package service

import (
	"io"
	"os/exec"
)

// Exec runs tools as child processes, their output and errors shown to the
// operator.
type Exec struct {
	Stdout, Stderr io.Writer
}

func (e Exec) Run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = e.Stdout, e.Stderr
	return cmd.Run()
}

func (e Exec) Output(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = e.Stderr
	return cmd.Output()
}
