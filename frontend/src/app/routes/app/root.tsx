import { Suspense } from 'react';
import { Outlet, useNavigate, useNavigation } from 'react-router';
import { AppShell, type NavItem } from '@/components/layouts/app-shell';
import { icons } from '@/components/layouts/icons';
import { Spinner } from '@/components/ui/spinner';
import { RequireAuth, useLogout, usePermissions, useSession } from '@/lib/auth';
import { useEndpointAvailable } from '@/lib/endpoint';
import { ExpiringThresholdProvider } from '../../expiring-threshold';

function Shell() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const { canAdmin } = usePermissions();
  // Sections whose endpoints this server does not offer (404) stay out of the nav.
  const certificates = useEndpointAvailable('/certificates');
  const discovery = useEndpointAvailable('/discovery-jobs');
  const members = useEndpointAvailable('/members');
  const audit = useEndpointAvailable(canAdmin ? '/audit-log' : '');
  const nav: NavItem[] = [
    { to: '/', label: 'Overview', icon: icons.overview, end: true },
    { to: '/domains', label: 'Domains', icon: icons.domains },
    { to: '/files', label: 'Files', icon: icons.files },
    ...(certificates === 'yes' ? [{ to: '/certificates', label: 'Certificates', icon: icons.certificates }] : []),
    ...(discovery === 'yes' ? [{ to: '/discovery', label: 'Discovery', icon: icons.discovery }] : []),
    { to: '/alerts', label: 'Alerts', icon: icons.alerts },
    { to: '/events', label: 'Events', icon: icons.events },
    { to: '/agents', label: 'Agents', icon: icons.agents },
    { to: '/ca-bundles', label: 'CA bundles', icon: icons.bundles },
    { to: '/tokens', label: 'API tokens', icon: icons.tokens },
    ...(members === 'yes' ? [{ to: '/members', label: 'Members', icon: icons.members }] : []),
    ...(audit === 'yes' ? [{ to: '/audit-log', label: 'Audit log', icon: icons.audit }] : []),
    { to: '/organization', label: 'Organization', icon: icons.organization },
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
      <ExpiringThresholdProvider>
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </ExpiringThresholdProvider>
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
