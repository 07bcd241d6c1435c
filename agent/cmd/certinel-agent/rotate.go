package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"certinel.dev/agent/internal/tokenstate"
)

// rotateToken runs `certinel-agent rotate-token`: the agent asks the server
// for a next token and keeps it in its spool directory. A running daemon
// goes on with the current token, which keeps working, and switches to the
// new one when it next starts; the server retires the old token then.
func rotateToken(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, ok := commandConfig("rotate-token", args, stderr)
	if !ok {
		return exitUsage
	}
	log := newLogger(cfg, stderr)
	c, tokens, _, err := newClient(cfg, log)
	if err != nil {
		log.Error("cannot rotate the token", "error", err)
		return exitFailed
	}
	if _, err := tokenstate.Rotate(ctx, c, tokens); err != nil {
		log.Error("cannot rotate the token; the current one goes on working", "error", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "new agent token kept in %s; restart the agent to switch to it (the current token works until then)\n",
		filepath.Join(cfg.SpoolDir, tokenstate.FileName))
	return exitOK
}
