import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { Agent } from '../types';
import { RotateTokenDialog } from './rotate-token-dialog';

const agent = {
  id: 'a1', name: 'dc1', status: 'online', last_seen_at: null, version: '1.0.0', interval_seconds: 14400, targets: 3,
  prefix: 'cnl_agt_ab', parked_batches: 0, parked_oldest_at: null, created_at: '2026-11-01T00:00:00Z',
  channel: { connected: true, since: null, last_heartbeat: null }, platform: '', spool_batches: 0, last_cycle: null,
  token_rotation_requested_at: null, token_rotated_at: null,
  certificate_serial: '', certificate_not_after: null, certificate_rotated_at: null,
} satisfies Agent;

afterEach(() => vi.unstubAllGlobals());

describe('RotateTokenDialog', () => {
  it('asks for a graceful rotation by default and shows no secret', async () => {
    const user = userEvent.setup();
    const calls = mockFetch(() => ({ status: 202, body: { ...agent, token_rotation_requested_at: '2026-11-29T10:00:00Z' } }));
    renderWithProviders(<RotateTokenDialog agent={agent} onClose={vi.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Rotate token' }));
    expect(await screen.findByText(/Rotation requested/)).toBeInTheDocument();
    expect(calls[0]?.url.pathname).toBe('/api/v1/agents/a1/token');
    expect(calls[0]?.body).toEqual({ mode: 'graceful' });
    expect(screen.queryByLabelText('New agent token')).not.toBeInTheDocument();
  });

  it('revokes at once and shows the new token once', async () => {
    const user = userEvent.setup();
    const calls = mockFetch(() => ({ status: 200, body: { ...agent, token: 'cnl_agt_NEW' } }));
    renderWithProviders(<RotateTokenDialog agent={agent} onClose={vi.fn()} />);
    await user.click(screen.getByRole('radio', { name: /Revoke now/ }));
    await user.click(screen.getByRole('button', { name: 'Revoke and make a new token' }));
    expect(await screen.findByLabelText('New agent token')).toHaveTextContent('cnl_agt_NEW');
    expect(calls[0]?.body).toEqual({ mode: 'revoke' });
  });
});
