import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { isApiError } from '@/lib/api-client';
import { useAcceptInvitation, useSession } from '@/lib/auth';

export default function InviteRoute() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const accept = useAcceptInvitation();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  if (session.isPending) return <Spinner />;
  const signedIn = Boolean(session.data);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!signedIn && password.length < 10) {
      setError({ field: 'password', message: 'Use at least 10 characters' });
      return;
    }
    setError(null);
    try {
      await accept.mutateAsync({ token, password: signedIn ? undefined : password });
      navigate('/', { replace: true });
    } catch (err) {
      const fe = isApiError(err) ? err.fieldErrors()[0] : undefined;
      setError(fe ? { field: fe.field, message: fe.message } : { message: err instanceof Error ? err.message : String(err) });
    }
  };

  return (
    <AuthLayout
      title="Join your team on Certinel"
      subtitle={signedIn ? `You are signed in as ${session.data!.user.email}.` : 'Choose a password for your new account.'}
      footer={signedIn ? null : <>Already have an account? <Link to={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>Sign in first</Link></>}
    >
      <title>Invitation · Certinel</title>
      <form className="form" onSubmit={onSubmit} noValidate aria-label="Accept the invitation">
        {!signedIn ? (
          <TextField label="Password" type="password" autoComplete="new-password" hint="10 to 128 characters." value={password}
            onChange={(e) => setPassword(e.target.value)} error={error?.field === 'password' ? error.message : undefined} />
        ) : null}
        {error && error.field !== 'password' ? <Notice tone="error">{error.message}</Notice> : null}
        <Button type="submit" variant="primary" className="btn-block" loading={accept.isPending}>
          Accept invitation
        </Button>
      </form>
    </AuthLayout>
  );
}
