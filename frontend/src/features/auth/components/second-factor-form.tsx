import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { isApiError } from '@/lib/api-client';
import { useLoginSecondFactor } from '@/lib/auth';

/** What went wrong with a code, in words for people. */
type Problem = { field?: string; message: string; restart?: boolean };

function codeProblem(e: unknown): Problem {
  if (isApiError(e)) {
    if (e.code === 'invalid_code') return { field: 'code', message: 'This code is wrong, expired or was used already. Wait for the next code and try again.' };
    if (e.code === 'challenge_expired') return { message: 'This sign-in expired or had too many wrong codes. Start again with your password.', restart: true };
    if (e.code === 'rate_limited') return { message: 'Too many attempts. Wait a moment and try again.' };
  }
  return { message: e instanceof Error ? e.message : String(e) };
}

/** The second step of a sign-in: a code from the authenticator app or a recovery code. */
export function SecondFactorForm({ challenge, onSuccess, onRestart }: { challenge: string; onSuccess: () => void; onRestart: () => void }) {
  const verify = useLoginSecondFactor();
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<Problem | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (code.trim() === '') {
      setError({ field: 'code', message: recovery ? 'Enter one of your recovery codes' : 'Enter the 6-digit code from your app' });
      return;
    }
    setError(null);
    try {
      await verify.mutateAsync({ challenge, code: code.trim() });
      onSuccess();
    } catch (err) {
      setError(codeProblem(err));
    }
  };

  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Two-factor authentication">
      <p className="muted">
        {recovery ? 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each works once.'
          : 'Enter the 6-digit code your authenticator app shows for Certinel.'}
      </p>
      <TextField
        label={recovery ? 'Recovery code' : 'Authentication code'}
        autoComplete="one-time-code"
        inputMode={recovery ? 'text' : 'numeric'}
        autoFocus
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={error?.field === 'code' ? error.message : undefined}
      />
      {error && error.field !== 'code' ? <Notice tone="error">{error.message}</Notice> : null}
      {error?.restart ? (
        <Button onClick={onRestart}>Start again</Button>
      ) : (
        <Button type="submit" variant="primary" className="btn-block" loading={verify.isPending}>
          Verify
        </Button>
      )}
      <Button variant="ghost" onClick={() => { setRecovery(!recovery); setCode(''); setError(null); }}>
        {recovery ? 'Use the code from my app' : 'Use a recovery code'}
      </Button>
    </form>
  );
}
