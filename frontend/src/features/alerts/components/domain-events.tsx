import { Link } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useEvents } from '../api/events';
import { eventLabel } from '../types';
import { DeliveryCell, eventSummary } from './events-table';
import { TableScroll } from '@/components/ui/table-scroll';

/** The latest alerts about one domain, for its detail page. */
export function DomainEvents({ domainId }: { domainId: string }) {
  const q = useEvents({ domain_id: domainId, per_page: 10 });
  return (
    <section className="card card-flush" aria-labelledby="dom-ev-h">
      <div className="card-head card-pad">
        <h2 id="dom-ev-h" className="section-title">Recent alerts</h2>
        <Link to="/events" className="small">All events</Link>
      </div>
      {q.isPending ? (
        <Spinner label="Loading alerts" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load alerts.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        <p className="muted card-pad">No alert for this domain yet.</p>
      ) : (
        <TableScroll>
          <table className="table">
            <thead>
              <tr><th scope="col">Event</th><th scope="col">State</th><th scope="col">What happened</th><th scope="col">Opened</th><th scope="col">Deliveries</th></tr>
            </thead>
            <tbody>
              {q.data.items.map((ev) => (
                <tr key={ev.id}>
                  <td>{eventLabel(ev.type)}</td>
                  <td><Badge tone={ev.state === 'open' ? 'critical' : ev.state === 'resolved' ? 'good' : 'info'}>{ev.state}</Badge></td>
                  <td className="small">{eventSummary(ev)}</td>
                  <td className="nowrap" title={formatDateTime(ev.opened_at)}>{formatRelative(ev.opened_at)}</td>
                  <td><DeliveryCell ev={ev} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
