import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../types';
import { AgentReport, ChannelBadge } from './agent-channel';

const agent = (over: Partial<Agent>): Agent => ({
  id: 'a1', name: 'dc1', status: 'online', last_seen_at: null, version: '1.0.0', interval_seconds: 14400, targets: 3,
  prefix: 'cnl_agt_ab', parked_batches: 0, parked_oldest_at: null, created_at: '2026-11-01T00:00:00Z',
  channel: { connected: false, since: null, last_heartbeat: null }, platform: '', spool_batches: 0, last_cycle: null, token_rotation_requested_at: null, token_rotated_at: null,
  certificate_serial: '', certificate_not_after: null, certificate_rotated_at: null, ...over,
});

describe('agent channel and report', () => {
  it('shows a connected channel as live', () => {
    const now = new Date().toISOString();
    render(<ChannelBadge agent={agent({ channel: { connected: true, since: now, last_heartbeat: now } })} />);
    expect(screen.getByText(/^Live since/)).toBeInTheDocument();
  });

  it('shows an agent that never polled as not connected', () => {
    render(<ChannelBadge agent={agent({})} />);
    expect(screen.getByText('Not connected')).toBeInTheDocument();
  });

  it('lists platform, spool and the last cycle', () => {
    render(<AgentReport agent={agent({ platform: 'linux/amd64', spool_batches: 2,
      last_cycle: { finished_at: new Date().toISOString(), targets: 10, ok: 9, failed: 1, pushed: 10, spooled: 0, elapsed_ms: 1500 } })} />);
    expect(screen.getByText('linux/amd64')).toBeInTheDocument();
    expect(screen.getByText(/2 batches waiting in its spool/)).toBeInTheDocument();
    expect(screen.getByText(/10 targets, 9 ok, 1 failed/)).toBeInTheDocument();
  });
});
