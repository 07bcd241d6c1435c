import { Link } from 'react-router';
import { Notice } from '@/components/ui/notice';
import { useStatusCounts } from '../api/get-status-counts';

type Tile = { label: string; value: number | undefined; tone: string; to: string };

function Tiles({ label, tiles, busy }: { label: string; tiles: Tile[]; busy: boolean }) {
  return (
    <ul className="tiles" aria-label={label} aria-busy={busy}>
      {tiles.map((t) => (
        <li key={t.label}>
          <Link to={t.to} className={`tile tile-${t.tone}`} data-testid={`count-${t.label}`}>
            <span className="tile-value">{t.value ?? '–'}</span>
            <span className="tile-label">{t.label}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

const soon = (days: number) => {
  const d = new Date(Date.now() + (days + 1) * 86_400_000);
  return d.toISOString().slice(0, 10);
};

export function StatusCounts() {
  const q = useStatusCounts();
  if (q.isError) return <Notice tone="error" title="Could not load the counts.">{q.error.message}</Notice>;
  const c = q.data;
  const states: Tile[] = [
    { label: 'OK', value: c?.ok, tone: 'good', to: '/domains?status=ok' },
    { label: 'Renewal overdue', value: c?.due, tone: 'warning', to: '/domains?status=due' },
    { label: 'Expiring', value: c?.expiring, tone: 'high', to: '/domains?status=expiring' },
    { label: 'Expired', value: c?.expired, tone: 'critical', to: '/domains?status=expired' },
    { label: 'Invalid', value: c?.invalid, tone: 'critical', to: '/domains?status=invalid' },
    { label: 'Unreachable', value: c?.unreachable, tone: 'high', to: '/domains?status=unreachable' },
    { label: 'Pending first check', value: c?.pending, tone: 'unknown', to: '/domains?status=pending' },
  ];
  const windows: Tile[] = [
    { label: 'Expire within 7 days', value: c?.within[7], tone: 'critical', to: `/domains?expires_before=${soon(7)}&sort=days_left` },
    { label: 'Expire within 14 days', value: c?.within[14], tone: 'high', to: `/domains?expires_before=${soon(14)}&sort=days_left` },
    { label: 'Expire within 30 days', value: c?.within[30], tone: 'warning', to: `/domains?expires_before=${soon(30)}&sort=days_left` },
  ];
  return (
    <section aria-labelledby="counts-h" className="counts">
      <h2 id="counts-h" className="section-title">
        Endpoints by state{' '}
        {c ? <span className="muted">· {c.total} monitored endpoint{c.total === 1 ? '' : 's'}</span> : null}
      </h2>
      <Tiles label="Endpoints by state" tiles={states} busy={q.isPending} />
      <Tiles label="Certificates expiring soon" tiles={windows} busy={q.isPending} />
    </section>
  );
}
