package main

import (
	"crypto/tls"
	"fmt"

	"certinel.dev/server/internal/config"
)

// serverTLS is the TLS configuration when the server serves HTTPS itself,
// nil otherwise. It requests client certificates without requiring them:
// browsers and token agents share the port with agents that authenticate by
// mutual TLS, and the agent endpoints verify the certificate themselves
// (against the agent CA and the revocation state) on every request.
func serverTLS(cfg config.Config) (*tls.Config, error) {
	if cfg.TLSCertFile == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("CERTINEL_TLS_CERT_FILE, CERTINEL_TLS_KEY_FILE: %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequestClientCert,
		MinVersion:   tls.VersionTLS12,
	}, nil
}
