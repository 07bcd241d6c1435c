package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"certinel.dev/agent/internal/client"
	"certinel.dev/agent/internal/config"
	"certinel.dev/agent/internal/identity"
	"certinel.dev/shared/wire"
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
	wait := fs.Duration("wait", time.Hour, "how long to wait for an admin's approval when the organization requires it")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *server == "" || *joinToken == "" || fs.NArg() > 0 || *wait <= 0 {
		fmt.Fprintln(stderr, "usage: certinel-agent enroll --server URL --join-token TOKEN [--server-pin sha256:HEX] [--env-file PATH] [--wait DURATION]")
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
	e := enrollment{client: client.New(opts), dir: identity.Dir(cfg.SpoolDir), joinToken: *joinToken, pin: pin,
		wait: *wait, out: stdout, log: log}
	id, err := e.run(ctx)
	if err != nil {
		log.Error("enrollment failed", "error", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "enrolled: client certificate %s valid until %s, kept with its key in %s;\n"+
		"run the agent with CERTINEL_SERVER_URL=%s (no tokens needed)\n",
		id.Leaf.SerialNumber.Text(16), id.Leaf.NotAfter.Format(time.RFC3339), filepath.Join(cfg.SpoolDir, identity.FileName), cfg.ServerURL)
	return exitOK
}

// enrollment is one run of the enroll command.
type enrollment struct {
	client    *client.Client
	dir       identity.Dir
	joinToken string
	pin       []byte
	wait      time.Duration // for an admin's approval
	out       io.Writer
	log       *slog.Logger
}

// run generates the key and trades the request for a certificate, waiting
// for an admin's approval when the server holds the enrollment; a run
// after an interrupted wait resumes it with the same key. It keeps key and
// certificate, with the pin (or without any pin of an earlier enrollment).
func (e enrollment) run(ctx context.Context) (identity.Identity, error) {
	var resp wire.CertificateResponse
	pending, err := e.dir.LoadPending(e.joinToken)
	switch {
	case err == nil:
		if resp, err = e.await(ctx, pending, ""); err != nil {
			return identity.Identity{}, err
		}
	case errors.Is(err, identity.ErrNoPending):
		key, req, err := identity.NewKey()
		if err != nil {
			return identity.Identity{}, err
		}
		got, err := e.client.Enroll(ctx, e.joinToken, req)
		if err != nil {
			return identity.Identity{}, err
		}
		pending, resp = identity.Pending{Key: key, EnrollmentID: got.EnrollmentID}, got.CertificateResponse
		if got.Pending() {
			if err := e.dir.SavePending(key, got.EnrollmentID, e.joinToken); err != nil {
				return identity.Identity{}, err
			}
			if resp, err = e.await(ctx, pending, got.KeyFingerprint); err != nil {
				return identity.Identity{}, err
			}
		}
	default:
		return identity.Identity{}, err
	}
	return e.keep(pending.Key, resp)
}

// keep saves the pin and the identity, then forgets the pending key.
func (e enrollment) keep(key *ecdsa.PrivateKey, resp wire.CertificateResponse) (identity.Identity, error) {
	var err error
	if e.pin != nil {
		err = e.dir.SavePin(e.pin)
	} else if rmErr := os.Remove(filepath.Join(string(e.dir), identity.PinFileName)); !errors.Is(rmErr, fs.ErrNotExist) {
		err = rmErr
	}
	if err != nil {
		return identity.Identity{}, err
	}
	id, err := e.dir.Save(key, resp)
	if err != nil {
		return identity.Identity{}, err
	}
	return id, e.dir.RemovePending()
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
