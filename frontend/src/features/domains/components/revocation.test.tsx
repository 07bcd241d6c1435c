import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { revocationText, stapleText } from '@/lib/revocation';
import { renderWithProviders } from '@/testing/render';
import type { ChainEntry } from '../types';
import { RevocationFact } from './revocation';

const entry = (position: number, revocation: ChainEntry['revocation']): ChainEntry => ({
  position, sha256: `${position}`.repeat(64), subject: `CN=c${position}`, issuer: `CN=c${position + 1}`, serial: '1',
  not_before: '2026-01-01T00:00:00Z', not_after: '2027-01-01T00:00:00Z', days_left: 30, revocation,
});

describe('revocation status', () => {
  it('says each state in words', () => {
    expect(revocationText({ state: 'revoked', source: 'crl', revoked_at: '2026-03-01T12:00:00Z', reason: 'key_compromise',
      checked_at: '2026-03-02T00:00:00Z', next_check_at: '2026-03-03T00:00:00Z' })).toBe('Revoked on 1 Mar 2026 (key compromise)');
    expect(revocationText({ state: 'good', source: 'ocsp', checked_at: '2026-03-02T10:30:00Z', next_check_at: '2026-03-03T00:00:00Z' }))
      .toMatch(/^Not revoked \(checked 2 Mar 2026.* by OCSP\)$/);
    expect(revocationText({ state: 'unavailable', checked_at: '2026-03-02T10:30:00Z', next_check_at: '2026-03-03T00:00:00Z',
      error: 'OCSP responder http://ocsp.example timed out after 10s' }))
      .toBe('Revocation status unavailable: OCSP responder http://ocsp.example timed out after 10s');
    expect(revocationText({ state: 'waiting', checked_at: '2026-03-02T10:30:00Z', next_check_at: '2026-03-02T11:30:00Z',
      error: 'waiting for agent dc-east to fetch http://10.0.0.5/ca.crl' }))
      .toBe('Not known yet: waiting for agent dc-east to fetch http://10.0.0.5/ca.crl');
    expect(revocationText(null)).toBe('Not checked yet');
    expect(revocationText({ state: 'good', source: 'stapled', checked_at: '2026-03-02T10:30:00Z', next_check_at: '2026-03-03T00:00:00Z' }))
      .toMatch(/^Not revoked \(checked 2 Mar 2026.* by the OCSP response its server staples\)$/);
  });

  it('says why a stapled response is not trusted, even before any check', () => {
    const r = { state: 'pending', checked_at: null, next_check_at: '2026-03-03T00:00:00Z',
      staple_error: 'the answer expired on 2026-03-01T00:00:00Z' } as const;
    expect(revocationText(r)).toBe('Not checked yet');
    expect(stapleText(r)).toBe('The server staples an OCSP response that does not verify: the answer expired on 2026-03-01T00:00:00Z');
    expect(stapleText({ ...r, staple_error: undefined })).toBeNull();
    renderWithProviders(<dl><RevocationFact chain={[entry(0, r)]} /></dl>);
    expect(screen.getByTestId('staple-error')).toHaveTextContent('does not verify: the answer expired');
  });

  it('shows a revoked intermediate before a good leaf', () => {
    renderWithProviders(
      <dl>
        <RevocationFact chain={[
          entry(0, { state: 'good', source: 'ocsp', checked_at: '2026-03-02T10:30:00Z', next_check_at: '2026-03-03T00:00:00Z' }),
          entry(1, { state: 'revoked', source: 'crl', revoked_at: '2026-03-01T12:00:00Z', reason: 'ca_compromise',
            checked_at: '2026-03-02T10:30:00Z', next_check_at: '2026-03-03T00:00:00Z' }),
        ]} />
      </dl>,
    );
    expect(screen.getByTestId('revocation')).toHaveTextContent('Intermediate: Revoked on 1 Mar 2026 (CA compromise)');
  });
});
