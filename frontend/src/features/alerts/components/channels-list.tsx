import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '@/components/ui/button';
import { usePermissions } from '@/lib/auth';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { PermittedButton } from '@/components/ui/permitted-button';
import { useChannels, useChannelTypes, useDeleteChannel, useTestChannel } from '../api/channels';
import { useEvents } from '../api/events';
import { eventLabel, type AlertEvent, type Channel, type ChannelTypeDescription, type Delivery } from '../types';
import { ChannelForm } from './channel-form';
import { DeliveryStatus } from './delivery-status';
import { TestOutcome } from './test-result';
import { TableScroll } from '@/components/ui/table-scroll';

type Recent = { event: AlertEvent; delivery: Delivery };

export function ChannelsList({ canWrite = true }: { canWrite?: boolean }) {
  const q = useChannels();
  const types = useChannelTypes();
  const events = useEvents({ per_page: 100 });
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const recent = useMemo(() => {
    const m = new Map<string, Recent[]>();
    for (const ev of events.data?.items ?? []) {
      for (const d of ev.deliveries) {
        const list = m.get(d.channel_id) ?? [];
        if (list.length < 5) list.push({ event: ev, delivery: d });
        m.set(d.channel_id, list);
      }
    }
    return m;
  }, [events.data]);

  return (
    <section className="card stack" aria-labelledby="channels-h">
      <div className="card-head">
        <h2 id="channels-h" className="section-title">Channels</h2>
        {adding ? null : <PermittedButton need="admin" doing="create alert channels" variant="primary" size="sm" onClick={() => setAdding(true)}>New channel</PermittedButton>}
      </div>
      {adding ? (
        <div className="subcard">
          <ChannelForm onSaved={() => setAdding(false)} onCancel={() => setAdding(false)} />
        </div>
      ) : null}
      {q.isPending ? (
        <Spinner label="Loading channels" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load channels.">{q.error.message}</Notice>
      ) : q.data.items.length === 0 ? (
        adding ? null : (
          <EmptyState title="No alert channels yet" action={canWrite ? <Button variant="primary" onClick={() => setAdding(true)}>Add a channel</Button> : null}>
            Channels are where alerts go: email, a webhook (your own endpoint, or Slack), or a service such as PagerDuty,
            Opsgenie or Teams. Add one, send a test, then pick it in a rule.
          </EmptyState>
        )
      ) : (
        <ul className="plain-list channel-list">
          {q.data.items.map((c) => (
            <li key={c.id}>
              {editing === c.id ? (
                <div className="subcard">
                  <ChannelForm channel={c} onSaved={() => setEditing(null)} onCancel={() => setEditing(null)} />
                </div>
              ) : (
                <ChannelRow
                  channel={c}
                  description={types.data?.items.find((t) => t.type === c.type)}
                  recent={recent.get(c.id) ?? []}
                  canWrite={canWrite}
                  onEdit={() => setEditing(c.id)}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Where an email channel's missing relay is fixed: the owners' Email relay settings. */
function RelayFix() {
  const { isOwner } = usePermissions();
  return isOwner ? (
    <p>
      <Link to="/organization#email-relay">Set the organization’s email relay</Link>
    </p>
  ) : (
    <p>Ask an owner of the organization to set its email relay.</p>
  );
}

type RowProps = { channel: Channel; description?: ChannelTypeDescription | undefined; recent: Recent[]; canWrite: boolean; onEdit: () => void };

function ChannelRow({ channel: c, description, recent, canWrite, onEdit }: RowProps) {
  const unavailable = description?.unavailable;
  const test = useTestChannel();
  const del = useDeleteChannel();
  const [confirm, setConfirm] = useState(false);
  // Where alerts go, when the config shows it (URLs that carry a token are secrets, never sent back).
  const target = c.type === 'email' ? (c.config.recipients ?? []).join(', ') : typeof c.config.url === 'string' ? c.config.url : null;
  const label = c.type === 'webhook' ? `Webhook · ${c.config.format ?? 'json'}` : (description?.label ?? c.type);
  return (
    <article className="channel" aria-label={`Channel ${c.name}`}>
      <div className="list-row">
        <div className="grow">
          <div>
            <strong>{c.name}</strong> <span className="chip">{label}</span>
            {c.has_secret && c.type === 'webhook' ? <span className="chip" title="Requests are signed with a stored secret">signed</span> : null}
            {c.digest ? <span className="chip">digest</span> : null}
          </div>
          <div className="muted small break">{target}</div>
        </div>
        {canWrite ? (
          <div className="list-row-end button-row">
            <Button size="sm" onClick={() => test.mutate(c.id)} loading={test.isPending} aria-label={`Send test to ${c.name}`}>
              Send test
            </Button>
            <Button size="sm" onClick={onEdit} aria-label={`Edit ${c.name}`}>Edit</Button>
            <Button size="sm" variant="ghost" onClick={() => setConfirm(true)} aria-label={`Delete ${c.name}`}>Delete</Button>
          </div>
        ) : null}
      </div>
      {unavailable ? (
        <Notice tone="warning" title="Not deliverable">
          {unavailable}
          {c.type === 'email' ? <RelayFix /> : null}
        </Notice>
      ) : null}
      <TestOutcome result={test.data} error={test.error?.message} />
      <details className="recent">
        <summary>Recent deliveries ({recent.length})</summary>
        {recent.length === 0 ? (
          <p className="muted small">Nothing sent through this channel yet. Alerts appear here once a rule fires.</p>
        ) : (
          <TableScroll>
            <table className="table table-compact">
              <thead>
                <tr><th scope="col">Alert</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">When</th></tr>
              </thead>
              <tbody>
                {recent.map(({ event: ev, delivery: d }) => (
                  <tr key={ev.id}>
                    <td>
                      {eventLabel(ev.type)}
                      {ev.event.domain ? <span className="muted"> · {ev.event.domain.host}:{ev.event.domain.port}</span> : null}
                    </td>
                    <td>
                      <DeliveryStatus status={d.status} attempts={d.attempts} />
                      {d.last_error && d.status !== 'sent' ? <div className="error-text small">{d.last_error}</div> : null}
                    </td>
                    <td className="num">{d.attempts}</td>
                    <td className="nowrap" title={formatDateTime(d.sent_at ?? ev.opened_at)}>{formatRelative(d.sent_at ?? ev.opened_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </details>
      {confirm ? (
        <ConfirmDialog
          title={`Delete the channel ${c.name}?`}
          confirmLabel="Delete channel"
          busy={del.isPending}
          error={del.error?.message}
          onCancel={() => setConfirm(false)}
          onConfirm={() => del.mutate(c.id, { onSuccess: () => setConfirm(false) })}
        >
          Rules that use it stop sending there.
        </ConfirmDialog>
      ) : null}
    </article>
  );
}
