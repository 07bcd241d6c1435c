import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { setUnauthorizedHandler } from '@/lib/api-client';
import { sessionQueryOptions } from '@/lib/auth';
import { RouteError } from './routes/error';

// Every page is its own chunk: the first load carries only the shell.
const lazyPage = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default });

export const routes: RouteObject[] = [
  { path: '/login', lazy: lazyPage(() => import('./routes/auth/login')), errorElement: <RouteError /> },
  { path: '/signup', lazy: lazyPage(() => import('./routes/auth/signup')), errorElement: <RouteError /> },
  { path: '/invite/:token', lazy: lazyPage(() => import('./routes/auth/invite')), errorElement: <RouteError /> },
  { path: '/forgot-password', lazy: lazyPage(() => import('./routes/auth/forgot-password')), errorElement: <RouteError /> },
  { path: '/reset-password/:token', lazy: lazyPage(() => import('./routes/auth/reset-password')), errorElement: <RouteError /> },
  {
    path: '/',
    lazy: lazyPage(() => import('./routes/app/root')),
    errorElement: <RouteError />,
    children: [
      { index: true, lazy: lazyPage(() => import('./routes/app/overview')) },
      { path: 'domains', lazy: lazyPage(() => import('./routes/app/domains')) },
      { path: 'domains/:id', lazy: lazyPage(() => import('./routes/app/domain')) },
      { path: 'files', lazy: lazyPage(() => import('./routes/app/files')) },
      { path: 'certificates', lazy: lazyPage(() => import('./routes/app/certificates')) },
      { path: 'certificates/:sha256', lazy: lazyPage(() => import('./routes/app/certificate')) },
      { path: 'alerts', lazy: lazyPage(() => import('./routes/app/alerts')) },
      { path: 'events', lazy: lazyPage(() => import('./routes/app/events')) },
      { path: 'events/:id', lazy: lazyPage(() => import('./routes/app/event')) },
      { path: 'ca-bundles', lazy: lazyPage(() => import('./routes/app/ca-bundles')) },
      { path: 'discovery', lazy: lazyPage(() => import('./routes/app/discovery')) },
      { path: 'members', lazy: lazyPage(() => import('./routes/app/members')) },
      { path: 'audit-log', lazy: lazyPage(() => import('./routes/app/audit-log')) },
      { path: 'agents', lazy: lazyPage(() => import('./routes/app/agents')) },
      { path: 'agents/:id/certificates', lazy: lazyPage(() => import('./routes/app/agent-certificates')) },
      { path: 'tokens', lazy: lazyPage(() => import('./routes/app/tokens')) },
      { path: 'organization', lazy: lazyPage(() => import('./routes/app/organization')) },
      { path: 'account', lazy: lazyPage(() => import('./routes/app/account')) },
      { path: '*', lazy: lazyPage(() => import('./routes/not-found')) },
    ],
  },
];

export function AppRouter() {
  const qc = useQueryClient();
  const router = useMemo(() => createBrowserRouter(routes), []);
  useEffect(() => {
    // A 401 anywhere means the session is gone: forget it, RequireAuth redirects.
    setUnauthorizedHandler(() => qc.setQueryData(sessionQueryOptions().queryKey, null));
    return () => setUnauthorizedHandler(null);
  }, [qc]);
  return <RouterProvider router={router} />;
}
