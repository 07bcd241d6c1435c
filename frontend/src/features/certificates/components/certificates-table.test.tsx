import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { Certificate } from '../api/get-certificates';
import { CertificatesTable } from './certificates-table';

afterEach(() => vi.unstubAllGlobals());

const cert = (n: number, over: Partial<Certificate>): Certificate => ({
  sha256: `${n}`.repeat(64), subject: `CN=host${n}.example`, issuer: 'CN=Internal CA', serial: '0a', not_before: '2026-01-01T00:00:00Z',
  not_after: '2027-01-01T00:00:00Z', days_left: 200, key_type: 'RSA', key_bits: 2048, signature_algorithm: 'SHA256-RSA', is_ca: false,
  trust_status: 'trusted', serving: 1, first_seen: '2026-01-02T00:00:00Z', last_seen: '2026-06-01T00:00:00Z', revocation: null, ...over,
});

const revoked = cert(1, { revocation: { state: 'revoked', source: 'crl', url: 'http://crl.example.test/ca.crl', revoked_at: '2026-03-01T12:00:00Z',
  reason: 'key_compromise', checked_at: '2026-06-01T10:00:00Z', next_check_at: '2026-06-01T11:00:00Z' } });
const unavailable = cert(2, { revocation: { state: 'unavailable', source: 'crl', checked_at: '2026-06-01T10:00:00Z',
  next_check_at: '2026-06-01T11:00:00Z', error: 'the CRL expired on 2026-05-30T00:00:00Z (its next update has passed)' } });

function Where() {
  const l = useLocation();
  return <output data-testid="where">{l.search}</output>;
}

describe('certificate inventory', () => {
  it('filters by revocation from the URL, keeps the choice there, and links each row to its page', async () => {
    const all = mockFetch(({ url }) => {
      if (url.pathname === '/api/v1/agents') return { status: 200, body: { items: [], total: 0, page: 1, per_page: 200 } };
      const items = { revoked: [revoked], unavailable: [unavailable] }[url.searchParams.get('revocation') ?? ''] ?? [revoked, unavailable, cert(3, {}), cert(4, { subject: 'CN=Root', issuer: 'CN=Root', is_ca: true })];
      return { status: 200, body: { items, total: items.length, total_exact: true, page: 1, per_page: 50 } };
    });
    const calls = { at: (i: number) => all.filter((c) => c.url.pathname === '/api/v1/certificates').at(i) };
    renderWithProviders(<><CertificatesTable /><Where /></>, { route: '/certificates?revocation=revoked' });
    const table = await screen.findByRole('table', { name: 'Certificates' });
    expect(calls.at(0)!.url.searchParams.get('revocation')).toBe('revoked');
    expect(screen.getByLabelText('Revocation')).toHaveValue('revoked');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(within(rows[0]!).getByRole('link', { name: 'host1.example' })).toHaveAttribute('href', `/certificates/${revoked.sha256}`);
    expect(within(rows[0]!).getByText('Revoked')).toHaveAttribute('title', 'Revoked on 1 Mar 2026 (key compromise)');

    await userEvent.selectOptions(screen.getByLabelText('Revocation'), 'Revocation unavailable');
    await screen.findByText('host2.example');
    expect(screen.getByTestId('where')).toHaveTextContent('?revocation=unavailable');
    expect(calls.at(-1)!.url.searchParams.get('revocation')).toBe('unavailable');
    expect(screen.getByText('Unavailable')).toHaveAttribute('title', expect.stringMatching(/^Revocation status unavailable: the CRL expired/));

    await userEvent.selectOptions(screen.getByLabelText('Revocation'), 'Any revocation status');
    await screen.findByText('host3.example');
    expect(screen.getByTestId('where')).toBeEmptyDOMElement();
    expect(screen.getByText('Not checked yet')).toBeInTheDocument();
    expect(screen.getByText('Not checked (root)')).toBeInTheDocument();
  }, 20_000);

  it('ignores an unknown filter in the URL', async () => {
    const calls = mockFetch(() => ({ status: 200, body: { items: [], total: 0, total_exact: true, page: 1, per_page: 50 } }));
    renderWithProviders(<CertificatesTable />, { route: '/certificates?revocation=dead' });
    await screen.findByText('No certificates seen yet');
    await waitFor(() => expect(calls.find((c) => c.url.pathname === '/api/v1/certificates')!.url.searchParams.has('revocation')).toBe(false));
  });

  it('filters by agent, tag and sort in the URL, and shows names, key, signature and where it is served', async () => {
    const served = cert(5, {
      names: ['a.example', 'b.example', 'c.example'], name_count: 6, serving: 4, key_type: 'ECDSA', key_bits: 256, signature_algorithm: 'ECDSA-SHA256',
      endpoints: [{ domain_id: 'd1', host: 'a.example', port: 443, protocol: 'tls', position: 0 }, { domain_id: 'd2', host: '10.0.0.1', port: 8443, protocol: 'tls', position: 0 }],
    });
    const calls = mockFetch(({ url }) => (url.pathname === '/api/v1/agents'
      ? { status: 200, body: { items: [{ id: 'ag1', name: 'dc1' }], total: 1, page: 1, per_page: 200 } }
      : { status: 200, body: { items: [served], total: 1, total_exact: true, page: 1, per_page: 50 } }));
    renderWithProviders(<><CertificatesTable /><Where /></>, { route: '/certificates?sort=-serving' });
    const row = (await screen.findByRole('link', { name: 'host5.example' })).closest('tr')!;
    expect(within(row).getByText('a.example, b.example, c.example')).toBeInTheDocument();
    expect(within(row).getByText('+3 more')).toBeInTheDocument();
    expect(within(row).getByText('ECDSA 256')).toBeInTheDocument();
    expect(within(row).getByText('ECDSA-SHA256')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'a.example:443' })).toHaveAttribute('href', '/domains/d1');
    expect(within(within(row).getByTestId('served-at')).getByText('+2 more')).toBeInTheDocument();

    const user = userEvent.setup();
    await screen.findByRole('option', { name: 'dc1' });
    await user.selectOptions(screen.getByLabelText('Agent'), 'dc1');
    await user.type(screen.getByLabelText('Tag'), 'prod');
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent('?sort=-serving&agent_id=ag1&tag=prod'));
    // The query for the new URL starts after the render that shows it, so wait for the request too.
    await waitFor(() => {
      const last = calls.filter((c) => c.url.pathname === '/api/v1/certificates').at(-1)!;
      expect(Object.fromEntries(last.url.searchParams)).toMatchObject({ agent_id: 'ag1', tag: 'prod', sort: '-serving' });
    });
  });

  it('says "about" when the server estimates the total (the agent filter on a large inventory)', async () => {
    const items = [cert(6, {}), cert(7, {})];
    mockFetch(({ url }) => (url.pathname === '/api/v1/agents'
      ? { status: 200, body: { items: [{ id: 'ag1', name: 'dc1' }], total: 1, page: 1, per_page: 200 } }
      : { status: 200, body: { items, total: 25_353, total_exact: false, page: 1, per_page: 2 } }));
    renderWithProviders(<CertificatesTable />, { route: '/certificates?agent_id=ag1&per_page=2' });
    await screen.findByText('host6.example');
    expect(screen.getByText(/1–2 of about\s*25,353 certificates/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeEnabled();
  });
});
