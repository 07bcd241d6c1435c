import { fileLabel, type FileItem } from '@/lib/file-item';
import type { Revocation } from '@/lib/revocation';

export const PROTOCOLS = [
  { value: 'tls', label: 'TLS (direct, HTTPS and others)', port: 443 },
  { value: 'smtp', label: 'SMTP with STARTTLS', port: 25 },
  { value: 'smtps', label: 'SMTPS (implicit TLS)', port: 465 },
  { value: 'imap', label: 'IMAP with STARTTLS', port: 143 },
  { value: 'imaps', label: 'IMAPS', port: 993 },
  { value: 'pop3', label: 'POP3 with STARTTLS', port: 110 },
  { value: 'pop3s', label: 'POP3S', port: 995 },
  { value: 'ldap', label: 'LDAP with StartTLS', port: 389 },
  { value: 'ldaps', label: 'LDAPS', port: 636 },
  { value: 'ftp', label: 'FTP with AUTH TLS', port: 21 },
  { value: 'xmpp', label: 'XMPP with STARTTLS', port: 5222 },
  { value: 'postgres', label: 'PostgreSQL (SSLRequest)', port: 5432 },
  { value: 'mysql', label: 'MySQL (TLS upgrade)', port: 3306 },
] as const;

export type Protocol = (typeof PROTOCOLS)[number]['value'];

export const defaultPort = (protocol: string) => PROTOCOLS.find((p) => p.value === protocol)?.port ?? 443;

/** Mirrors lifecycle.Statuses on the server. As a filter, a status selects every domain with that problem. */
export const STATUSES = ['pending', 'ok', 'due', 'expiring', 'expired', 'invalid', 'unreachable'] as const;
export type DomainStatus = (typeof STATUSES)[number];

/** Mirrors lifecycle.Problems on the server. */
export const PROBLEMS = ['expired', 'revoked', 'not_yet_valid', 'untrusted', 'hostname_mismatch', 'weak_crypto', 'renewal_overdue', 'expiring', 'unreachable'] as const;
export type Problem = (typeof PROBLEMS)[number];

/** When a certificate is expected to be renewed; after end, renewal is overdue. */
export type RenewalWindow = { start: string; end: string; source: 'estimate' | 'ari' };

export type Domain = {
  /** Set when the domain is a certificate read from a file on its agent's host (a file source). */
  file?: FileItem | null;
  id: string;
  host: string;
  port: number;
  protocol: string;
  sni: string;
  agent_id: string | null;
  tags: string[];
  status: DomainStatus;
  days_left: number | null;
  not_after: string | null;
  sha256: string | null;
  last_checked_at: string | null;
  last_error: string;
  last_error_kind: string;
  /** The latest check's protocol version and key exchange group; empty when unknown. */
  tls_version?: string;
  key_exchange?: string;
  post_quantum?: boolean;
  /** Why the domain is not ok: every problem, now. */
  problems: Problem[];
  renewal_window: RenewalWindow | null;
  /** When a missing renewal becomes urgent (status expiring). */
  urgent_at: string | null;
  /** When renewal is due, as a fraction of the lifetime; null follows the policy. */
  renew_after_fraction?: number | null;
  created_at: string;
  updated_at: string;
};

export type ChainEntry = {
  position: number;
  sha256: string;
  subject: string;
  issuer: string;
  serial: string;
  not_before: string;
  not_after: string;
  days_left: number;
  /** null until the server checked it (self-signed roots never are). */
  revocation?: Revocation | null;
};

export type ServedCertificate = {
  sha256: string;
  subject: string;
  issuer: string;
  not_after: string;
  first_seen: string;
  last_seen: string;
  checks: number;
};

export type Finding = { code: string; position: number; message: string };

