import type { Agent } from './types';

/** An agent as the API answers it, for component tests; over replaces fields. */
export const testAgent = (over: Partial<Agent> = {}): Agent => ({
  id: 'a1', name: 'dc1', status: 'online', last_seen_at: null, version: '1.0.0', interval_seconds: 14400, targets: 3,
  prefix: 'cnl_agt_ab', parked_batches: 0, parked_oldest_at: null, created_at: '2026-11-01T00:00:00Z',
  channel: { connected: true, since: null, last_heartbeat: null }, platform: '', spool_batches: 0, last_cycle: null,
  token_rotation_requested_at: null, token_rotated_at: null,
  certificate_serial: '', certificate_not_after: null, certificate_rotated_at: null, ...over,
});
