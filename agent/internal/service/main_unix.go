//go:build !windows

package service

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Main runs the program until it returns or is told to stop: here by
// SIGINT or SIGTERM (what systemd and launchd send), on Windows by the
// service control manager as well. It returns the exit code.
func Main(program func(ctx context.Context, stderr io.Writer) int) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return program(ctx, os.Stderr)
}
