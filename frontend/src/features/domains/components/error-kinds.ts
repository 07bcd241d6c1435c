/** Why a check failed, in plain words, by the API's error_kind. */
export const errorKinds: Record<string, string> = {
  dns: 'DNS lookup failed',
  refused: 'Connection refused',
  timeout: 'Timed out',
  tls_handshake: 'TLS handshake failed',
  protocol: 'Protocol upgrade failed',
  other: 'Check failed',
};
