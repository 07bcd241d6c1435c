import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useChannelTypes } from '../api/channels';
import { useSaveRule } from '../api/rules';
import { EVENT_TYPES, SEVERITY_OPTIONS, type AgentOption, type Channel, type Rule, type RuleInput, type RuleRoute, type Severity } from '../types';

type ScopeKind = 'all' | 'tags' | 'agents';
type Errors = Partial<Record<'name' | 'thresholds_days' | 'events' | 'routes' | 'scope' | 'unreachable_after' | 'remind_every_hours' | 'root', string>>;

const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;
// Like a new organization's default rule: lifetime-aware (no fixed
// thresholds), every event but a changed certificate, which the history
// keeps without a notification.
const DEFAULT_THRESHOLDS: number[] = [];
const DEFAULT_EVENTS = EVENT_TYPES.map((e) => e.value as string).filter((e) => e !== 'changed');

const splitTags = (s: string) => s.split(/[,\s]+/).map((t) => t.trim()).filter(Boolean);
const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** Checks a rule the way the server does, so most mistakes never leave the page. */
export function validateRule(v: RuleInput, scope: ScopeKind): Errors {
  const e: Errors = {};
  const n = v.name.trim().length;
  if (n < 1) e.name = 'Give the rule a name';
  else if (n > 100) e.name = 'At most 100 characters';
  if (v.thresholds_days.length > 10) e.thresholds_days = 'At most 10 thresholds';
  else if (v.thresholds_days.some((d) => !Number.isInteger(d) || d < 0 || d > 365)) e.thresholds_days = 'Each threshold is 0 to 365 days';
  if (v.events.length === 0) e.events = 'Pick at least one event';
  if (v.routes.length > 20) e.routes = 'At most 20 channels';
  else if (v.routes.some((r) => r.tags.some((t) => t.length > 50 || !TAG.test(t)))) e.routes = 'Route tags: letters, digits and . _ : / -';
  if (scope === 'tags' && v.scope.tags.length === 0) e.scope = 'Name at least one tag';
  else if (scope === 'tags' && v.scope.tags.some((t) => t.length > 50 || !TAG.test(t))) e.scope = 'Tags: letters, digits and . _ : / -';
  if (scope === 'agents' && v.scope.agent_ids.length === 0) e.scope = 'Pick at least one agent';
  if (!Number.isInteger(v.unreachable_after) || v.unreachable_after < 1 || v.unreachable_after > 100) e.unreachable_after = 'From 1 to 100 failed checks';
  if (!Number.isInteger(v.remind_every_hours) || v.remind_every_hours < 0 || v.remind_every_hours > 720) e.remind_every_hours = 'From 0 (never) to 720 hours';
  return e;
}

/** Maps the server's field names onto the editor's sections. */
function apiFieldKey(field: string): keyof Errors | null {
  if (field === 'scope' || field.startsWith('scope.')) return 'scope';
  if (field === 'channel_ids' || field.startsWith('routes')) return 'routes';
  if (['name', 'thresholds_days', 'events', 'unreachable_after', 'remind_every_hours'].includes(field)) return field as keyof Errors;
  return null;
}

type RouteDraft = { channel_id: string; min_severity: Severity; tags: string };

type Props = { rule?: Rule; channels: Channel[]; agents: AgentOption[]; onSaved?: (r: Rule) => void; onCancel?: () => void };

