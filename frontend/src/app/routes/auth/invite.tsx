import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { useInvitationPreview, type InvitationPreview } from '@/features/auth/api/invitation-preview';
import { ROLES } from '@/features/members/api/members';
import { isApiError, isNotFound } from '@/lib/api-client';
import { useAcceptInvitation, useSession } from '@/lib/auth';
import { formatDate } from '@/lib/format';

/** "ana@example.com invited you to join Example Inc as Admin (agents, …)." */
function InvitationSummary({ p }: { p: InvitationPreview }) {
  const role = ROLES.find((r) => r.value === p.role);
  return (
    <p className="invitation-summary" data-testid="invitation-summary">
      {p.invited_by ? <>{p.invited_by} invited you</> : <>You are invited</>} to join <strong>{p.organization}</strong> as{' '}
      <strong>{role?.label ?? p.role}</strong>{role ? <> ({role.hint})</> : null}. The invitation is for {p.email} and can be
      accepted until {formatDate(p.expires_at)}.
    </p>
  );
}

export default function InviteRoute() {
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const session = useSession();
  const accept = useAcceptInvitation();
  const preview = useInvitationPreview(token);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  if (session.isPending || preview.isPending) return <Spinner />;
  if (preview.isError) {
    return (
      <AuthLayout title="Invitation" footer={<Link to="/login">Go to sign in</Link>}>
        <title>Invitation · Certinel</title>
        <Notice tone="error" title={isNotFound(preview.error) ? 'This invitation link no longer works' : 'The invitation could not be loaded'}>
          {isNotFound(preview.error)
            ? 'It was used, revoked or has expired. Ask the person who invited you for a new link.'
            : preview.error.message}
        </Notice>
      </AuthLayout>
    );
  }
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
      title={`Join ${preview.data.organization} on Certinel`}
      subtitle={signedIn ? `You are signed in as ${session.data!.user.email}.` : 'Choose a password for your new account.'}
      footer={signedIn ? null : <>Already have an account? <Link to={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>Sign in first</Link></>}
    >
      <title>Invitation · Certinel</title>
      <InvitationSummary p={preview.data} />
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
