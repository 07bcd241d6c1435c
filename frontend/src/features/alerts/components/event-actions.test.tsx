import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { AlertEvent } from '../types';
import { EventActions } from './event-actions';

afterEach(() => vi.unstubAllGlobals());

const open: AlertEvent = {
  id: 'ev1', type: 'expiring', state: 'open', rule_id: 'r1', domain_id: 'd1', agent_id: null,
  opened_at: '2025-01-01T10:00:00Z', resolved_at: null, rule_ids: ['r1'], group_id: null, notified_at: '2025-01-01T10:00:00Z',
  acknowledged_at: null, snoozed_until: null, snooze_until_change: false, event: { type: 'expiring' }, deliveries: [],
};

describe('EventActions', () => {
  it('acknowledges, and snoozes until the event changes', async () => {
    const calls = mockFetch(() => ({ status: 200, body: open }));
    renderWithProviders(<EventActions ev={open} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.url.pathname).toBe('/api/v1/events/ev1/acknowledge');

    await user.selectOptions(screen.getByLabelText('Snooze for'), 'until it changes');
    await user.click(screen.getByRole('button', { name: 'Snooze' }));
    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/v1/events/ev1/snooze')).toBe(true));
    expect(calls.find((c) => c.url.pathname === '/api/v1/events/ev1/snooze')!.body).toEqual({ until_change: true });
  });

  it('offers to take back an acknowledgement and a snooze, and nothing for a closed event', () => {
    mockFetch(() => ({ status: 200, body: open }));
    const cared = { ...open, acknowledged_at: '2025-01-01T11:00:00Z', snooze_until_change: true };
    const { unmount } = renderWithProviders(<EventActions ev={cared} />);
    expect(screen.getByRole('button', { name: 'Unacknowledge' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unsnooze' })).toBeInTheDocument();
    unmount();
    renderWithProviders(<EventActions ev={{ ...open, state: 'resolved' }} />);
    expect(screen.queryByRole('button', { name: 'Acknowledge' })).not.toBeInTheDocument();
  });
});
