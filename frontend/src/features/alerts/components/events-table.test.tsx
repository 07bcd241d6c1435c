import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { AlertEvent } from '../types';
import { EventsTable } from './events-table';

afterEach(() => vi.unstubAllGlobals());

const event: AlertEvent = {
  id: 'ev1', type: 'expiring', state: 'open', rule_id: 'r1', domain_id: 'd1', agent_id: null,
  opened_at: '2025-01-01T10:00:00Z', resolved_at: null, rule_ids: ['r1'], group_id: null, notified_at: '2025-01-01T10:00:00Z',
  acknowledged_at: null, snoozed_until: null, snooze_until_change: false,
  event: { type: 'expiring', domain: { id: 'd1', host: 'shop.example', port: 443, protocol: 'tls' }, days_left: 6, threshold_days: 7 },
  deliveries: [
    {
      channel_id: 'ch-hook', status: 'failed', attempts: 2, last_error: 'HTTP 500', sent_at: null,
      attempt_log: [
        { attempted_at: '2025-01-01T10:00:01Z', ok: false, error: 'connection refused', duration_ms: 3 },
        { attempted_at: '2025-01-01T10:01:01Z', ok: false, error: 'HTTP 500', duration_ms: 12 },
      ],
    },
    {
      channel_id: 'ch-mail', status: 'sent', attempts: 1, sent_at: '2025-01-01T10:00:02Z',
      attempt_log: [{ attempted_at: '2025-01-01T10:00:02Z', ok: true, duration_ms: 80 }],
    },
  ],
};

describe('EventsTable', () => {
  it('marks failed deliveries and expands into the attempt log', async () => {
    const calls = mockFetch((r) => {
      if (r.url.pathname === '/api/v1/channels') {
        return { status: 200, body: { items: [{ id: 'ch-hook', name: 'Ops hook', type: 'webhook', config: {} }, { id: 'ch-mail', name: 'On-call', type: 'email', config: {} }], total: 2 } };
      }
      return { status: 200, body: { items: [event], total: 1, page: 1, per_page: 25 } };
    });
    renderWithProviders(<EventsTable />, { route: '/events?state=open' });
    const row = (await screen.findByRole('link', { name: 'shop.example:443' })).closest('tr')!;
    expect(row).toHaveClass('row-bad');
    expect(within(row).getByText('1 failed')).toBeInTheDocument();
    expect(within(row).getByText('1 sent')).toBeInTheDocument();
    expect(within(row).getByText('Expires in 6 days (alert threshold: 7 days)')).toBeInTheDocument();
    expect(calls.find((c) => c.url.pathname === '/api/v1/events')!.url.searchParams.get('state')).toBe('open');

    const user = userEvent.setup();
    const toggle = within(row).getByRole('button', { name: /Show deliveries/ });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const hook = screen.getByRole('listitem', { name: 'Delivery to Ops hook: failed' });
    expect(within(hook).getByText('Last error: HTTP 500')).toBeInTheDocument();
    const attempts = within(hook).getByRole('table', { name: 'Attempts for Ops hook' });
    const cells = within(attempts).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[2]!.textContent);
    expect(cells).toEqual(['Failed: connection refused', 'Failed: HTTP 500']);
    const mail = screen.getByRole('listitem', { name: 'Delivery to On-call: sent' });
    expect(within(mail).getByText('OK')).toBeInTheDocument();
  });

  it('explains an empty history', async () => {
    mockFetch(() => ({ status: 200, body: { items: [], total: 0, page: 1, per_page: 25 } }));
    renderWithProviders(<EventsTable />);
    expect(await screen.findByText('No alerts yet')).toBeInTheDocument();
  });

  it('names the CRL of a crl_health event', async () => {
    const crl: AlertEvent = { ...event, id: 'ev2', type: 'crl_health', domain_id: null, deliveries: [],
      event: { type: 'crl_health', revocation_source: { kind: 'crl', url: 'http://pki.example.test/ca.crl' },
        detail: 'The CRL passed its next update on Mon, 01 Jun 2026 12:00:00 UTC.' } };
    mockFetch((r) => (r.url.pathname === '/api/v1/channels'
      ? { status: 200, body: { items: [], total: 0 } }
      : { status: 200, body: { items: [crl], total: 1, page: 1, per_page: 25 } }));
    renderWithProviders(<EventsTable />, { route: '/events' });
    const cell = await screen.findByText('CRL http://pki.example.test/ca.crl');
    expect(within(cell.closest('tr')!).getByRole('link', { name: 'CRL health' })).toBeInTheDocument();
  });
});
