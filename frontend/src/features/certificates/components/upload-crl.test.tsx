import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderWithProviders } from '@/testing/render';
import { RevocationSources } from './revocation-sources';

afterEach(() => vi.unstubAllGlobals());

const empty = { status: 200, body: { items: [], total: 0, page: 1, per_page: 50 } };

describe('upload CRL', () => {
  it('is hidden from those who may not upload', async () => {
    mockFetch(() => empty);
    renderWithProviders(<RevocationSources />);
    await screen.findByText('No CRLs or OCSP responders checked yet');
    expect(screen.queryByRole('button', { name: 'Upload CRL' })).not.toBeInTheDocument();
  });

  it('sends the file and shows why the server refused it', async () => {
    const calls = mockFetch(({ method, url }) => (method === 'POST' && url.pathname === '/api/v1/revocation-sources/crls'
      ? { status: 422, body: { error: { code: 'unusable_crl', message: 'no certificate the organization serves issued this CRL' } } }
      : empty));
    renderWithProviders(<RevocationSources canWrite />);
    expect(await screen.findByRole('button', { name: 'Upload CRL' })).toBeInTheDocument();
    await userEvent.upload(screen.getByLabelText('CRL file'), new File([new Uint8Array([0x30, 0x82])], 'ca.crl', { type: 'application/pkix-crl' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('no certificate the organization serves issued this CRL');
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.headers.get('Content-Type')).toBe('application/pkix-crl');
  });

  it('says whose CRL now answers', async () => {
    mockFetch(({ method }) => (method === 'POST'
      ? { status: 201, body: { kind: 'crl', url: 'upload:ab12', issuer: 'CN=Internal CA', origin: 'uploaded', problems: [], failures: 0,
        answered_at: null, checked_at: '2026-06-01T11:00:00Z' } }
      : empty));
    renderWithProviders(<RevocationSources canWrite />);
    await userEvent.upload(await screen.findByLabelText('CRL file'), new File(['-----BEGIN X509 CRL-----'], 'ca.pem'));
    expect(await screen.findByText('The CRL of Internal CA now answers for its certificates.')).toBeInTheDocument();
  });
});
