/** The command that enrolls an agent with a join token. */
export const enrollCommand = (serverUrl: string, token: string) => `certinel-agent enroll --server ${serverUrl} --join-token ${token}`;

/**
 * An openssl pipeline printing the server's SPKI pin (sha256:<hex> of its
 * certificate's public key) in the form --server-pin takes; OpenSSL 1.1
 * and 3 both end dgst's line with "= <hex>".
 */
export function serverPinCommand(serverUrl: string): string {
  const u = new URL(serverUrl);
  const port = u.port || (u.protocol === 'http:' ? '80' : '443');
  return (
    `openssl s_client -connect ${u.hostname}:${port} -servername ${u.hostname} </dev/null 2>/dev/null` +
    ` | openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 | sed 's/^.*= /sha256:/'`
  );
}
