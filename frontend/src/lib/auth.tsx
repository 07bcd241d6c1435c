import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, isApiError, setCsrfToken } from './api-client';

export type Session = {
  user: { id: string; email: string };
  organization: { id: string; name: string };
  role: string;
  csrf_token: string;
};

export type LoginInput = { email: string; password: string };
export type SignupInput = LoginInput & { organization: string };

const remember = (s: Session) => {
  setCsrfToken(s.csrf_token);
  return s;
};

/** The signed-in session, or null when there is none. */
export async function getSession(): Promise<Session | null> {
  try {
    return remember(await api.get<Session>('/me'));
  } catch (e) {
    if (isApiError(e) && e.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export const sessionQueryOptions = () =>
  queryOptions({ queryKey: ['session'], queryFn: getSession, staleTime: 5 * 60_000 });

export const useSession = () => useQuery(sessionQueryOptions());

/** The password was right; the account asks for a second factor. */
export type TwoFactorChallenge = { two_factor_required: true; challenge: string; expires_at: string };

export const isChallenge = (r: Session | TwoFactorChallenge): r is TwoFactorChallenge => 'two_factor_required' in r;

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: LoginInput) => {
      const r = await api.post<Session | TwoFactorChallenge>('/auth/login', input);
      return isChallenge(r) ? r : remember(r);
    },
    onSuccess: (r) => {
      if (isChallenge(r)) return;
      qc.clear();
      qc.setQueryData(sessionQueryOptions().queryKey, r);
    },
  });
}

/** Completes a login with a TOTP code or a recovery code. */
export function useLoginSecondFactor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { challenge: string; code: string }) =>
      remember(await api.post<Session>('/auth/login/two-factor', input)),
    onSuccess: (s) => {
      qc.clear();
      qc.setQueryData(sessionQueryOptions().queryKey, s);
    },
  });
}

export function useSignup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: SignupInput) => remember(await api.post<Session>('/auth/signup', input)),
    onSuccess: (s) => {
      qc.clear();
      qc.setQueryData(sessionQueryOptions().queryKey, s);
    },
  });
}

/** Accepts an invitation: a new account sets a password; a signed-in user just joins. */
export function useAcceptInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: { token: string; password?: string }) =>
      remember(await api.post<Session>('/invitations/accept', { token: input.token, password: input.password ?? '' })),
    onSuccess: (s) => {
      qc.clear();
      qc.setQueryData(sessionQueryOptions().queryKey, s);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(sessionQueryOptions().queryKey, null);
    },
  });
}

/** Renders children for a signed-in user, else sends them to the login page. */
export function RequireAuth({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <>{fallback}</>;
  if (session.isError) throw session.error;
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

/** Only paths inside the app are followed after login. */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) return '/';
  return raw;
}

/**
 * What a role may do, mirroring the server's route table (need(perm...) in
 * server/internal/httpapi/routes.go): write is members and above (domains,
 * discovery, maintenance, acknowledging alerts), admin is admins and owners
 * (agents, tokens, channels, rules, CA bundles, the audit log), owner is
 * owners alone (members, invitations, organization settings).
 */
export type Permission = 'write' | 'admin' | 'owner';

const rank: Record<string, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };
const needs: Record<Permission, number> = { write: 1, admin: 2, owner: 3 };
const who: Record<Permission, string> = { write: 'members, admins and owners', admin: 'admins and owners', owner: 'owners' };

export const roleMay = (role: string, need: Permission) => (rank[role] ?? 0) >= needs[need];

/** "Only admins and owners can create agents." for a control the role may not use. */
export const whoMay = (need: Permission, doing: string) => `Only ${who[need]} can ${doing}.`;

/**
 * The signed-in role's permissions. Pages hide or disable, with whoMay as
 * the tooltip, what the role may not do (the server refuses anyway).
 */
export function usePermissions() {
  const role = useSession().data?.role ?? 'viewer';
  return {
    role,
    can: (need: Permission) => roleMay(role, need),
    canWrite: roleMay(role, 'write'),
    canAdmin: roleMay(role, 'admin'),
    isOwner: roleMay(role, 'owner'),
  };
}
