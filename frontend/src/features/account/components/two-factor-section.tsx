import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { OnceNotice, SecretValue } from '@/components/ui/secret';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import { useDisableTwoFactor, useEnableTwoFactor, useSetupTwoFactor, useTwoFactor, type TwoFactorSetup } from '../api/two-factor';

/** Words for the errors these forms can meet. */
function problem(e: unknown): { field?: 'password' | 'code'; message: string } {
  if (isApiError(e)) {
    if (e.code === 'wrong_password') return { field: 'password', message: 'This is not your password' };
    if (e.code === 'invalid_code') return { field: 'code', message: 'This code is wrong, expired or was used already. Wait for the next code and try again.' };
    if (e.code === 'rate_limited') return { message: 'Too many attempts. Wait a moment and try again.' };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

/** Two-factor authentication: enroll (password, scan, confirm), recovery codes once, turn off. */
export function TwoFactorSection() {
  const state = useTwoFactor();
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  if (state.isPending) return <Spinner />;
  if (state.isError) return <Notice tone="error">{state.error.message}</Notice>;
  if (codes) return <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />;
  if (state.data.enabled) return <DisableForm codesLeft={state.data.recovery_codes_left} />;
  if (setup) return <ConfirmForm setup={setup} onEnabled={(c) => { setSetup(null); setCodes(c); }} onCancel={() => setSetup(null)} />;
  return <StartForm onStarted={setSetup} />;
}

function StartForm({ onStarted }: { onStarted: (s: TwoFactorSetup) => void }) {
  const start = useSetupTwoFactor();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ReturnType<typeof problem> | null>(null);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) return setError({ field: 'password', message: 'Enter your password' });
    setError(null);
    try {
      onStarted(await start.mutateAsync(password));
    } catch (err) {
      setError(problem(err));
    }
  };
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Turn on two-factor authentication">
      <p className="muted">Off. With it on, signing in asks for a code from an authenticator app (such as 1Password, Google Authenticator or Aegis) after your password.</p>
      <TextField label="Your password" type="password" autoComplete="current-password" value={password}
        onChange={(e) => setPassword(e.target.value)} error={error?.field === 'password' ? error.message : undefined} />
      {error && !error.field ? <Notice tone="error">{error.message}</Notice> : null}
      <div><Button type="submit" variant="primary" loading={start.isPending}>Set up two-factor authentication</Button></div>
    </form>
  );
}

function ConfirmForm({ setup, onEnabled, onCancel }: { setup: TwoFactorSetup; onEnabled: (codes: string[]) => void; onCancel: () => void }) {
  const enable = useEnableTwoFactor();
  const [code, setCode] = useState('');
  const [error, setError] = useState<ReturnType<typeof problem> | null>(null);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.replace(/\s/g, ''))) return setError({ field: 'code', message: 'Enter the 6-digit code from your app' });
    setError(null);
    try {
      onEnabled((await enable.mutateAsync(code.replace(/\s/g, ''))).recovery_codes);
    } catch (err) {
      setError(problem(err));
    }
  };
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Confirm two-factor authentication">
      <p>Scan this code with your authenticator app, or type the key in by hand.</p>
      <img src={setup.qr_code} alt="QR code of the authenticator key" width={200} height={200} className="qr-code" />
      <SecretValue label="Key" value={setup.secret} copyLabel="Copy key" />
      <TextField label="Code from the app" autoComplete="one-time-code" inputMode="numeric" value={code}
        onChange={(e) => setCode(e.target.value)} error={error?.field === 'code' ? error.message : undefined} />
      {error && !error.field ? <Notice tone="error">{error.message}</Notice> : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={enable.isPending}>Turn on</Button>
        <Button variant="ghost" onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div className="form">
      <Notice tone="success" title="Two-factor authentication is on" />
      <OnceNotice>Save these recovery codes somewhere safe, such as a password manager. Each one signs you in once if you lose your phone.</OnceNotice>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => <li key={c}><code>{c}</code></li>)}
      </ul>
      <div className="form-actions">
        <CopyButton value={codes.join('\n')} label="Copy codes" />
        <Button variant="primary" onClick={onDone}>I saved them</Button>
      </div>
    </div>
  );
}

function DisableForm({ codesLeft }: { codesLeft: number }) {
  const disable = useDisableTwoFactor();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<ReturnType<typeof problem> | null>(null);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) return setError({ field: 'password', message: 'Enter your password' });
    if (!code.trim()) return setError({ field: 'code', message: 'Enter a code from your app or a recovery code' });
    setError(null);
    try {
      await disable.mutateAsync({ password, code: code.trim() });
    } catch (err) {
      setError(problem(err));
    }
  };
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Turn off two-factor authentication">
      <Notice tone="success" title="Two-factor authentication is on">
        Signing in asks for a code from your app. {codesLeft === 1 ? '1 recovery code is' : `${codesLeft} recovery codes are`} left.
      </Notice>
      <TextField label="Your password" type="password" autoComplete="current-password" value={password}
        onChange={(e) => setPassword(e.target.value)} error={error?.field === 'password' ? error.message : undefined} />
      <TextField label="Code from the app or a recovery code" autoComplete="one-time-code" value={code}
        onChange={(e) => setCode(e.target.value)} error={error?.field === 'code' ? error.message : undefined} />
      {error && !error.field ? <Notice tone="error">{error.message}</Notice> : null}
      <div><Button type="submit" variant="danger" loading={disable.isPending}>Turn off two-factor authentication</Button></div>
    </form>
  );
}
