import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { RevocationSource } from '../api/get-revocation-sources';
import { RevocationSources, sourceHealthText } from './revocation-sources';

afterEach(() => vi.unstubAllGlobals());

const now = new Date('2026-06-01T12:00:00Z');
const crl = (over: Partial<RevocationSource>): RevocationSource => ({
  kind: 'crl', url: 'http://crl.example.test/ca.crl', issuer: 'CN=Internal CA', crl_number: '12', number_since: '2026-05-30T12:00:00Z',
  this_update: '2026-05-31T12:00:00Z', next_update: '2026-06-07T12:00:00Z', size_bytes: 420, answered_at: '2026-06-01T11:00:00Z',
  checked_at: '2026-06-01T11:00:00Z', failures: 0, problems: [], origin: 'fetched', ...over,
});

describe('revocation sources', () => {
  it('says each health in words', () => {
    expect(sourceHealthText(crl({}), now)).toMatch(/^Fresh until 7 Jun 2026/);
    expect(sourceHealthText(crl({ next_update: '2026-06-01T15:00:00Z', problems: ['expiring'] }), now)).toBe('Expires in 3 hours');
    expect(sourceHealthText(crl({ next_update: '2026-05-30T12:00:00Z', problems: ['stale'] }), now)).toBe('Expired 2 days ago');
    expect(sourceHealthText(crl({ crl_number: '11', regressed_from: '12', problems: ['regressed'] }), now)).toBe('Number went backwards (from 12 to 11)');
    expect(sourceHealthText(crl({ problems: ['stalled'] }), now)).toMatch(/^Not updated since 30 May 2026.* \(number 12\)$/);
    expect(sourceHealthText(crl({ kind: 'ocsp', answered_at: '2026-06-01T10:00:00Z' }), now)).toBe('Answered 2 hours ago');
    expect(sourceHealthText(crl({ kind: 'ocsp', answered_at: null }), now)).toBe('Never answered');
  });

  it('lists the CRLs and responders with their last error', async () => {
    const items = [
      crl({ next_update: new Date(Date.now() - 2 * 86_400_000 - 60_000).toISOString(), problems: ['stale'] }),
      crl({ kind: 'ocsp', url: 'http://ocsp.example.test', issuer: undefined, answered_at: null, failures: 3, origin: 'agent', agent_name: 'dc-east',
        error: 'OCSP responder http://ocsp.example.test timed out after 10s', problems: [] }),
    ];
    mockFetch(({ url }) => (url.pathname === '/api/v1/revocation-sources'
      ? { status: 200, body: { items, total: items.length, page: 1, per_page: 50 } } : { status: 404 }));
    renderWithProviders(<RevocationSources />);
    const table = await screen.findByRole('table', { name: 'Revocation sources' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(within(rows[0]!).getByText('Expired 2 days ago')).toHaveClass('danger-text');
    expect(within(rows[0]!).getByText('Internal CA')).toBeInTheDocument();
    expect(within(rows[0]!).getByText('Fetched by the server')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Never answered')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Fetched by agent dc-east')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('OCSP responder http://ocsp.example.test timed out after 10s (3 failures in a row)')).toBeInTheDocument();
  });
});
