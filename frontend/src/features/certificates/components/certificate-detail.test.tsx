import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { downloadText } from '@/lib/download';
import { mockFetch, renderWithProviders } from '@/testing/render';
import type { CertificateDetail as Detail } from '../api/get-certificate';
import { CertificateDetail } from './certificate-detail';

vi.mock('@/lib/download', () => ({ downloadText: vi.fn() }));

afterEach(() => {
  vi.unstubAllGlobals();
  vi.clearAllMocks();
});

const leaf = 'a'.repeat(64);
const inter = 'b'.repeat(64);
const days = (n: number) => new Date(Date.now() + n * 86_400_000 + 3_600_000).toISOString();

const detail = (over: Partial<Detail>): Detail => ({
  sha256: leaf, subject: 'CN=www.example.test', issuer: 'CN=Internal CA', serial: '1f2e', not_before: '2026-01-01T00:00:00Z',
  not_after: days(42), days_left: 42, key_type: 'ECDSA', key_bits: 256, signature_algorithm: 'ECDSA-SHA256', is_ca: false,
  trust_status: 'trusted', serving: 1, first_seen: '2026-01-02T00:00:00Z', last_seen: '2026-06-01T00:00:00Z',
  revocation: { state: 'revoked', source: 'crl', url: 'http://crl.example.test/ca.crl', revoked_at: '2026-03-01T12:00:00Z',
    reason: 'key_compromise', checked_at: '2026-06-01T10:00:00Z', this_update: '2026-06-01T09:00:00Z', next_update: '2026-06-08T09:00:00Z',
    next_check_at: '2026-06-01T11:00:00Z' },
  facts: { sha1: 'c'.repeat(40), spki_sha256: 'd'.repeat(64), common_name: 'www.example.test', dns_names: ['www.example.test', 'example.test'],
    ip_addresses: ['10.0.0.7'], uris: [], emails: [], curve: 'P-256', key_usage: ['digital_signature'], ext_key_usage: ['server_auth'],
    self_signed: false, crl_distribution_points: ['http://crl.example.test/ca.crl'], ocsp_servers: [] },
  pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  served_by: [{ domain_id: 'd1', host: 'www.example.test', port: 443, protocol: 'tls', position: 0 },
    { domain_id: 'd2', host: '10.0.0.7', port: 8443, protocol: 'tls', position: 0 }],
  chain: [{ position: 0, sha256: leaf, subject: 'CN=www.example.test', issuer: 'CN=Internal CA', not_after: days(42) },
    { position: 1, sha256: inter, subject: 'CN=Internal CA', issuer: 'CN=Root CA', not_after: days(400) }],
  ...over,
});

const serve = (d: Detail) => mockFetch(({ url }) => (url.pathname === `/api/v1/certificates/${leaf}` ? { status: 200, body: d } : { status: 404 }));

describe('certificate page', () => {
  it('shows the fields, the revocation in words, the endpoints and the chain, and downloads the PEM', async () => {
    serve(detail({}));
    renderWithProviders(<CertificateDetail sha256={leaf} />);
    await screen.findByRole('heading', { level: 1, name: /www\.example\.test/ });
    expect(screen.getByText(/: 42 days left\.$/)).toBeInTheDocument();
    expect(screen.getByText('Its CA has revoked this certificate.')).toBeInTheDocument();
    expect(screen.getByTestId('revocation-status')).toHaveTextContent(/^Revoked on 1 Mar 2026, \d\d:\d\d for key compromise$/);
    expect(screen.getByText('CRL at http://crl.example.test/ca.crl')).toBeInTheDocument();
    expect(screen.getByText('ECDSA 256 bits (P-256)')).toBeInTheDocument();
    for (const san of ['www.example.test', 'example.test', '10.0.0.7']) expect(screen.getAllByText(san).length).toBeGreaterThan(0);
    expect(screen.getByText('c'.repeat(40))).toBeInTheDocument();

    const served = screen.getByRole('table', { name: 'Domains serving this certificate' });
    expect(within(served).getByRole('link', { name: 'www.example.test:443' })).toHaveAttribute('href', '/domains/d1');
    expect(within(served).getByRole('link', { name: '10.0.0.7:8443' })).toHaveAttribute('href', '/domains/d2');
    expect(screen.getByRole('link', { name: 'Internal CA' })).toHaveAttribute('href', `/certificates/${inter}`);
    expect(screen.getByText('www.example.test (this certificate)')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Download PEM' }));
    expect(downloadText).toHaveBeenCalledWith('www.example.test.pem', detail({}).pem, 'application/x-pem-file');
  }, 20_000);

  it('says why the status is unavailable, and what an unchecked root means', async () => {
    serve(detail({ revocation: { state: 'unavailable', source: 'ocsp', url: 'http://ocsp.example.test', checked_at: '2026-06-01T10:00:00Z',
      next_check_at: '2026-06-01T11:00:00Z', error: 'OCSP responder http://ocsp.example.test timed out after 10s' } }));
    const { unmount } = renderWithProviders(<CertificateDetail sha256={leaf} />);
    expect(await screen.findByTestId('revocation-status')).toHaveTextContent('Unavailable: OCSP responder http://ocsp.example.test timed out after 10s');
    expect(screen.getByText('OCSP responder at http://ocsp.example.test')).toBeInTheDocument();
    expect(screen.queryByText('Its CA has revoked this certificate.')).not.toBeInTheDocument();
    unmount();
    vi.unstubAllGlobals();

    serve(detail({ revocation: null, is_ca: true, facts: { ...detail({}).facts, self_signed: true } }));
    renderWithProviders(<CertificateDetail sha256={leaf} />);
    expect(await screen.findByTestId('revocation-status')).toHaveTextContent('Not checked: a self-signed root cannot be revoked');
    expect(screen.getByText('Yes, a self-signed root')).toBeInTheDocument();
  });

  it('answers an unknown fingerprint as not found', async () => {
    mockFetch(() => ({ status: 404, body: { error: { code: 'not_found', message: 'not found' } } }));
    renderWithProviders(<CertificateDetail sha256={leaf} />);
    expect(await screen.findByText('Certificate not found')).toBeInTheDocument();
  });
});
