import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { AuditEntry } from '../api/members';
import { toAuditQuery } from './audit-filters';
import { AuditTable } from './audit-table';

afterEach(() => vi.unstubAllGlobals());

const entry: AuditEntry = {
  id: 'e1', actor_type: 'token', actor_id: 'tok1', actor_label: 'old name', actor_name: 'deploy script',
  action: 'domain.create', target_type: 'domain', target_id: 'dom1', target_name: 'shop.example', ip: '192.0.2.1',
  details: {}, created_at: '2025-01-01T10:00:00Z',
};

describe('AuditTable', () => {
  it('shows names, filters by actor and action in the URL and the export link', async () => {
    const calls = mockFetch((r) => {
      if (r.url.pathname === '/api/v1/audit-log/facets') {
        return { status: 200, body: { actors: [{ type: 'token', id: 'tok1', name: 'deploy script' }, { type: 'user', id: 'u1', name: 'a@example.com' }], actions: ['domain.create', 'token.revoke'] } };
      }
      return { status: 200, body: { items: [entry], total: 1, page: 1, per_page: 50 } };
    });
    renderWithProviders(<AuditTable />, { route: '/audit-log' });
    const row = (await screen.findByText('shop.example')).closest('tr')!;
    expect(within(row).getByText('deploy script')).toBeInTheDocument();
    expect(within(row).getByText('Domain created')).toBeInTheDocument();
    expect(within(row).queryByText('dom1')).toBeNull();

    const user = userEvent.setup();
    await screen.findByRole('option', { name: 'deploy script (API token)' });
    await user.selectOptions(screen.getByLabelText('Who'), 'token:tok1');
    await user.selectOptions(screen.getByLabelText('Action'), 'domain.create');
    // The query for the new filters starts after the render that applies them, so wait for the request.
    await waitFor(() => {
      const last = calls.filter((c) => c.url.pathname === '/api/v1/audit-log').at(-1)!;
      expect(Object.fromEntries(last.url.searchParams)).toMatchObject({ actor_type: 'token', actor_id: 'tok1', action: 'domain.create' });
    });
    const link = screen.getByRole('link', { name: 'Export CSV' });
    expect(link.getAttribute('href')).toBe('/api/v1/audit-log/export?actor_type=token&actor_id=tok1&action=domain.create');
  });

  it('says when no entry matches the filters', async () => {
    mockFetch((r) => (r.url.pathname === '/api/v1/audit-log/facets'
      ? { status: 200, body: { actors: [], actions: [] } }
      : { status: 200, body: { items: [], total: 0, page: 1, per_page: 50 } }));
    renderWithProviders(<AuditTable />, { route: '/audit-log?action=token.revoke' });
    expect(await screen.findByText('No entries match these filters')).toBeInTheDocument();
  });
});

describe('toAuditQuery', () => {
  it('turns local calendar days into instants, to included', () => {
    const q = toAuditQuery({ actor: 'system:', action: '', from: '2025-03-01', to: '2025-03-01' });
    expect(q.actor_type).toBe('system');
    expect(q.actor_id).toBeUndefined();
    expect(new Date(q.from!).getTime()).toBe(new Date(2025, 2, 1).getTime());
    expect(new Date(q.to!).getTime()).toBe(new Date(2025, 2, 2).getTime());
  });
  it('ignores a malformed date', () => {
    expect(toAuditQuery({ actor: '', action: '', from: 'yesterday', to: '' })).toEqual({});
  });
});
