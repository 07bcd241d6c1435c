import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { Agent } from '../types';
import { ParkedBatchesWarnings } from './parked-batches';

const agent = (over: Partial<Agent>): Agent => ({
  id: 'a1', name: 'dc1', status: 'online', last_seen_at: '2026-11-29T03:00:00Z', version: '1.0.0',
  interval_seconds: 14400, targets: 3, prefix: 'cnl_agt_ab', parked_batches: 0, parked_oldest_at: null,
  created_at: '2026-11-01T00:00:00Z', channel: { connected: false, since: null, last_heartbeat: null }, platform: '',
  spool_batches: 0, last_cycle: null, token_rotation_requested_at: null, token_rotated_at: null,
  certificate_serial: '', certificate_not_after: null, certificate_rotated_at: null, ...over,
});

function serveAgents(items: Agent[]) {
  mockFetch(({ url }) => (url.pathname === '/api/v1/agents' ? { status: 200, body: { items, total: items.length } } : { status: 404 }));
}

describe('ParkedBatchesWarnings', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('warns about each agent that set batches aside, with since when and what to do', async () => {
    serveAgents([
      agent({ id: 'a1', name: 'dc1', parked_batches: 2, parked_oldest_at: '2026-11-28T09:15:00Z' }),
      agent({ id: 'a2', name: 'lab', parked_batches: 1, parked_oldest_at: null }),
      agent({ id: 'a3', name: 'fine' }),
    ]);
    renderWithProviders(<ParkedBatchesWarnings />);
    expect(await screen.findByText('Agent “dc1”: results missing')).toBeInTheDocument();
    expect(screen.getByText(/^2 result batches could not be delivered and were set aside on the agent \(since 28 Nov 2026/)).toBeInTheDocument();
    expect(screen.getByText(/^1 result batch could not be delivered and was set aside on the agent\. /)).toBeInTheDocument();
    expect(screen.getAllByText('certinel-agent once')).toHaveLength(2);
    expect(screen.queryByText(/“fine”/)).not.toBeInTheDocument();
  });

  it('shows nothing when no agent has parked batches', async () => {
    serveAgents([agent({})]);
    const { container } = renderWithProviders(<ParkedBatchesWarnings />);
    await vi.waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalled());
    expect(container).toBeEmptyDOMElement();
  });
});
