import { useNavigate } from 'react-router';
import { Button } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { ChangePasswordForm } from '@/features/account/components/change-password-form';
import { SessionsList } from '@/features/account/components/sessions-list';
import { TwoFactorSection } from '@/features/account/components/two-factor-section';
import { useLogout, useSession } from '@/lib/auth';

const roles: Record<string, string> = { owner: 'Owner', admin: 'Admin', member: 'Member', viewer: 'Viewer' };

export default function AccountRoute() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const s = session.data;
  if (!s) return null;
  return (
    <>
      <title>Account · Certinel</title>
      <PageHeader title="Account" />
      <section className="card" aria-labelledby="acct-h">
        <h2 id="acct-h" className="section-title">You</h2>
        <dl className="facts account-facts">
          <div><dt>Email</dt><dd>{s.user.email}</dd></div>
          <div><dt>Organization</dt><dd>{s.organization.name}</dd></div>
          <div><dt>Role</dt><dd>{roles[s.role] ?? s.role}</dd></div>
        </dl>
      </section>
      <section className="card" aria-labelledby="password-h">
        <h2 id="password-h" className="section-title">Password</h2>
        <ChangePasswordForm />
      </section>
      <section className="card" aria-labelledby="twofactor-h">
        <h2 id="twofactor-h" className="section-title">Two-factor authentication</h2>
        <TwoFactorSection />
      </section>
      <section className="card" aria-labelledby="sessions-h">
        <h2 id="sessions-h" className="section-title">Sessions</h2>
        <p className="muted">Where your account is signed in. Sign out a browser you no longer use or do not recognise.</p>
        <SessionsList />
      </section>
      <section className="card" aria-labelledby="signout-h">
        <h2 id="signout-h" className="section-title">Sign out</h2>
        <p className="muted">Ends this browser's session. API tokens and agents keep working.</p>
        <Button variant="danger" loading={logout.isPending} onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}>
          Sign out
        </Button>
      </section>
    </>
  );
}
