import { formatDate, formatDateTime } from '@/lib/format';
import type { ChainEntry, Revocation } from '../types';

/** RFC 5280 reason codes in words; the rest read fine with spaces. */
const reasonWords: Record<string, string> = {
  ca_compromise: 'CA compromise',
  aa_compromise: 'AA compromise',
  remove_from_crl: 'removed from CRL',
};

const sourceWords = { ocsp: 'OCSP', crl: 'CRL' } as const;

/** A revocation status in words: "Revoked on … (key compromise)", "Not revoked (checked … by OCSP)". */
export function revocationText(r: Revocation | null | undefined): string {
  if (!r) return 'Not checked yet';
  const by = r.source ? ` by ${sourceWords[r.source]}` : '';
  switch (r.state) {
    case 'revoked': {
      const reason = r.reason ? reasonWords[r.reason] ?? r.reason.replaceAll('_', ' ') : '';
      return `Revoked on ${formatDate(r.revoked_at)}${reason ? ` (${reason})` : ''}`;
    }
    case 'good':
      return `Not revoked (checked ${formatDateTime(r.checked_at)}${by})`;
    case 'unknown':
      return `Unknown to the CA (checked ${formatDateTime(r.checked_at)}${by})`;
    case 'waiting':
      return `Not known yet: ${r.error || 'waiting for an agent to fetch the CRL or OCSP answer'}`;
    default:
      return `Revocation status unavailable: ${r.error || 'no answer'}`;
  }
}

/** The revocation fact of a served chain: a revoked certificate first, else the leaf's status. */
export function RevocationFact({ chain }: { chain: ChainEntry[] }) {
  const sorted = [...chain].sort((a, b) => a.position - b.position);
  const revoked = sorted.find((e) => e.revocation?.state === 'revoked');
  const shown = revoked ?? sorted[0];
  if (!shown) return null;
  const whose = shown.position === 0 ? '' : 'Intermediate: ';
  return (
    <div>
      <dt>Revocation</dt>
      <dd className={revoked ? 'danger-text' : undefined} data-testid="revocation">{whose}{revocationText(shown.revocation)}</dd>
    </div>
  );
}
