import { Link } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { readinessLabel, type Readiness } from '@/lib/post-quantum';
import { useKeyExchangeInsight } from '../api/insights';

const tone = { true: 'good', false: 'warning', unknown: 'unknown' } as const;

/**
 * How many endpoints negotiate a post-quantum key exchange (a hybrid such
 * as X25519MLKEM768), how many a classical one, and how many are unknown,
 * each linking to the domain list filtered on it, with the groups seen.
 */
export function PostQuantumCard() {
  const q = useKeyExchangeInsight();
  return (
    <section className="card" aria-labelledby="pq-h">
      <div className="card-head">
        <h2 id="pq-h" className="section-title">Post-quantum readiness</h2>
        <span className="muted small">by the key exchange of each endpoint's latest check</span>
      </div>
      {q.isPending ? (
        <Spinner label="Loading key exchange groups" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load key exchange groups.">{q.error.message}</Notice>
      ) : (
        <>
          <ul className="plain-list" data-testid="pq-readiness">
            {([['true', q.data.readiness.ready], ['false', q.data.readiness.not_ready], ['unknown', q.data.readiness.unknown]] as [Readiness, number][]).map(
              ([r, n]) => (
                <li key={r} className="list-row">
                  <Link to={`/domains?post_quantum=${r}`}>{readinessLabel[r]}</Link>
                  <Badge tone={tone[r]}>{n}</Badge>
                </li>
              ),
            )}
          </ul>
          {q.data.items.some((g) => g.group) ? (
            <p className="muted small">
              Groups seen:{' '}
              {q.data.items.filter((g) => g.group).map((g, i) => (
                <span key={g.group}>
                  {i > 0 ? ', ' : ''}
                  <span className="mono">{g.group}</span> ({g.endpoints})
                </span>
              ))}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
