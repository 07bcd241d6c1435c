import { revocationText, stapleText, type Revocation } from '@/lib/revocation';
import type { ChainEntry } from '../types';

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
      <StapleWarning r={shown.revocation} />
    </div>
  );
}

/** What is wrong with the OCSP response a certificate's server staples, under its revocation status. */
export function StapleWarning({ r }: { r: Revocation | null | undefined }) {
  const text = stapleText(r);
  return text ? <dd className="danger-text" data-testid="staple-error">{text}</dd> : null;
}
