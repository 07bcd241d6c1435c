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
  /** The agent token: only in the creation answer. */
  token?: string;
};