export function RuleForm({ rule, channels, agents, onSaved, onCancel }: Props) {
  const id = useId();
  const save = useSaveRule();
  // Channels show their type's label, as the channel list does ("PagerDuty", not "pagerduty").
  const types = useChannelTypes();
  const typeLabel = (type: string) => types.data?.items.find((t) => t.type === type)?.label ?? type;
  const [name, setName] = useState(rule?.name ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [thresholds, setThresholds] = useState<number[]>(rule?.thresholds_days ?? DEFAULT_THRESHOLDS);
  const [thresholdDraft, setThresholdDraft] = useState('');
  const [events, setEvents] = useState<string[]>(rule?.events ?? DEFAULT_EVENTS);
  // Per channel sent to: the least severity and the tags, as typed.
  const [routes, setRoutes] = useState<RouteDraft[]>(() =>
    rule ? rule.routes.map((r) => ({ channel_id: r.channel_id, min_severity: r.min_severity, tags: r.tags.join(', ') }))
      : channels.length === 1 ? [{ channel_id: channels[0]!.id, min_severity: 'info', tags: '' }] : [],
  );
  const routeOf = (channelId: string) => routes.find((r) => r.channel_id === channelId);
  const toggleRoute = (channelId: string) => {
    setRoutes((x) => (x.some((r) => r.channel_id === channelId) ? x.filter((r) => r.channel_id !== channelId) : [...x, { channel_id: channelId, min_severity: 'info', tags: '' }]));
    clear('routes');
  };
  const editRoute = (channelId: string, change: Partial<RouteDraft>) => {
    setRoutes((x) => x.map((r) => (r.channel_id === channelId ? { ...r, ...change } : r)));
    clear('routes');
  };
  const initialScope: ScopeKind = !rule || rule.scope.all ? 'all' : rule.scope.tags.length ? 'tags' : 'agents';
  const [scope, setScope] = useState<ScopeKind>(initialScope);
  const [tags, setTags] = useState((rule?.scope.tags ?? []).join(', '));
  const [agentIds, setAgentIds] = useState<string[]>(rule?.scope.agent_ids ?? []);
  const [unreachableAfter, setUnreachableAfter] = useState(String(rule?.unreachable_after ?? 2));
  const [remindEvery, setRemindEvery] = useState(String(rule?.remind_every_hours ?? 0));
  const [errors, setErrors] = useState<Errors>({});

  // An error goes away as soon as its field is touched again.
  const clear = (k: keyof Errors) => setErrors((e) => (e[k] ? { ...e, [k]: undefined } : e));
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  const addThreshold = () => {
    const raw = thresholdDraft.trim();
    if (!raw) return;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 365) {
      setErrors((e) => ({ ...e, thresholds_days: 'A threshold is a whole number of days, 0 to 365' }));
      return;
    }
    setThresholds((t) => (t.includes(n) ? t : [...t, n].sort((a, b) => b - a)));
    setThresholdDraft('');
    setErrors((e) => ({ ...e, thresholds_days: undefined }));
  };

  const onThresholdKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      addThreshold();
    } else if (e.key === 'Backspace' && thresholdDraft === '' && thresholds.length) {
      setThresholds((t) => t.slice(0, -1));
    }
  };

  // A number still in the chip input counts too (Enter not pressed yet).
  const pending = /^\d+$/.test(thresholdDraft.trim()) ? Number(thresholdDraft.trim()) : null;
  const input = (): RuleInput => ({
    name: name.trim(),
    enabled,
    thresholds_days: pending === null || thresholds.includes(pending) ? thresholds : [...thresholds, pending].sort((a, b) => b - a),
    events: DEFAULT_EVENTS.filter((e) => events.includes(e)),
    routes: routes.map((r): RuleRoute => ({ channel_id: r.channel_id, min_severity: r.min_severity, tags: splitTags(r.tags) })),
    scope: {
      all: scope === 'all',
      tags: scope === 'tags' ? splitTags(tags) : [],
      agent_ids: scope === 'agents' ? agentIds : [],
    },
    unreachable_after: Number(unreachableAfter),
    remind_every_hours: Number(remindEvery),
  });

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    const v = input();
    const found = validateRule(v, scope);
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const saved = await save.mutateAsync({ id: rule?.id, input: v });
      onSaved?.(saved);
    } catch (e) {
      const next: Errors = {};
      if (isApiError(e)) {
        for (const fe of e.fieldErrors()) {
          const k = apiFieldKey(fe.field);
          if (k && !next[k]) next[k] = cap(fe.message);
        }
      }
      if (Object.keys(next).length === 0) next.root = e instanceof Error ? e.message : String(e);
      setErrors(next);
    }
  };

  const errId = (k: keyof Errors) => (errors[k] ? `${id}-${k}-error` : undefined);
  const fieldErr = (k: keyof Errors) =>
    errors[k] ? (
      <p className="field-error" id={`${id}-${k}-error`} role="alert">
        {errors[k]}
      </p>
    ) : null;

  return (
    <form onSubmit={onSubmit} noValidate className="form rule-form" aria-label={rule ? `Edit rule ${rule.name}` : 'New alert rule'}>
      <div className="form-grid">
        <TextField label="Rule name" value={name} onChange={(e) => { setName(e.target.value); clear('name'); }} error={errors.name} autoComplete="off" className="span-2" />
        <div className="field checkbox-field">
          <label>
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
          </label>
        </div>
        <TextField
          label="Unreachable after (failed checks in a row)"
          inputMode="numeric"
          value={unreachableAfter}
          onChange={(e) => { setUnreachableAfter(e.target.value); clear('unreachable_after'); }}
          error={errors.unreachable_after}
        />
        <TextField
          label="Remind every (hours, 0 for never)"
          inputMode="numeric"
          value={remindEvery}
          onChange={(e) => { setRemindEvery(e.target.value); clear('remind_every_hours'); }}
          error={errors.remind_every_hours}
          hint="Sends an open alert again until someone acknowledges it."
        />
      </div>

      <div className="field" role="group" aria-labelledby={`${id}-th`}>
        <span id={`${id}-th`} className="label">Expiry thresholds (days left)</span>
        <div className="chips-input" aria-invalid={errors.thresholds_days ? true : undefined}>
          <ul className="chip-list" aria-label="Thresholds">
            {thresholds.map((t) => (
              <li key={t} className="chip chip-filter">
                {t} {t === 1 ? 'day' : 'days'}
                <button type="button" className="chip-remove" aria-label={`Remove the ${t}-day threshold`} onClick={() => setThresholds((x) => x.filter((y) => y !== t))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          <label htmlFor={`${id}-th-input`} className="sr-only">Add a threshold in days</label>
          <input
            id={`${id}-th-input`}
            className="input input-narrow"
            inputMode="numeric"
            placeholder="Add…"
            value={thresholdDraft}
            onChange={(e) => setThresholdDraft(e.target.value)}
            onKeyDown={onThresholdKey}
            onBlur={addThreshold}
            aria-describedby={errId('thresholds_days') ?? `${id}-th-hint`}
          />
        </div>
        {errors.thresholds_days ? fieldErr('thresholds_days') : <p className="field-hint" id={`${id}-th-hint`}>
            {thresholds.length
              ? 'One alert as days left crosses each threshold. Type a number and press Enter.'
              : 'None: lifetime-aware. Expiring alerts once when a certificate not renewed enters the last sixth of its lifetime. Type a number and press Enter for fixed thresholds.'}
          </p>}
      </div>

      <fieldset className="fieldset" aria-describedby={errId('events')}>
        <legend>Events</legend>
        <div className="check-grid">
          {EVENT_TYPES.map((e) => (
            <label key={e.value} className="check-option">
              <input type="checkbox" checked={events.includes(e.value)} onChange={() => { setEvents((x) => toggle(x, e.value)); clear('events'); }} />
              <span>
                {e.label} <span className="muted small">· {e.hint}</span>
              </span>
            </label>
          ))}
        </div>
        {fieldErr('events')}
      </fieldset>

      <fieldset className="fieldset" aria-describedby={errId('routes')}>
        <legend>Send to</legend>
        {channels.length === 0 ? (
          <p className="muted small">No channel yet: create one above, then pick it here. Alerts are still recorded in the history.</p>
        ) : (
          <ul className="route-list">
            {channels.map((c) => {
              const r = routeOf(c.id);
              return (
                <li key={c.id} className="route-row">
                  <label className="check-option">
                    <input type="checkbox" checked={!!r} onChange={() => toggleRoute(c.id)} />
                    <span>
                      {c.name} <span className="muted small">· {typeLabel(c.type)}</span>
                    </span>
                  </label>
                  {r ? (
                    <>
                      <select className="input" aria-label={`Events ${c.name} gets`} value={r.min_severity} onChange={(e) => editRoute(c.id, { min_severity: e.target.value as Severity })}>
                        {SEVERITY_OPTIONS.map((o) => (
                          <option key={o.value} value={o.value}>{o.label}</option>
                        ))}
                      </select>
                      <input
                        className="input"
                        aria-label={`Only domains tagged, for ${c.name}`}
                        placeholder="Any domain (or tags: prod, payments)"
                        value={r.tags}
                        onChange={(e) => editRoute(c.id, { tags: e.target.value })}
                        autoComplete="off"
                      />
                    </>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        <p className="field-hint">Critical: expired, untrusted, unreachable, offline, or expiring within 3 days. Warning: expiring, renewal overdue, weak crypto. A resolution goes where its problem went.</p>
        {fieldErr('routes')}
      </fieldset>

      <fieldset className="fieldset" aria-describedby={errId('scope')}>
        <legend>Applies to</legend>
        <div className="radio-row">
          <label><input type="radio" name={`${id}-scope`} checked={scope === 'all'} onChange={() => setScope('all')} /> Every domain</label>
          <label><input type="radio" name={`${id}-scope`} checked={scope === 'tags'} onChange={() => setScope('tags')} /> Domains with tags</label>
          <label><input type="radio" name={`${id}-scope`} checked={scope === 'agents'} onChange={() => setScope('agents')} /> Domains checked by agents</label>
        </div>
        {scope === 'tags' ? (
          <TextField label="Tags" placeholder="prod, payments" value={tags} onChange={(e) => { setTags(e.target.value); clear('scope'); }} hint="Separated by commas; a domain with any of them matches." autoComplete="off" />
        ) : null}
        {scope === 'agents' ? (
          agents.length === 0 ? (
            <p className="muted small">No agents yet.</p>
          ) : (
            <div className="check-grid" role="group" aria-label="Agents">
              {agents.map((a) => (
                <label key={a.id} className="check-option">
                  <input type="checkbox" checked={agentIds.includes(a.id)} onChange={() => { setAgentIds((x) => toggle(x, a.id)); clear('scope'); }} /> {a.name}
                </label>
              ))}
            </div>
          )
        ) : null}
        {fieldErr('scope')}
      </fieldset>

      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      <div className="form-actions">
        {onCancel ? <Button onClick={onCancel}>Cancel</Button> : null}
        <Button type="submit" variant="primary" loading={save.isPending}>
          {rule ? 'Save rule' : 'Create rule'}
        </Button>
      </div>
    </form>
  );
}
