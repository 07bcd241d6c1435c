import { Link } from 'react-router';
import { Notice } from '@/components/ui/notice';
import { useStatusCounts } from '../api/get-status-counts';

type Tile = { label: string; value: number | undefined; tone: string; to: string; hint?: string };

export function StatusCounts() {
  const q = useStatusCounts();
  if (q.isError) return <Notice tone="error" title="Could not load the counts.">{q.error.message}</Notice>;
  const c = q.data;
  const tiles: Tile[] = [
    { label: 'OK', value: c?.ok, tone: 'good', to: '/domains?status=ok', hint: 'more than 30 days left' },
    { label: 'Expiring ≤ 30 days', value: c?.expiring, tone: 'warning', to: '/domains?status=expiring', hint: 'all expiring' },
    { label: 'Expiring ≤ 14 days', value: c?.within14, tone: 'high', to: '/domains?status=expiring&sort=days_left' },
    { label: 'Expiring ≤ 7 days', value: c?.within7, tone: 'critical', to: '/domains?status=expiring&sort=days_left' },
    { label: 'Expired', value: c?.expired, tone: 'critical', to: '/domains?status=expired' },
    { label: 'Invalid', value: c?.invalid, tone: 'critical', to: '/domains?status=invalid' },
    { label: 'Unreachable', value: c?.unreachable, tone: 'high', to: '/domains?status=unreachable' },
    { label: 'Pending first check', value: c?.pending, tone: 'unknown', to: '/domains?status=pending' },
  ];
  return (
    <section aria-labelledby="counts-h">
      <h2 id="counts-h" className="section-title">
        Certificates by state{' '}
        {c ? <span className="muted">· {c.total} monitored endpoint{c.total === 1 ? '' : 's'}</span> : null}
      </h2>
      <ul className="tiles" aria-busy={q.isPending}>
        {tiles.map((t) => (
          <li key={t.label}>
            <Link to={t.to} className={`tile tile-${t.tone}`} data-testid={`count-${t.label}`}>
              <span className="tile-value">{t.value ?? '–'}</span>
              <span className="tile-label">{t.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
