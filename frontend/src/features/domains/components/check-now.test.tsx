import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { CheckNowButton } from './check-now';

const pending = (ids: string[]) => ({
  id: 'req-1', created_at: new Date().toISOString(), done: false,
  domains: ids.map((id) => ({ domain_id: id, completed_at: null, status: 'pending', checked_at: null })),
});

describe('CheckNowButton', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for one domain and shows its result when it arrives', async () => {
    let polls = 0;
    const calls = mockFetch(({ method, url }) => {
      if (method === 'POST' && url.pathname === '/api/v1/domains/d1/check') return { status: 202, body: pending(['d1']) };
      if (url.pathname === '/api/v1/check-requests/req-1') {
        polls++;
        if (polls < 2) return { status: 200, body: pending(['d1']) };
        return { status: 200, body: { ...pending(['d1']), done: true,
          domains: [{ domain_id: 'd1', completed_at: '2026-11-29T07:00:05Z', status: 'ok', checked_at: '2026-11-29T07:00:04Z' }] } };
      }
      return { status: 404 };
    });
    renderWithProviders(<CheckNowButton ids={['d1']} />);
    await userEvent.click(screen.getByRole('button', { name: 'Check now' }));
    expect(await screen.findByText(/Checked at .*: ok/, undefined, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Check now' })).toBeEnabled();
    expect(calls.some((c) => c.method === 'POST' && c.url.pathname === '/api/v1/domains/d1/check')).toBe(true);
  });

  it('sends a selection as one bulk request', async () => {
    const calls = mockFetch(({ method, url }) => {
      if (method === 'POST' && url.pathname === '/api/v1/domains/check') return { status: 202, body: pending(['a', 'b']) };
      return { status: 200, body: pending(['a', 'b']) };
    });
    renderWithProviders(<CheckNowButton ids={['a', 'b']} label="Check selected now" />);
    await userEvent.click(screen.getByRole('button', { name: 'Check selected now' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ ids: ['a', 'b'] }));
    expect(await screen.findByText('0 of 2 results arrived…')).toBeInTheDocument();
  });
});
