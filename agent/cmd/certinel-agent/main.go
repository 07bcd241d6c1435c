// Old servers inside private networks (appliances, BMCs, legacy Java) may
// sign TLS 1.2 handshakes with SHA-1 only; since Go 1.25 crypto/tls refuses
// that, and such a server's certificate would never be seen. The agent only
// reads certificates, and a current Certinel server never picks SHA-1.
//
//go:debug tlssha1=1

// Command certinel-agent pulls its targets from a Certinel server, captures
// each endpoint's certificate chain, and pushes the chains back.
//
//	certinel-agent [run] [--env-file PATH]   the daemon (default)
//	certinel-agent once  [--env-file PATH]   one cycle; exit 0 when every pull and push succeeded
//	certinel-agent check HOST[:PORT] [--protocol P] [--sni NAME] [--timeout D]
//	certinel-agent service install|uninstall|start|stop|status [--env-file PATH]
//	certinel-agent rotate-token [--env-file PATH]   fetch and keep a new agent token
//	certinel-agent enroll --server URL --join-token T [--server-pin sha256:HEX] [--env-file PATH] [--wait 1h]
//	certinel-agent version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"certinel.dev/agent/internal/service"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes: 0 success, 1 a cycle or check failed, 2 bad usage or configuration.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

func main() {
	os.Exit(service.Main(func(ctx context.Context, stderr io.Writer) int {
		return run(ctx, os.Args[1:], os.Stdout, stderr)
	}))
}

// run runs one command until it ends or ctx is cancelled (a signal, or the
// Windows service control manager stopping the service).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run", "once":
		return agent(ctx, cmd, args, stderr)
	case "check":
		return check(ctx, args, stdout, stderr)
	case "service":
		return serviceCommand(args, stdout, stderr)
	case "rotate-token":
		return rotateToken(ctx, args, stdout, stderr)
	case "enroll":
		return enroll(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "certinel-agent %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return exitOK
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "certinel-agent: unknown command %q\n%s", cmd, usage)
		return exitUsage
	}
}

const usage = `usage:
  certinel-agent [run] [--env-file PATH]   run as a daemon (the default)
  certinel-agent once [--env-file PATH]    one pull-fetch-push cycle; exit 0 when it all succeeded
  certinel-agent check HOST[:PORT] [--protocol tls] [--sni NAME] [--timeout 10s]
                                           print one endpoint's chain, no server needed
  certinel-agent service install|uninstall|start|stop|status [--env-file PATH]
                                           the agent as a system service (as root or Administrator);
                                           the env file defaults to ` + service.DefaultEnvFile + `
  certinel-agent rotate-token [--env-file PATH]
                                           fetch a new agent token and keep it in the spool
                                           directory; the agent switches to it at its next start
  certinel-agent enroll --server URL --join-token TOKEN [--server-pin sha256:HEX] [--env-file PATH] [--wait DURATION]
                                           generate the agent's key, get its client certificate with
                                           a one-time join token, and keep both in the spool directory;
                                           run and once then authenticate by mutual TLS and renew it
  certinel-agent version
The env file (default ./environment.txt when present) holds KEY=VALUE lines;
the process environment overrides it.
`
