import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { AgentEnrollment } from '../api/enrollments';
import { PendingEnrollments } from './pending-enrollments';

const pending: AgentEnrollment = {
  id: 'e1', agent_id: 'a1', agent_name: 'dc1', key_fingerprint: 'sha256:ab12cd34', status: 'pending',
  created_at: '2026-11-29T10:00:00Z', expires_at: '2026-11-30T10:00:00Z', decided_at: null, decided_by: '', certificate_serial: '',
};

/** Serves the pending list until a decision, then the decided enrollment. */
function serveEnrollments(decided: Partial<AgentEnrollment>) {
  let items = [pending];
  return mockFetch(({ method, url }) => {
    if (method === 'POST') {
      items = [];
      return { status: 200, body: { ...pending, decided_at: '2026-11-29T10:05:00Z', decided_by: 'admin@example.com', ...decided } };
    }
    if (url.pathname === '/api/v1/agent-enrollments') return { status: 200, body: { items, total: items.length, page: 1, per_page: 100 } };
    return { status: 404 };
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('PendingEnrollments', () => {
  it('lists each waiting enrollment and approves it only after the confirmation', async () => {
    const user = userEvent.setup();
    const calls = serveEnrollments({ status: 'approved', certificate_serial: '7f3a' });
    renderWithProviders(<PendingEnrollments />);
    const table = await screen.findByRole('table', { name: 'Enrollments waiting for approval' });
    expect(table).toHaveTextContent('dc1');
    expect(table).toHaveTextContent('sha256:ab12cd34');
    expect(calls[0]?.url.searchParams.get('status')).toBe('pending');

    await user.click(screen.getByRole('button', { name: 'Approve the enrollment of dc1' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('sha256:ab12cd34');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Approve the enrollment of dc1' }));
    await user.click(screen.getByRole('button', { name: 'Approve enrollment' }));
    expect(await screen.findByText('Enrollment of “dc1” approved.')).toBeInTheDocument();
    expect(screen.getByText('7f3a')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/v1/agent-enrollments/e1/approve');
    await waitFor(() => expect(screen.queryByRole('table')).not.toBeInTheDocument());
  });

  it('rejects after the confirmation', async () => {
    const user = userEvent.setup();
    const calls = serveEnrollments({ status: 'rejected' });
    renderWithProviders(<PendingEnrollments />);
    await user.click(await screen.findByRole('button', { name: 'Reject the enrollment of dc1' }));
    await user.click(screen.getByRole('button', { name: 'Reject enrollment' }));
    expect(await screen.findByText('Enrollment of “dc1” rejected.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.url.pathname).toBe('/api/v1/agent-enrollments/e1/reject');
  });
});
