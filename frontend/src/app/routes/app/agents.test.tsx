import { screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import AgentsRoute from './agents';

afterEach(() => vi.unstubAllGlobals());

function serve(role: string) {
  return mockFetch(({ url }) => {
    switch (url.pathname) {
      case '/api/v1/me':
        return { status: 200, body: { user: { id: 'u', email: 'u@example.com' }, organization: { id: 'o', name: 'O' }, role, csrf_token: 'c' } };
      case '/api/v1/agents':
        return { status: 200, body: { items: [], total: 0, page: 1, per_page: 50 } };
      case '/api/v1/agent-enrollments':
        return { status: 200, body: { items: [{ id: 'e1', agent_id: 'a1', agent_name: 'dc1', key_fingerprint: 'sha256:ab', status: 'pending',
          created_at: '2026-11-29T10:00:00Z', expires_at: '2026-11-30T10:00:00Z', decided_at: null, decided_by: '', certificate_serial: '' }], total: 1 } };
      default:
        return { status: 200, body: { items: [], total: 0 } };
    }
  });
}

describe('AgentsRoute', () => {
  it('shows admins the enrollments waiting for approval', async () => {
    serve('admin');
    renderWithProviders(<AgentsRoute />);
    expect(await screen.findByRole('button', { name: 'Approve the enrollment of dc1' })).toBeInTheDocument();
  });

  it('neither asks for nor shows enrollments to other roles', async () => {
    const calls = serve('member');
    renderWithProviders(<AgentsRoute />);
    await waitFor(() => expect(calls.some((c) => c.url.pathname === '/api/v1/me')).toBe(true));
    expect(await screen.findByText('No agents yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Approve/ })).not.toBeInTheDocument();
    expect(calls.some((c) => c.url.pathname === '/api/v1/agent-enrollments')).toBe(false);
  });
});
