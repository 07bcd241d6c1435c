export type Agent = {
  id: string;
  name: string;
  status: 'online' | 'offline' | 'never';
  last_seen_at: string | null;
  version: string;
  interval_seconds: number;
  targets: number;
  prefix: string;
  /** Result batches the agent set aside because the server kept failing on them. */
  parked_batches: number;
  /** When the oldest parked batch was written; null when none. */
  parked_oldest_at: string | null;
  created_at: string;
  /** The control channel: connected while the agent polled within 90 s. */
  channel: { connected: boolean; since: string | null; last_heartbeat: string | null };
  /** GOOS/GOARCH, spooled batches and the latest cycle, as the agent last reported. */
  platform: string;
  spool_batches: number;
  last_cycle: CycleCounts | null;
  /** Set while a graceful token rotation waits for the agent; when its token last changed. */
  token_rotation_requested_at: string | null;
  token_rotated_at: string | null;
  /** The agent's current client certificate (mutual TLS): serial (empty when none), expiry, when it was last issued. */
  certificate_serial: string;
  certificate_not_after: string | null;
  certificate_rotated_at: string | null;
  /** The agent token: only in the creation answer and that of a revoking rotation. */
  token?: string;
  /** The API token made with the agent (create_api_key): only in the creation answer. */
  api_key?: { id: string; name: string; prefix: string; token: string };
};

/** A file of GET /agent-downloads. */
export type AgentDownload = {
  name: string;
  os: string;
  arch: string;
  kind: 'binary' | 'deb' | 'rpm' | 'other';
  size: number;
  sha256: string;
  url: string;
  modified_at: string;
};

/** The agent builds the server offers; available is false when it has none (hint says how to build them). */
export type AgentDownloads = {
  available: boolean;
  hint?: string;
  version: string;
  server_url: string | null;
  sha256sums_url: string;
  files: AgentDownload[];
};

export type CycleCounts = {
  finished_at: string;
  targets: number;
  ok: number;
  failed: number;
  pushed: number;
  spooled: number;
  elapsed_ms: number;
};

/** A client certificate the agent CA issued to an agent (GET /agents/:id/certificates). */
export type AgentCertificate = {
  serial: string;
  /** superseded: replaced by a renewal, still accepted until it expires or is revoked. */
  status: 'current' | 'superseded' | 'expired' | 'revoked';
  /** Empty for certificates issued before the server recorded it. */
  origin: 'enrolled' | 'renewed' | '';
  not_before: string;
  not_after: string;
  created_at: string;
  revoked_at: string | null;
};

/** A one-time join token (POST /agents/:id/join-tokens); token is shown this once. */
export type JoinToken = { agent_id: string; prefix: string; expires_at: string; created_at: string; token: string };
