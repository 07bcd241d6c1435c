import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, buildUrl, type Paginated } from '@/lib/api-client';

export const ROLES = [
  { value: 'owner', label: 'Owner', hint: 'everything, including members and roles' },
  { value: 'admin', label: 'Admin', hint: 'agents, tokens, alerting and CA bundles' },
  { value: 'member', label: 'Member', hint: 'adds and changes domains' },
  { value: 'viewer', label: 'Viewer', hint: 'reads only' },
] as const;

export type Member = { user_id: string; email: string; role: string; joined_at: string };
export type Invitation = {
  id: string;
  email: string;
  role: string;
  created_at: string;
  expires_at: string;
  accept_url?: string;
  emailed?: boolean;
  email_error?: string;
};
export type AuditEntry = {
  id: string;
  actor_type: string;
  actor_id: string;
  actor_label: string;
  actor_name: string;
  action: string;
  target_type: string;
  target_id: string;
  target_name: string;
  ip: string;
  details: unknown;
  created_at: string;
};

type List<T> = { items: T[]; total: number };

export const useMembers = () =>
  useQuery({ queryKey: ['members'], queryFn: ({ signal }) => api.get<List<Member>>('/members', undefined, signal) });

export const useInvitations = (enabled: boolean) =>
  useQuery({ queryKey: ['invitations'], queryFn: ({ signal }) => api.get<List<Invitation>>('/invitations', undefined, signal), enabled });

export function useSetRole() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: string }) => api.patch<List<Member>>(`/members/${encodeURIComponent(userId)}`, { role }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['members'] }),
  });
}

export function useRemoveMember() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.delete(`/members/${encodeURIComponent(userId)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['members'] }),
  });
}

export function useInvite() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: string }) => api.post<Invitation>('/invitations', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['invitations'] }),
  });
}

export function useRevokeInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/invitations/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['invitations'] }),
  });
}

/** The audit log's filters as the API takes them (see audit-filters.ts). */
export type AuditQuery = { actor_type?: string; actor_id?: string; action?: string; from?: string; to?: string };

export const useAuditLog = (page: number, perPage: number, filters: AuditQuery) =>
  useQuery({
    queryKey: ['audit-log', page, perPage, filters],
    queryFn: ({ signal }) => api.get<Paginated<AuditEntry>>('/audit-log', { ...filters, page, per_page: perPage }, signal),
    placeholderData: keepPreviousData,
  });

export type AuditFacets = { actors: { type: string; id: string; name: string }[]; actions: string[] };

export const useAuditFacets = () =>
  useQuery({ queryKey: ['audit-log', 'facets'], queryFn: ({ signal }) => api.get<AuditFacets>('/audit-log/facets', undefined, signal) });

export const auditExportUrl = (filters: AuditQuery) => buildUrl('/audit-log/export', filters);
