import { Link } from 'react-router';
import { DaysLeftBadge } from '@/components/ui/badge';
import { commonName, formatDate } from '@/lib/format';
import { revocationText } from '@/lib/revocation';
import type { ChainEntry } from '../types';
import { StapleWarning } from './revocation';

const role = (i: number, n: number, e: ChainEntry) => {
  if (i === 0) return 'Leaf';
  if (e.subject === e.issuer) return 'Root';
  return i === n - 1 ? 'Intermediate (last sent)' : 'Intermediate';
};

/** The served chain, leaf first, drawn as the issuing path it claims. */
export function ChainTree({ chain }: { chain: ChainEntry[] }) {
  if (chain.length === 0) return <p className="muted">No chain captured yet.</p>;
  const sorted = [...chain].sort((a, b) => a.position - b.position);
  // Show the issuer at the top as people read trust paths: root → leaf.
  const path = [...sorted].reverse();
  return (
    <ol className="chain" aria-label="Certificate chain, issuer first">
      {path.map((e, i) => {
        const idx = sorted.length - 1 - i;
        return (
          <li key={`${e.position}-${e.sha256}`} className="chain-node" style={{ marginLeft: `${i * 22}px` }}>
            <div className="chain-head">
              <span className="chain-role">{role(idx, sorted.length, e)}</span>
              <strong className="chain-cn">{commonName(e.subject)}</strong>
              <DaysLeftBadge days={e.days_left} />
            </div>
            <dl className="chain-meta">
              <div><dt>Subject</dt><dd>{e.subject}</dd></div>
              <div><dt>Issuer</dt><dd>{e.issuer}</dd></div>
              <div><dt>Valid</dt><dd>{formatDate(e.not_before)} → {formatDate(e.not_after)}</dd></div>
              <div><dt>Serial</dt><dd className="mono">{e.serial}</dd></div>
              {e.subject !== e.issuer ? (
                <div><dt>Revocation</dt><dd className={e.revocation?.state === 'revoked' ? 'danger-text' : undefined}>{revocationText(e.revocation)}</dd><StapleWarning r={e.revocation} /></div>
              ) : null}
              <div><dt>SHA-256</dt><dd className="mono break"><Link to={`/certificates/${e.sha256}`} title="Open the certificate's page">{e.sha256}</Link></dd></div>
            </dl>
          </li>
        );
      })}
    </ol>
  );
}
