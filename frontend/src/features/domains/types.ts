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

export const STATUSES = ['pending', 'ok', 'expiring', 'expired', 'invalid', 'unreachable'] as const;
export type DomainStatus = (typeof STATUSES)[number];

export type Domain = {
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

export type DomainDetail = Domain & { chain: ChainEntry[]; history: ServedCertificate[] };

export type AgentOption = { id: string; name: string };

export type DomainFilters = {
  q?: string;
  status?: string;
  agent_id?: string;
  tag?: string;
  expires_before?: string;
  sort?: string;
};

export const endpointLabel = (d: Pick<Domain, 'host' | 'port'>) =>
  d.host.includes(':') ? `[${d.host}]:${d.port}` : `${d.host}:${d.port}`;
