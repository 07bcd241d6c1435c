export type Agent = {
  id: string;
  name: string;
  status: 'online' | 'offline' | 'never';
  last_seen_at: string | null;
  version: string;
  interval_seconds: number;
  targets: number;
  prefix: string;
  created_at: string;
  /** The agent token: only in the creation answer. */
  token?: string;
};
