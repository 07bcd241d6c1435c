package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/config"
	"certinel.dev/agent/internal/identity"
)

// enroll runs `certinel-agent enroll`: the agent generates its key, sends a
// certificate request with the one-time join token an admin created, and
// keeps the certificate the server answers, with the CA chain and the
// server pin, in its state (spool) directory. The key never leaves the
// machine.
func enroll(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "the server's URL, e.g. https://certinel.example.com")
	joinToken := fs.String("join-token", "", "the one-time join token (cnl_join_...) from the agent's page")
	pinFlag := fs.String("server-pin", "", "sha256:<hex> of the server certificate's public key (SPKI) or of the whole certificate")
	envFile := fs.String("env-file", "", "file of KEY=VALUE lines (default ./"+defaultEnvFile+" when present)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *server == "" || *joinToken == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: certinel-agent enroll --server URL --join-token TOKEN [--server-pin sha256:HEX] [--env-file PATH]")
		return exitUsage
	}
	var pin []byte
	if *pinFlag != "" {
		var err error
		if pin, err = identity.ParsePin(*pinFlag); err != nil {
			fmt.Fprintf(stderr, "certinel-agent enroll: %v\n", err)
			return exitUsage
		}
	}
	cfg, err := enrollConfig(*envFile, *server)
	if err != nil {
		fmt.Fprintf(stderr, "certinel-agent: %v\n", err)
		return exitUsage
	}
	log := newLogger(cfg, stderr)
	opts := clientOptions(cfg, log)
	opts.APIKey = "" // the join token is the only credential of enrollment
	if pin != nil {
		opts.ServerPin = identity.VerifyPin(pin)
	}
	id, err := enrollWith(ctx, client.New(opts), identity.Dir(cfg.SpoolDir), *joinToken, pin)
	if err != nil {
		log.Error("enrollment failed", "error", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "enrolled: client certificate %s valid until %s, kept with its key in %s;\n"+
		"run the agent with CERTINEL_SERVER_URL=%s (no tokens needed)\n",
		id.Leaf.SerialNumber.Text(16), id.Leaf.NotAfter.Format(time.RFC3339), filepath.Join(cfg.SpoolDir, identity.FileName), cfg.ServerURL)
	return exitOK
}

// enrollWith generates the key, trades the request for a certificate and
// keeps both, with the pin (or without any pin of an earlier enrollment).
func enrollWith(ctx context.Context, c *client.Client, dir identity.Dir, joinToken string, pin []byte) (identity.Identity, error) {
	key, req, err := identity.NewKey()
	if err != nil {
		return identity.Identity{}, err
	}
	resp, err := c.Enroll(ctx, joinToken, req)
	if err != nil {
		return identity.Identity{}, err
	}
	if pin != nil {
		err = dir.SavePin(pin)
	} else if rmErr := os.Remove(filepath.Join(string(dir), identity.PinFileName)); !errors.Is(rmErr, fs.ErrNotExist) {
		err = rmErr
	}
	if err != nil {
		return identity.Identity{}, err
	}
	return dir.Save(key, resp)
}

// enrollConfig loads the configuration with the server URL of --server; the
// tokens are not needed.
func enrollConfig(envFile, server string) (config.Config, error) {
	return loadConfigWith(envFile, func(key string) (string, bool) {
		if key == "CERTINEL_SERVER_URL" {
			return server, true
		}
		return os.LookupEnv(key)
	})
}