/** The server's judgement of the current chain (absent on older servers). */
export type Analysis = {
  status?: string;
  problems?: string[];
  days_left?: number;
  expired?: boolean;
  not_yet_valid?: boolean;
  validity_note?: string;
  trust?: { status?: string; reason?: string; anchor?: string; missing_issuer?: string; valid_with_known?: boolean };
  hostname?: string;
  hostname_match?: boolean;
  hostname_reason?: string;
  hostname_matched_by?: string;
  weak_crypto?: Finding[] | null;
  renewal_window?: RenewalWindow;
  urgent_at?: string;
  renewal_overdue?: boolean;
};

export type LastCheck = {
  observed_at: string;
  address: string;
  tls_version: string;
  cipher_suite: string;
  key_exchange?: string;
  duration_ms: number;
  handshake_error?: string;
  by_agent: boolean;
};

export type CheckError = {
  observed_at: string;
  first_observed_at: string;
  checks: number;
  error: string;
  error_kind: string;
  address: string;
};
export type Change = { old_sha256: string; new_sha256: string; observed_at: string };

export type StaleInfo = {
  domain_id: string;
  host: string;
  port: number;
  name: string;
  served_sha256: string;
  newer_sha256: string;
  newer_domain_id: string;
  newer_host: string;
  newer_port: number;
};

/** The issuing CA's suggested renewal window (ACME Renewal Information, RFC 9773). */
export type RenewalInfo = {
  directory_url: string;
  /** null until the CA answered. */
  window_start: string | null;
  window_end: string | null;
  explanation_url?: string;
  previous_start?: string;
  previous_end?: string;
  fetched_at: string | null;
  next_fetch_at: string;
  last_error?: string;
};

/** The CA moved its window earlier than it was: it wants the certificate replaced now. */
export const windowMovedEarlier = (ri: RenewalInfo) =>
  ri.window_start != null && ri.previous_start != null && new Date(ri.window_start).getTime() < new Date(ri.previous_start).getTime();

/** One address behind a domain's name and its latest check. */
export type Backend = {
  address: string;
  family: 'ipv4' | 'ipv6';
  /** ok when it served a certificate, unreachable when its check failed. */
  status: string;
  sha256: string;
  not_before: string | null;
  not_after: string | null;
  days_left: number | null;
  error_kind: string;
  error: string;
  observed_at: string;
  /** It serves an older certificate than another backend: a renewal it never took up. */
  stale_certificate: boolean;
};

export type DomainDetail = Domain & {
  stale?: StaleInfo[] | null;
  backends?: Backend[] | null;
  renewal_info?: RenewalInfo | null;
  chain: ChainEntry[];
  history: ServedCertificate[];
  analysis?: Analysis | null;
  last_check?: LastCheck | null;
  errors?: CheckError[] | null;
  changes?: Change[] | null;
  /** The latest runs of identical checks, newest first. */
  samples?: Sample[] | null;
};

/** A run of identical checks, from first_observed_at to observed_at. */
export type Sample = {
  observed_at: string;
  first_observed_at: string;
  checks: number;
  ok: boolean;
  error_kind: string;
  trust_status: string;
  sha256: string;
};

export type AgentOption = { id: string; name: string };

export type DomainFilters = {
  q?: string;
  status?: string;
  agent_id?: string;
  tag?: string;
  expires_before?: string;
  /** Post-quantum readiness: true, false or unknown. */
  post_quantum?: string;
  sort?: string;
};

export const endpointLabel = (d: Pick<Domain, 'host' | 'port'>) =>
  d.host.includes(':') ? `[${d.host}]:${d.port}` : `${d.host}:${d.port}`;

/** The SNI that tells a domain apart at its address: empty when it is the host's own name. */
export const distinctSNI = (d: Pick<Domain, 'host' | 'sni'>) => (d.sni && d.sni !== d.host ? d.sni : '');

/** The endpoint with the name it asks for, when several names share the address. */
export const endpointWithSNI = (d: Pick<Domain, 'host' | 'port' | 'sni' | 'file'>) => {
  if (d.file) return fileLabel(d.file);
  const sni = distinctSNI(d);
  return sni ? `${endpointLabel(d)} (SNI ${sni})` : endpointLabel(d);
};
