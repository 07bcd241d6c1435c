import { Link } from 'react-router';
import { StatusBadge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { formatRelative } from '@/lib/format';
import { useAllAgents } from '../api/get-agents';

/** Agents that stopped checking in, or never did. */
export function OfflineAgents() {
  const q = useAllAgents();
  const down = (q.data ?? []).filter((a) => a.status !== 'online');
  return (
    <section className="card" aria-labelledby="offline-h">
      <h2 id="offline-h" className="section-title">Agents needing attention</h2>
      {q.isError ? <Notice tone="error">{q.error.message}</Notice> : null}
      {q.data && q.data.length === 0 ? (
        <p className="muted">
          No agents. Public endpoints need none; <Link to="/agents">create one</Link> to watch private networks.
        </p>
      ) : q.data && down.length === 0 ? (
        <p className="ok-text">{q.data.length === 1 ? 'Your agent is online.' : `All ${q.data.length} agents are online.`}</p>
      ) : (
        <ul className="plain-list">
          {down.map((a) => (
            <li key={a.id} className="list-row">
              <span><strong>{a.name}</strong> <span className="muted small">· {a.targets} target{a.targets === 1 ? '' : 's'}</span></span>
              <span className="list-row-end">
                <span className="muted small">{a.last_seen_at ? `seen ${formatRelative(a.last_seen_at)}` : 'never connected'}</span>
                <StatusBadge status={a.status} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
