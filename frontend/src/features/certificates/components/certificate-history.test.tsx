import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { CertificateDetail } from '../api/get-certificate';
import { CertificateHistory } from './certificate-history';

const base = { first_seen: '2026-01-02T00:00:00Z', last_seen: '2026-06-01T00:00:00Z' } as CertificateDetail;

describe('CertificateHistory', () => {
  it('lists each endpoint that served it, and when and by what it was replaced', () => {
    render(
      <MemoryRouter>
        <CertificateHistory c={{ ...base, history: [
          { domain_id: 'd1', host: 'www.example.test', port: 443, protocol: 'tls', first_seen: '2026-01-02T00:00:00Z', last_seen: '2026-06-01T00:00:00Z', checks: 40, replaced_at: null, replaced_by: '' },
          { domain_id: 'd2', host: '::1', port: 8443, protocol: 'tls', first_seen: '2026-01-02T00:00:00Z', last_seen: '2026-03-01T00:00:00Z', checks: 12, replaced_at: '2026-03-01T06:00:00Z', replaced_by: 'e'.repeat(64) },
        ] }} />
      </MemoryRouter>,
    );
    const table = screen.getByRole('table', { name: 'Endpoints that served this certificate' });
    const [, current, replaced] = within(table).getAllByRole('row');
    expect(within(current!).getByRole('link', { name: 'www.example.test:443' })).toHaveAttribute('href', '/domains/d1');
    expect(within(current!).getByText('still served')).toBeInTheDocument();
    expect(within(replaced!).getByRole('link', { name: '[::1]:8443' })).toHaveAttribute('href', '/domains/d2');
    expect(within(replaced!).getByRole('link', { name: /^eeee/ })).toHaveAttribute('href', `/certificates/${'e'.repeat(64)}`);
  });

  it('says when no endpoint served it as its own certificate', () => {
    render(<MemoryRouter><CertificateHistory c={{ ...base, history: [] }} /></MemoryRouter>);
    expect(screen.getByText(/No endpoint served it as its own certificate/)).toBeInTheDocument();
  });
});
