import { useId, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { formatDateTime } from '@/lib/format';
import { useCareForEvent } from '../api/events';
import type { AlertEvent } from '../types';

const SNOOZES = [
  { value: '1', label: '1 hour' },
  { value: '8', label: '8 hours' },
  { value: '24', label: '1 day' },
  { value: '168', label: '1 week' },
  { value: 'change', label: 'until it changes' },
];

/** Says whether someone took care of an event: acknowledged, snoozed. */
export function CareBadges({ ev }: { ev: AlertEvent }) {
  return (
    <>
      {ev.acknowledged_at ? (
        <Badge tone="info" title={`Acknowledged ${formatDateTime(ev.acknowledged_at)}${ev.acknowledged_by ? ` by ${ev.acknowledged_by}` : ''}`}>acknowledged</Badge>
      ) : null}
      {ev.snooze_until_change ? <Badge tone="neutral">snoozed until it changes</Badge> : null}
      {ev.snoozed_until && new Date(ev.snoozed_until) > new Date() ? (
        <Badge tone="neutral">snoozed until {formatDateTime(ev.snoozed_until)}</Badge>
      ) : null}
    </>
  );
}

/** Acknowledge or snooze an open event, or take either back. */
export function EventActions({ ev }: { ev: AlertEvent }) {
  const id = useId();
  const care = useCareForEvent(ev.id);
  const [snooze, setSnooze] = useState('8');
  if (ev.state !== 'open') return null;
  const snoozed = ev.snooze_until_change || (ev.snoozed_until !== null && new Date(ev.snoozed_until) > new Date());
  const doSnooze = () =>
    care.mutate(
      snooze === 'change'
        ? { action: 'snooze', until_change: true }
        : { action: 'snooze', until: new Date(Date.now() + Number(snooze) * 3_600_000).toISOString() },
    );
  return (
    <div className="button-row event-actions">
      {ev.acknowledged_at ? (
        <Button size="sm" variant="ghost" loading={care.isPending} onClick={() => care.mutate({ action: 'unacknowledge' })}>Unacknowledge</Button>
      ) : (
        <Button size="sm" loading={care.isPending} onClick={() => care.mutate({ action: 'acknowledge' })}>Acknowledge</Button>
      )}
      {snoozed ? (
        <Button size="sm" variant="ghost" loading={care.isPending} onClick={() => care.mutate({ action: 'unsnooze' })}>Unsnooze</Button>
      ) : (
        <span className="field-inline">
          <label htmlFor={`${id}-snooze`} className="sr-only">Snooze for</label>
          <select id={`${id}-snooze`} className="input select" value={snooze} onChange={(e) => setSnooze(e.target.value)}>
            {SNOOZES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
          </select>
          <Button size="sm" loading={care.isPending} onClick={doSnooze}>Snooze</Button>
        </span>
      )}
      {care.isError ? <span className="field-error" role="alert">{care.error.message}</span> : null}
    </div>
  );
}
