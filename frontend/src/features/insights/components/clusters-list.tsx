import { Link } from 'react-router';
import type { ExpiryCluster } from '../api/insights';

const dayFmt = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** Days when many endpoints expire together: one missed renewal breaks them all. */
export function ClustersList({ clusters }: { clusters: ExpiryCluster[] }) {
  if (clusters.length === 0) return null;
  return (
    <div className="clusters" aria-label="Expiry clusters">
      <h3 className="subsection-title">Expiry clusters</h3>
      <ul className="plain-list">
        {clusters.map((c) => (
          <li key={c.date} className="cluster">
            <strong>{dayFmt.format(new Date(`${c.date}T00:00:00Z`))}</strong>: {c.endpoints} endpoints
            {c.certificates !== c.endpoints ? ` (${c.certificates} certificate${c.certificates === 1 ? '' : 's'})` : ''} expire together ·{' '}
            {c.domains.slice(0, 6).map((d, i) => (
              <span key={`${d.id}`}>
                {i > 0 ? ', ' : ''}
                <Link to={`/domains/${d.id}`}>{d.host}:{d.port}</Link>
              </span>
            ))}
            {c.endpoints > Math.min(c.domains.length, 6) ? ` and ${c.endpoints - Math.min(c.domains.length, 6)} more` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
