import { useId, useState, type FormEvent } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { PermittedButton } from '@/components/ui/permitted-button';
import { useDeleteMaintenanceWindow, useMaintenanceWindows, useSaveMaintenanceWindow } from '../api/maintenance';
import type { AgentOption, MaintenanceInput, MaintenanceScopeType, MaintenanceWindow } from '../types';

const DAYS = [
  { value: 'mon', label: 'Mon' },
  { value: 'tue', label: 'Tue' },
  { value: 'wed', label: 'Wed' },
  { value: 'thu', label: 'Thu' },
  { value: 'fri', label: 'Fri' },
  { value: 'sat', label: 'Sat' },
  { value: 'sun', label: 'Sun' },
];

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = (): string[] => {
  const list = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return list.includes('UTC') ? list : ['UTC', ...list];
};

/** When a window is on, in words. */
export function describeWindow(w: Pick<MaintenanceWindow, 'recurrence' | 'starts_at' | 'ends_at' | 'weekdays' | 'start_time' | 'duration_minutes' | 'time_zone'>): string {
  if (w.recurrence === 'once') return `Once, ${formatDateTime(w.starts_at)} to ${formatDateTime(w.ends_at)}`;
  const days = DAYS.filter((d) => w.weekdays.includes(d.value)).map((d) => d.label).join(', ');
  const h = Math.floor(w.duration_minutes / 60), m = w.duration_minutes % 60;
  const dur = [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
  return `Every ${days} at ${w.start_time} for ${dur} (${w.time_zone})`;
}

function scopeText(w: MaintenanceWindow, agents: AgentOption[]): string {
  if (w.scope.type === 'agent') return `agent ${agents.find((a) => a.id === w.scope.value)?.name ?? w.scope.value}`;
  if (w.scope.type === 'tag') return `tag ${w.scope.value}`;
  return `domain ${w.scope.value}`;
}

/** Maintenance windows: while one is on, its domains send no notifications (events are still recorded). */
export function MaintenanceWindows({ agents, canWrite }: { agents: AgentOption[]; canWrite: boolean }) {
  const list = useMaintenanceWindows();
  const del = useDeleteMaintenanceWindow();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<MaintenanceWindow | null>(null);
  return (
    <section className="card stack" aria-labelledby="mw-h">
      <div className="card-head">
        <h2 id="mw-h" className="section-title">Maintenance windows</h2>
        {adding ? null : <PermittedButton need="write" doing="schedule maintenance windows" variant="primary" size="sm" onClick={() => setAdding(true)}>New window</PermittedButton>}
      </div>
      <p className="muted small">
        While a window is on, its domains, tag or agent send no notifications; events are still recorded, and an
        alert still open when the window ends is sent then.
      </p>
      {adding ? (
        <div className="subcard">
          <MaintenanceForm agents={agents} onDone={() => setAdding(false)} />
        </div>
      ) : null}
      {list.isPending ? (
        <Spinner label="Loading maintenance windows" />
      ) : list.isError ? (
        <Notice tone="error" title="Could not load maintenance windows.">{list.error.message}</Notice>
      ) : list.data.items.length === 0 ? (
        adding ? null : <p className="muted">No maintenance window.</p>
      ) : (
        <ul className="plain-list" aria-label="Maintenance windows">
          {list.data.items.map((w) =>
            editing === w.id ? (
              <li key={w.id} className="subcard">
                <MaintenanceForm agents={agents} window={w} onDone={() => setEditing(null)} />
              </li>
            ) : (
              <li key={w.id} className="list-row">
                <div className="grow">
                  <strong>{w.name}</strong>{' '}
                  {w.active ? <Badge tone="warning">on until {formatDateTime(w.active_until)}</Badge> : <Badge tone="neutral">off</Badge>}
                  <div className="small">{describeWindow(w)} · <span className="muted">silences</span> {scopeText(w, agents)}</div>
                </div>
                {canWrite ? (
                  <div className="list-row-end button-row">
                    <Button size="sm" onClick={() => setEditing(w.id)} aria-label={`Edit window ${w.name}`}>Edit</Button>
                    <Button size="sm" variant="ghost" onClick={() => setDeleting(w)} aria-label={`Delete window ${w.name}`}>Delete</Button>
                  </div>
                ) : null}
              </li>
            ),
          )}
        </ul>
      )}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the window ${deleting.name}?`}
          confirmLabel="Delete window"
          busy={del.isPending}
          error={del.error?.message}
          onCancel={() => setDeleting(null)}
          onConfirm={() => del.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        >
          Notifications it holds back are sent at the next evaluation.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/** A datetime-local value (browser time) for an ISO instant. */
const toLocalInput = (iso: string | null | undefined) => {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

type Errors = Partial<Record<string, string>>;

function MaintenanceForm({ agents, window: w, onDone }: { agents: AgentOption[]; window?: MaintenanceWindow; onDone: () => void }) {
  const id = useId();
  const save = useSaveMaintenanceWindow();
  const [name, setName] = useState(w?.name ?? '');
  const [scopeType, setScopeType] = useState<MaintenanceScopeType>(w?.scope.type ?? (agents.length ? 'agent' : 'tag'));
  const [scopeValue, setScopeValue] = useState(w?.scope.value ?? (agents[0]?.id ?? ''));
  const [recurrence, setRecurrence] = useState<'once' | 'weekly'>(w?.recurrence ?? 'weekly');
  const [startsAt, setStartsAt] = useState(toLocalInput(w?.starts_at));
  const [endsAt, setEndsAt] = useState(toLocalInput(w?.ends_at));
  const [weekdays, setWeekdays] = useState<string[]>(w?.weekdays ?? ['sun']);
  const [startTime, setStartTime] = useState(w?.start_time || '02:00');
  const [duration, setDuration] = useState(String(w?.duration_minutes || 120));
  const [timeZone, setTimeZone] = useState(w?.time_zone ?? browserZone());
  const [errors, setErrors] = useState<Errors>({});

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    const input: MaintenanceInput = { name: name.trim(), scope: { type: scopeType, value: scopeValue.trim() }, recurrence, time_zone: timeZone };
    if (recurrence === 'once') {
      input.starts_at = startsAt ? new Date(startsAt).toISOString() : undefined;
      input.ends_at = endsAt ? new Date(endsAt).toISOString() : undefined;
    } else {
      Object.assign(input, { weekdays, start_time: startTime, duration_minutes: Number(duration) });
    }
    try {
      await save.mutateAsync({ id: w?.id, input });
      onDone();
    } catch (e) {
      const next: Errors = {};
      if (isApiError(e)) for (const fe of e.fieldErrors()) next[fe.field] ??= fe.message;
      if (Object.keys(next).length === 0) next.root = e instanceof Error ? e.message : String(e);
      setErrors(next);
    }
  };

  return (
    <form className="stack" onSubmit={onSubmit} aria-label={w ? `Edit window ${w.name}` : 'New maintenance window'} noValidate>
      {errors.root ? <Notice tone="error" title="Could not save the window.">{errors.root}</Notice> : null}
      <div className="form-grid">
        <TextField label="Window name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} className="span-2" autoComplete="off" />
        <SelectField label="Silences" value={scopeType} onChange={(e) => { setScopeType(e.target.value as MaintenanceScopeType); setScopeValue(e.target.value === 'agent' ? (agents[0]?.id ?? '') : ''); }} error={errors['scope.type']}>
          <option value="agent">an agent and its domains</option>
          <option value="tag">domains with a tag</option>
          <option value="domain">one domain</option>
        </SelectField>
        {scopeType === 'agent' ? (
          <SelectField label="Agent" value={scopeValue} onChange={(e) => setScopeValue(e.target.value)} error={errors['scope.value']}>
            {agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </SelectField>
        ) : (
          <TextField
            label={scopeType === 'tag' ? 'Tag' : 'Domain ID'}
            value={scopeValue}
            onChange={(e) => setScopeValue(e.target.value)}
            error={errors['scope.value']}
            hint={scopeType === 'domain' ? 'The ID at the end of the domain page address.' : undefined}
            autoComplete="off"
          />
        )}
        <SelectField label="Repeats" value={recurrence} onChange={(e) => setRecurrence(e.target.value as 'once' | 'weekly')} error={errors.recurrence}>
          <option value="weekly">every week</option>
          <option value="once">once</option>
        </SelectField>
        <SelectField label="Time zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} error={errors.time_zone}>
          {zones().map((z) => <option key={z} value={z}>{z}</option>)}
        </SelectField>
      </div>
      {recurrence === 'once' ? (
        <div className="form-grid">
          <TextField label="Starts" type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} error={errors.starts_at} />
          <TextField label="Ends" type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} error={errors.ends_at} />
        </div>
      ) : (
        <>
          <div className="field" role="group" aria-labelledby={`${id}-days`}>
            <span id={`${id}-days`} className="label">On</span>
            <div className="check-grid">
              {DAYS.map((d) => (
                <label key={d.value}>
                  <input type="checkbox" checked={weekdays.includes(d.value)}
                    onChange={() => setWeekdays((x) => (x.includes(d.value) ? x.filter((y) => y !== d.value) : [...x, d.value]))} /> {d.label}
                </label>
              ))}
            </div>
            {errors.weekdays ? <p className="field-error" role="alert">{errors.weekdays}</p> : null}
          </div>
          <div className="form-grid">
            <TextField label="At (local time)" type="time" value={startTime} onChange={(e) => setStartTime(e.target.value)} error={errors.start_time} />
            <TextField label="For (minutes)" inputMode="numeric" value={duration} onChange={(e) => setDuration(e.target.value)} error={errors.duration_minutes} />
          </div>
        </>
      )}
      <div className="button-row">
        <Button type="submit" variant="primary" loading={save.isPending}>{w ? 'Save window' : 'Create window'}</Button>
        <Button type="button" variant="ghost" onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
