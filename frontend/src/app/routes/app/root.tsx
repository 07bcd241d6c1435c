import { Suspense } from 'react';
import { Outlet, useNavigate, useNavigation } from 'react-router';
import { AppShell, type NavItem } from '@/components/layouts/app-shell';
import { icons } from '@/components/layouts/icons';
import { Spinner } from '@/components/ui/spinner';
import { RequireAuth, useLogout, useSession } from '@/lib/auth';
import { useEndpointAvailable } from '@/lib/endpoint';

function Shell() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const certificates = useEndpointAvailable('/certificates');
  const nav: NavItem[] = [
    { to: '/', label: 'Overview', icon: icons.overview, end: true },
    { to: '/domains', label: 'Domains', icon: icons.domains },
    ...(certificates === 'yes' ? [{ to: '/certificates', label: 'Certificates', icon: icons.certificates }] : []),
    { to: '/agents', label: 'Agents', icon: icons.agents },
    { to: '/tokens', label: 'API tokens', icon: icons.tokens },
    { to: '/account', label: 'Account', icon: icons.account },
  ];
  const s = session.data!;
  return (
    <AppShell
      nav={nav}
      organization={s.organization.name}
      email={s.user.email}
      signingOut={logout.isPending}
      onSignOut={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}
    >
      {navigation.state === 'loading' ? <div className="route-progress" aria-hidden="true" /> : null}
      <Suspense fallback={<Spinner />}>
        <Outlet />
      </Suspense>
    </AppShell>
  );
}

export default function AppRoot() {
  return (
    <RequireAuth fallback={<Spinner label="Loading your workspace" />}>
      <Shell />
    </RequireAuth>
  );
}
