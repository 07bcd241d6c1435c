/**
 * Every code the API answers with (statuses, problems, trust verdicts, check
 * errors, key usages) in the words the dashboard shows. The API keeps its
 * codes; pages never print one raw.
 */

/** "1 agent", "3 agents"; many is the plural when it is not one + s. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Falls back to the code with its underscores as spaces, capitalised. */
function fallback(code: string): string {
  const words = code.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const statusWords: Record<string, string> = {
  ok: 'OK',
  due: 'Renewal overdue',
  expiring: 'Expiring',
  expired: 'Expired',
  invalid: 'Invalid',
  unreachable: 'Unreachable',
  pending: 'Pending',
  online: 'Online',
  offline: 'Offline',
  never: 'Never connected',
};

/** A domain's or an agent's status as a badge says it. */
export const statusText = (status: string) => statusWords[status] ?? fallback(status);

const statusMeanings: Record<string, string> = {
  ok: 'Inside its healthy window: no renewal expected yet, or renewed in time.',
  due: 'Its renewal window has passed and no renewed certificate was seen.',
  expiring: "Close to expiry without a renewal: the last sixth of its lifetime, or within the organization's floor.",
  expired: 'A certificate of the chain has expired.',
  invalid: 'Clients reject the chain today (untrusted, wrong host name, or not yet valid).',
  unreachable: 'The latest check got no certificate.',
  pending: 'Waiting for its first check.',
};

/** What a domain status means, for tooltips. */
export const statusMeaning = (status: string): string | undefined => statusMeanings[status];

const discoveredWords: Record<string, string> = { new: 'New', known: 'Monitored', ignored: 'Ignored' };

/** The state of an endpoint found by discovery. */
export const discoveredStateText = (state: string) => discoveredWords[state] ?? fallback(state);

const problemWords: Record<string, string> = {
  expired: 'Expired',
  revoked: 'Revoked',
  not_yet_valid: 'Not yet valid',
  untrusted: 'Untrusted chain',
  hostname_mismatch: 'Wrong host name',
  weak_crypto: 'Weak crypto',
  renewal_overdue: 'Renewal overdue',
  expiring: 'Expiring soon',
  unreachable: 'Unreachable',
};

/** A problem code of a domain, as a chip says it. */
export const problemText = (p: string) => problemWords[p] ?? fallback(p);

const trustWords: Record<string, string> = {
  trusted: 'Trusted by public roots',
  trusted_org_ca: "Trusted through your organization's CA bundle",
  self_signed: 'Self-signed',
  unknown_authority: 'Issued by an unknown authority',
  incomplete_chain: 'Incomplete chain',
  expired_chain: 'A certificate of the chain has expired',
  invalid: 'Not valid',
  untrusted: 'Not trusted',
};

/** A trust verdict of a chain. */
export const trustText = (status: string | null | undefined) => (status ? (trustWords[status] ?? fallback(status)) : 'Not judged');

const shortTrustWords: Record<string, string> = {
  trusted: 'Trusted',
  trusted_org_ca: 'Trusted (your CA)',
  self_signed: 'Self-signed',
  unknown_authority: 'Unknown issuer',
  incomplete_chain: 'Incomplete chain',
  expired_chain: 'Expired chain',
  invalid: 'Not valid',
};

/** A trust verdict in a table cell. */
export const trustShortText = (status: string) => shortTrustWords[status] ?? fallback(status);

const usageWords: Record<string, string> = {
  any: 'Any purpose',
  server_auth: 'TLS server authentication',
  client_auth: 'TLS client authentication',
  code_signing: 'Code signing',
  email_protection: 'Email protection (S/MIME)',
  ipsec_end_system: 'IPsec end system',
  ipsec_tunnel: 'IPsec tunnel',
  ipsec_user: 'IPsec user',
  time_stamping: 'Time stamping',
  ocsp_signing: 'OCSP response signing',
  microsoft_server_gated_crypto: 'Microsoft server-gated crypto',
  netscape_server_gated_crypto: 'Netscape server-gated crypto',
  microsoft_commercial_code_signing: 'Microsoft commercial code signing',
  microsoft_kernel_code_signing: 'Microsoft kernel code signing',
};

/** An extended key usage; an unknown one is an OID and stays as it is. */
export const usageText = (u: string) => usageWords[u] ?? (/^[\d.]+$/.test(u) ? `OID ${u}` : fallback(u));

const errorKindWords: Record<string, string> = {
  dns: 'The host name does not resolve',
  refused: 'The connection was refused',
  timeout: 'The endpoint did not answer in time',
  tls_handshake: 'The TLS handshake failed',
  protocol: 'The protocol upgrade to TLS failed',
  file_missing: 'The file is missing: no file matches the configured path',
  file_unreadable: 'The agent cannot read the file (permissions, a directory, or a disk error)',
  file_malformed: 'The file holds no certificate, keystore or CRL the agent can read',
  file_password: 'The keystore password is missing or wrong in the agent configuration',
  file_too_large: 'The file is larger than the 16 MB an agent reads',
  other: 'The check failed',
};

const fileFormatWords: Record<string, string> = {
  pem: 'PEM', der: 'DER', pkcs12: 'PKCS#12', jks: 'Java keystore (JKS)', jceks: 'Java keystore (JCEKS)', crl: 'CRL',
};

/** The format of a certificate file an agent read. */
export const fileFormatText = (format: string) => fileFormatWords[format] ?? fallback(format);

/** The kind of a failed check, as a title. */
export const errorKindText = (kind: string) => errorKindWords[kind] ?? 'The check failed';

// Raw error text from Go's net, tls and x509 packages, recognised by the
// phrases those packages write, and said plainly.
const errorPhrases: [RegExp, string][] = [
  [/certificate has expired|expired certificate|current time .* is after/i, 'A certificate of the chain has expired.'],
  [/is not yet valid|current time .* is before/i, 'A certificate of the chain is not valid yet.'],
  [/unknown authority|unknown certificate authority|not a trusted root/i, 'The chain does not lead to an authority trusted here.'],
  [/not valid for|doesn't contain any IP SANs|certificate is valid for/i, 'The certificate is not valid for this host name.'],
  [/no such host|server misbehaving|lookup .* on/i, 'The host name does not resolve.'],
  [/connection refused/i, 'The endpoint refused the connection: nothing listens on this port.'],
  [/no route to host|network is unreachable|host is unreachable/i, 'The network path to the endpoint is unreachable.'],
  [/i\/o timeout|deadline exceeded|timed out/i, 'The endpoint did not answer in time.'],
  [/connection reset|broken pipe|EOF/i, 'The endpoint closed the connection during the handshake.'],
  [/handshake failure|protocol version|no cipher suite|unsupported/i, 'The endpoint and Certinel share no TLS version or cipher suite.'],
  [/first record does not look like a TLS handshake|record header/i, 'The endpoint does not speak TLS on this port.'],
  [/STARTTLS|starttls/i, 'The endpoint did not accept the upgrade to TLS.'],
  [/signature|signed by/i, 'A certificate of the chain is not validly signed by its issuer.'],
  [/constraint|exceeds/i, 'The chain breaks a constraint set by its issuer.'],
  [/not a CA|cannot sign/i, 'An issuer of the chain is not allowed to issue certificates.'],
  [/key usage|incompatible usage/i, 'A certificate of the chain may not be used for TLS servers.'],
];

// Text written by Go's packages rather than by the server for people: a
// package prefix ("x509:", "tls:", "dial tcp"), or "op: cause" chains.
const rawError = /x509:|tls:|dial |remote error|lookup |read tcp|write tcp|EOF|^[a-z0-9_ ]+: /;

/**
 * A human sentence for an error from a check or from verification. Raw
 * text from Go is never the message: it is recognised and said plainly
 * (the caller keeps it for technical details); a sentence the server wrote
 * for people stands. kind, when known, words what the text alone does not.
 */
export function errorText(raw: string | null | undefined, kind?: string): string {
  const text = (raw ?? '').trim();
  if (text && !rawError.test(text)) return text.charAt(0).toUpperCase() + text.slice(1);
  for (const [re, words] of errorPhrases) if (re.test(text)) return words;
  if (kind) return `${errorKindText(kind)}.`;
  return 'The check failed.';
}

/** Whether errorText said text in other words, so the raw text is worth a look. */
export const isRawError = (raw: string | null | undefined) => Boolean(raw && rawError.test(raw.trim()));

/**
 * Days left as a sentence: "expires in 1 day", "expires today",
 * "expired 3 days ago".
 */
export function expiresInText(days: number): string {
  if (days < 0) return `expired ${plural(-days, 'day')} ago`;
  if (days === 0) return 'expires today';
  return `expires in ${plural(days, 'day')}`;
}
