import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { SelectField, TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import {
  useDeleteSMTPRelay,
  useSaveSMTPRelay,
  useSMTPRelay,
  useTestSMTPRelay,
  type SMTPRelay,
  type SMTPRelayInput,
  type TLSMode,
} from '../api/smtp-relay';

/** The id the "Not deliverable" notice of email channels links to. */
export const EMAIL_RELAY_ANCHOR = 'email-relay';

type Values = { host: string; port: string; tls: TLSMode; username: string; password: string; clear_password: boolean; from: string };
type Key = 'host' | 'port' | 'tls' | 'username' | 'password' | 'from' | 'root';
type Errors = Partial<Record<Key, string>>;

const TLS_MODES: { value: TLSMode; label: string; port: number }[] = [
  { value: 'starttls', label: 'STARTTLS (usually port 587)', port: 587 },
  { value: 'tls', label: 'Implicit TLS (usually port 465)', port: 465 },
  { value: 'none', label: 'None: plain SMTP, no credentials sent', port: 25 },
];

const valuesOf = (r: SMTPRelay | undefined): Values => ({
  host: r?.host ?? '',
  port: r?.configured && r.port ? String(r.port) : '',
  tls: r?.tls || 'starttls',
  username: r?.username ?? '',
  password: '',
  clear_password: false,
  from: r?.from ?? '',
});

/** The mail library sends credentials over plain SMTP to localhost only, as Go's SMTP client does. */
function credentialsInClear(v: Values): boolean {
  return v.tls === 'none' && v.username.trim() !== '' && !['localhost', '127.0.0.1', '::1'].includes(v.host.trim().toLowerCase());
}

/** Checks what needs no round trip; the server applies the same rules and answers per field. */
function toInput(v: Values): { input: SMTPRelayInput; errors: Errors } {
  const errors: Errors = {};
  const port = v.port.trim() === '' ? 0 : Number(v.port);
  if (v.host.trim() === '') errors.host = 'Enter the relay’s host name or IP address';
  if (!Number.isInteger(port) || port < 0 || port > 65535) errors.port = 'A port from 1 to 65535, or empty for the usual one';
  if (!/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(v.from.trim())) errors.from = 'Enter an address such as alerts@example.com';
  return {
    input: { host: v.host.trim(), port, tls: v.tls, username: v.username.trim(), password: v.password, clear_password: v.clear_password, from: v.from.trim() },
    errors,
  };
}

/**
 * The organization's own SMTP relay (owners): its email channels go out through it, before the
 * server's relay. The password is stored encrypted and never shown again.
 */
export function SMTPRelaySection() {
  const q = useSMTPRelay();
  const { hash } = useLocation();
  const ref = useRef<HTMLElement>(null);
  const loaded = q.isSuccess;
  // Links from "Not deliverable" land here: the section is below the settings.
  useEffect(() => {
    if (loaded && hash === `#${EMAIL_RELAY_ANCHOR}`) ref.current?.scrollIntoView?.({ block: 'start' });
  }, [loaded, hash]);
  return (
    <section ref={ref} className="card stack" id={EMAIL_RELAY_ANCHOR} aria-labelledby="org-relay-h">
      <h2 id="org-relay-h" className="section-title">Email relay (SMTP)</h2>
      {q.isPending ? (
        <Spinner label="Loading the email relay" />
      ) : q.isError ? (
        <Notice tone="error" title="Could not load the email relay.">{q.error.message}</Notice>
      ) : (
        <SMTPRelayForm relay={q.data} />
      )}
    </section>
  );
}

export function SMTPRelayForm({ relay }: { relay: SMTPRelay }) {
  const save = useSaveSMTPRelay();
  const remove = useDeleteSMTPRelay();
  const test = useTestSMTPRelay();
  const [values, setValues] = useState<Values>(() => valuesOf(relay));
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);
  const [testTo, setTestTo] = useState('');
  const [confirm, setConfirm] = useState(false);

  const set = <K extends keyof Values>(k: K, v: Values[K]) => {
    setValues((old) => ({ ...old, [k]: v }));
    setSaved(false);
    if (k !== 'clear_password') setErrors((e) => (e[k as Key] ? { ...e, [k]: undefined } : e));
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const { input, errors: found } = toInput(values);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      // The typed password is not kept in the form: the answer says one is stored.
      setValues(valuesOf(await save.mutateAsync(input)));
      setSaved(true);
    } catch (err) {
      const next: Errors = {};
      if (isApiError(err)) {
        for (const fe of err.fieldErrors()) {
          const k = (['host', 'port', 'tls', 'username', 'password', 'from'] as const).find((x) => x === fe.field);
          if (k) next[k] ??= fe.message.charAt(0).toUpperCase() + fe.message.slice(1);
        }
      }
      if (Object.keys(next).length === 0) next.root = err instanceof Error ? err.message : String(err);
      setErrors(next);
    }
  };

  const fallback = relay.server_relay
    ? 'Without one, email alerts go out through the server’s own relay.'
    : 'The server has no relay of its own: without one here, email channels cannot deliver.';

  return (
    <form onSubmit={onSubmit} noValidate className="stack" aria-label="Email relay">
      <p className="muted">
        Your organization’s email alerts are sent through this SMTP relay. {fallback} The relay is reached from the server like any
        address you give it: one on a private network needs its operator to set CERTINEL_ALLOW_PRIVATE_TARGETS, or to configure the
        server’s own relay (CERTINEL_SMTP_*) instead.
      </p>
      <div className="form-grid">
        <TextField className="span-2" label="Host" value={values.host} onChange={(e) => set('host', e.target.value)} error={errors.host}
          placeholder="smtp.example.com" autoComplete="off" maxLength={253} />
        <SelectField label="TLS" value={values.tls} onChange={(e) => set('tls', e.target.value as TLSMode)} error={errors.tls}
          hint={credentialsInClear(values) ? 'Without TLS the username and password are never sent, except to localhost: a relay that asks for them refuses the mail.' : undefined}>
          {TLS_MODES.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}
        </SelectField>
        <TextField label="Port" type="number" inputMode="numeric" min={1} max={65535} value={values.port}
          onChange={(e) => set('port', e.target.value)} error={errors.port}
          hint={`Empty: ${TLS_MODES.find((m) => m.value === values.tls)?.port ?? 587}`} />
        <TextField className="span-2" label="From address" value={values.from} onChange={(e) => set('from', e.target.value)} error={errors.from}
          placeholder="Certinel <alerts@example.com>" autoComplete="off" hint="The sender of every alert; the relay must accept it." />
        <TextField label="Username" value={values.username} onChange={(e) => set('username', e.target.value)} error={errors.username}
          autoComplete="off" maxLength={256} hint="Empty when the relay takes no credentials." />
        <TextField label="Password" type="password" value={values.password} onChange={(e) => set('password', e.target.value)}
          error={errors.password} autoComplete="new-password" disabled={values.clear_password}
          placeholder={relay.has_password ? 'Stored — leave empty to keep' : ''}
          hint={relay.has_password ? 'Stored encrypted — leave empty to keep it (a new host or port needs it again).' : 'Stored encrypted, never shown again.'} />
        {relay.has_password ? (
          <div className="field checkbox-field span-2">
            <label>
              <input type="checkbox" checked={values.clear_password}
                onChange={(e) => { set('clear_password', e.target.checked); if (e.target.checked) set('password', ''); }} />
              Remove the stored password
            </label>
          </div>
        ) : null}
      </div>
      {errors.root ? <Notice tone="error">{errors.root}</Notice> : null}
      {saved ? <Notice tone="success" title="Email relay saved.">Send a test to check that it delivers.</Notice> : null}
      <div className="form-actions">
        {relay.configured ? (
          <Button variant="ghost" onClick={() => setConfirm(true)} disabled={save.isPending}>Remove relay</Button>
        ) : null}
        <Button type="submit" variant="primary" loading={save.isPending}>Save relay</Button>
      </div>
      {relay.configured ? (
        <div className="stack">
          <div className="form-grid">
            <TextField className="span-2" label="Send a test to" type="email" value={testTo} onChange={(e) => setTestTo(e.target.value)}
              placeholder="Your own address" autoComplete="email" hint="Empty: your own address. The test uses the saved settings." />
          </div>
          <div className="button-row">
            <Button onClick={() => test.mutate(testTo.trim())} loading={test.isPending}>Send test</Button>
          </div>
          {test.error ? (
            <p className="test-outcome bad" role="status">Could not run the test: {test.error.message}</p>
          ) : test.data ? (
            test.data.ok ? (
              <p className="test-outcome ok" role="status"><span aria-hidden="true">✓</span> {test.data.message}</p>
            ) : (
              <p className="test-outcome bad" role="status">
                <span aria-hidden="true">✕</span> Test to {test.data.to} failed: <code className="error-text">{test.data.error}</code>
              </p>
            )
          ) : null}
        </div>
      ) : null}
      {confirm ? (
        <ConfirmDialog
          title="Remove the email relay?"
          confirmLabel="Remove relay"
          busy={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(undefined, { onSuccess: () => setConfirm(false) })}
          onCancel={() => setConfirm(false)}
        >
          {relay.server_relay ? 'Email alerts will go out through the server’s own relay.' : 'Email channels will not be able to deliver until a relay is set again.'}
        </ConfirmDialog>
      ) : null}
    </form>
  );
}
