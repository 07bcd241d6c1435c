import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { useChannels } from '../api/channels';
import { useEvent, useEvents } from '../api/events';
import { eventLabel, isOutage, type AlertEvent } from '../types';
import { Deliveries } from './deliveries';
import { CareBadges, EventActions } from './event-actions';
import { eventSummary } from './events-table';
import { TableScroll } from '@/components/ui/table-scroll';

const PER_PAGE = 50;

/** One event: what happened, what was sent, who took care of it, and for an agent's outage the endpoints it covers. */
export function EventDetail({ id, canWrite }: { id: string; canWrite: boolean }) {
  const q = useEvent(id);
  const channels = useChannels();
  const channelName = (cid: string) => channels.data?.items.find((c) => c.id === cid)?.name ?? 'deleted channel';
  if (q.isPending) return <Spinner label="Loading the event" />;
  if (q.isError) return <Notice tone="error" title="Could not load the event.">{q.error.message}</Notice>;
  const ev = q.data;
  const target = ev.event.domain ? `${ev.event.domain.host}:${ev.event.domain.port}` : ev.event.agent ? `agent ${ev.event.agent.name}` : '';
  return (
    <>
      <PageHeader title={`${eventLabel(ev.type)}${target ? `: ${target}` : ''}`} description={eventSummary(ev)} />
      <section className="card stack" aria-labelledby="ev-h">
        <h2 id="ev-h" className="section-title">Event</h2>
        <div>
          <Badge tone={ev.state === 'open' ? 'critical' : ev.state === 'resolved' ? 'good' : 'info'}>{ev.state}</Badge> <CareBadges ev={ev} />
        </div>
        <dl className="facts">
          <Fact label="Opened"><span title={formatDateTime(ev.opened_at)}>{formatRelative(ev.opened_at)}</span></Fact>
          {ev.resolved_at ? <Fact label="Resolved">{formatDateTime(ev.resolved_at)}</Fact> : null}
          <Fact label="Last sent">{ev.notified_at ? formatDateTime(ev.notified_at) : 'not sent (held back by maintenance, or no channel)'}</Fact>
          {ev.event.domain ? <Fact label="Domain"><Link to={`/domains/${ev.event.domain.id}`}>{target}</Link></Fact> : null}
          {ev.group_id ? <Fact label="Part of"><Link to={`/events/${ev.group_id}`}>the agent's outage</Link></Fact> : null}
        </dl>
        {canWrite ? <EventActions ev={ev} /> : null}
      </section>
      <section className="card stack" aria-labelledby="ev-del-h">
        <h2 id="ev-del-h" className="section-title">Deliveries</h2>
        <Deliveries deliveries={ev.deliveries} channelName={channelName} />
      </section>
      {isOutage(ev) ? <OutageEndpoints outage={ev} /> : null}
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The endpoints an agent's outage speaks for, each with its own state. */
function OutageEndpoints({ outage }: { outage: AlertEvent }) {
  const [page, setPage] = useState(1);
  const q = useEvents({ group_id: outage.id, page, per_page: PER_PAGE });
  return (
    <section className="card card-flush" aria-labelledby="ev-members-h">
      <h2 id="ev-members-h" className="section-title card-pad">
        Unreachable endpoints{q.data ? ` (${q.data.total.toLocaleString()})` : ''}
      </h2>
      {q.isPending ? (
        <Spinner label="Loading the endpoints" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load the endpoints.">{q.error.message}</Notice>
      ) : (
        <>
          <TableScroll>
            <table className="table" aria-label="Endpoints of the outage">
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">State</th>
                  <th scope="col">Error</th>
                  <th scope="col">Since</th>
                </tr>
              </thead>
              <tbody>
                {q.data.items.map((m) => (
                  <tr key={m.id}>
                    <td>{m.event.domain ? <Link to={`/domains/${m.event.domain.id}`}>{m.event.domain.host}:{m.event.domain.port}</Link> : '—'}</td>
                    <td><Badge tone={m.state === 'open' ? 'critical' : 'good'}>{m.state === 'open' ? 'unreachable' : 'back'}</Badge></td>
                    <td className="small">{m.event.detail ?? ''}</td>
                    <td className="nowrap">{formatRelative(m.opened_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <Pagination page={page} perPage={PER_PAGE} total={q.data.total} noun="endpoints" onPage={setPage} />
        </>
      )}
    </section>
  );
}
