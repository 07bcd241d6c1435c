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
  /** The agent token: only in the creation answer. */
  token?: string;
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
