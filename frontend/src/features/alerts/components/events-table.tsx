import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Pagination } from '@/components/ui/pagination';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { errorText, expiresInText, plural } from '@/lib/wording';
import { useListParams } from '@/lib/list-params';
import { useChannels } from '../api/channels';
import { useEvents } from '../api/events';
import { EVENT_TYPES, eventLabel, type AlertEvent } from '../types';
import { Deliveries } from './deliveries';
import { CareBadges, EventActions } from './event-actions';
import { TableScroll } from '@/components/ui/table-scroll';

const PER_PAGE = 25;

const stateTone = { open: 'critical', resolved: 'good', info: 'info' } as const;

/** One line saying what happened, from the notification payload. */
export function eventSummary(ev: AlertEvent): string {
  const e = ev.event;
  // Said from the numbers: the detail names the threshold crossed, not
  // how many days were left.
  if (ev.type === 'expiring' && e.days_left !== undefined) {
    const days = expiresInText(e.days_left);
    const said = days.charAt(0).toUpperCase() + days.slice(1);
    return e.threshold_days !== undefined ? `${said} (alert threshold: ${plural(e.threshold_days, 'day')})` : said;
  }
  if (e.detail) return errorText(e.detail);
  if (e.agent) return `Agent ${e.agent.name}`;
  return eventLabel(ev.type);
}

export function deliverySummary(ev: AlertEvent): { failed: number; pending: number; sent: number } {
  let failed = 0, pending = 0, sent = 0;
  for (const d of ev.deliveries) {
    if (d.status === 'failed') failed++;
    else if (d.status === 'sent') sent++;
    else pending++;
  }
  return { failed, pending, sent };
}

export function DeliveryCell({ ev }: { ev: AlertEvent }) {
  const s = deliverySummary(ev);
  if (ev.deliveries.length === 0) return <span className="muted">none</span>;
  return (
    <span className="delivery-summary">
      {s.failed ? <Badge tone="critical">{s.failed} failed</Badge> : null}
      {s.pending ? <Badge tone="warning">{s.pending} pending</Badge> : null}
      {s.sent ? <Badge tone="good">{s.sent} sent</Badge> : null}
    </span>
  );
}

export function EventsTable({ canWrite = false }: { canWrite?: boolean }) {
  const { params, update, page, perPage, setPage, setPerPage } = useListParams(PER_PAGE);
  const type = params.get('type') ?? '';
  const state = params.get('state') ?? '';
  const q = useEvents({ type, state, page, per_page: perPage });
  const channels = useChannels();
  const [open, setOpen] = useState<Set<string>>(new Set());
  const channelName = (id: string) => channels.data?.items.find((c) => c.id === id)?.name ?? 'deleted channel';

  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const items = q.data?.items ?? [];
  return (
    <div className="card card-flush">
      <div className="toolbar" role="search" aria-label="Filter events">
        <div className="field field-inline">
          <label htmlFor="ev-state" className="sr-only">State</label>
          <select id="ev-state" className="input select" value={state} onChange={(e) => update({ state: e.target.value })}>
            <option value="">All states</option>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="info">Info</option>
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="ev-type" className="sr-only">Event type</label>
          <select id="ev-type" className="input select" value={type} onChange={(e) => update({ type: e.target.value })}>
            <option value="">All events</option>
            {EVENT_TYPES.map((t) => <option key={t.value} value={t.value}>{t.label}</option>)}
          </select>
        </div>
      </div>
      {q.isError ? (
        <Notice tone="error" title="Could not load events.">{q.error.message}</Notice>
      ) : q.isPending ? (
        <Spinner label="Loading events" />
      ) : items.length === 0 ? (
        type || state ? (
          <EmptyState title="No event matches these filters" />
        ) : (
          <EmptyState title="No alerts yet">
            Alerts appear here when a rule fires: a certificate crossing a threshold, expiring, changing, or an
            endpoint becoming unreachable. <Link to="/alerts">Set up channels and rules</Link> to be told.
          </EmptyState>
        )
      ) : (
        <>
          <TableScroll>
            <table className="table events-table" aria-busy={q.isFetching}>
              <caption className="sr-only">Alert history</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-check"><span className="sr-only">Details</span></th>
                  <th scope="col">Event</th>
                  <th scope="col">State</th>
                  <th scope="col">Target</th>
                  <th scope="col">What happened</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Deliveries</th>
                </tr>
              </thead>
              <tbody>
                {items.map((ev) => {
                  const expanded = open.has(ev.id);
                  const failed = deliverySummary(ev).failed > 0;
                  return (
                    <Fragment key={ev.id}>
                      <tr className={failed ? 'row-bad' : undefined}>
                        <td className="col-check">
                          <button type="button" className="expander" aria-expanded={expanded} aria-controls={`ev-${ev.id}`}
                            aria-label={`${expanded ? 'Hide' : 'Show'} deliveries of ${eventLabel(ev.type)} ${ev.event.domain?.host ?? ''}`} onClick={() => toggle(ev.id)}>
                            {expanded ? '▾' : '▸'}
                          </button>
                        </td>
                        <td><Link to={`/events/${ev.id}`}>{eventLabel(ev.type)}</Link>{ev.event.reminder ? <span className="muted small"> (reminder)</span> : null}</td>
                        <td><Badge tone={stateTone[ev.state as keyof typeof stateTone] ?? 'neutral'}>{ev.state}</Badge> <CareBadges ev={ev} /></td>
                        <td>
                          {ev.event.domain ? (
                            <Link to={`/domains/${ev.event.domain.id}`}>{ev.event.domain.host}:{ev.event.domain.port}</Link>
                          ) : ev.event.agent ? (
                            <span>agent {ev.event.agent.name}</span>
                          ) : ev.event.revocation_source ? (
                            <span className="mono">CRL {ev.event.revocation_source.url}</span>
                          ) : (
                            <span className="muted">—</span>
                          )}
                        </td>
                        <td className="small">{eventSummary(ev)}</td>
                        <td className="nowrap" title={formatDateTime(ev.opened_at)}>
                          {formatRelative(ev.opened_at)}
                          {ev.resolved_at ? <div className="muted small">resolved {formatRelative(ev.resolved_at)}</div> : null}
                        </td>
                        <td><DeliveryCell ev={ev} /></td>
                      </tr>
                      {expanded ? (
                        <tr id={`ev-${ev.id}`} className="expanded-row">
                          <td />
                          <td colSpan={6}>
                            {canWrite ? <EventActions ev={ev} /> : null}
                            <Deliveries deliveries={ev.deliveries} channelName={channelName} />
                          </td>
                        </tr>
                      ) : null}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          <Pagination page={page} perPage={perPage} total={q.data.total} noun="events" onPage={setPage} onPerPage={setPerPage} />
        </>
      )}
    </div>
  );
}
