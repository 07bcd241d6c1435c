import { Link } from 'react-router';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { shortHash } from '@/lib/format';
import { useStaleEndpoints } from '../api/insights';

const label = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Endpoints still serving a certificate that was already renewed elsewhere. */
export function StaleCard() {
  const q = useStaleEndpoints();
  return (
    <section className="card" aria-labelledby="stale-h">
      <div className="card-head">
        <h2 id="stale-h" className="section-title">Forgotten renewals</h2>
        {q.data ? <span className="muted small">{q.data.total} endpoint{q.data.total === 1 ? '' : 's'}</span> : null}
      </div>
      {q.isPending ? (
        <Spinner label="Loading stale endpoints" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load stale endpoints.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        <p className="muted">Every endpoint serves the newest certificate issued for its name.</p>
      ) : (
        <ul className="plain-list stale-list">
          {q.data.items.map((s) => (
            <li key={s.domain_id} className="list-row">
              <div>
                <Link to={`/domains/${s.domain_id}`} className="strong-link">{label(s.host, s.port)}</Link> still serves{' '}
                <span className="mono" title={s.served_sha256}>{shortHash(s.served_sha256)}</span> for <strong>{s.name}</strong>; a newer
                certificate (<span className="mono" title={s.newer_sha256}>{shortHash(s.newer_sha256)}</span>) is already on{' '}
                <Link to={`/domains/${s.newer_domain_id}`}>{label(s.newer_host, s.newer_port)}</Link>.
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
