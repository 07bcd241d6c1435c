import { formatDateTime, formatRelative } from '@/lib/format';
import type { Delivery } from '../types';
import { DeliveryStatus } from './delivery-status';
import { TableScroll } from '@/components/ui/table-scroll';

/** Every delivery of one alert with its attempt log; failures stand out. */
export function Deliveries({ deliveries, channelName }: { deliveries: Delivery[]; channelName: (id: string) => string }) {
  if (deliveries.length === 0) {
    return <p className="muted small">No channel was notified: the rule names none, or the event was recorded only.</p>;
  }
  return (
    <ul className="plain-list deliveries">
      {deliveries.map((d) => (
        <li key={d.channel_id} className={`delivery delivery-${d.status}`} aria-label={`Delivery to ${channelName(d.channel_id)}: ${d.status}`}>
          <div className="list-row">
            <div className="grow">
              <strong>{channelName(d.channel_id)}</strong> <DeliveryStatus status={d.status} attempts={d.attempts} />
              <span className="muted small">
                {' '}
                · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                {d.sent_at ? ` · sent ${formatDateTime(d.sent_at)}` : ''}
                {d.status === 'pending' && d.next_attempt_at ? ` · next try ${formatRelative(d.next_attempt_at)}` : ''}
              </span>
              {d.last_error && d.status !== 'sent' ? (
                <div className="error-text small">Last error: {d.last_error}</div>
              ) : null}
            </div>
          </div>
          {d.attempt_log.length > 0 ? (
            <TableScroll>
              <table className="table table-compact attempts">
                <caption className="sr-only">Attempts for {channelName(d.channel_id)}</caption>
                <thead>
                  <tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Result</th><th scope="col" className="num">Duration</th></tr>
                </thead>
                <tbody>
                  {d.attempt_log.map((a, i) => (
                    <tr key={i} className={a.ok ? undefined : 'row-bad'}>
                      <td className="num">{i + 1}</td>
                      <td className="nowrap">{formatDateTime(a.attempted_at)}</td>
                      <td>{a.ok ? <span className="ok-text">OK</span> : <span className="danger-text">Failed: {a.error || 'unknown error'}</span>}</td>
                      <td className="num">{a.duration_ms} ms</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
