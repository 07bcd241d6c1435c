import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type AccountSession = {
  id: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string;
  user_agent: string;
  ip: string;
  current: boolean;
};

export const sessionsQueryOptions = () =>
  queryOptions({
    queryKey: ['account', 'sessions'],
    queryFn: ({ signal }) => api.get<{ items: AccountSession[]; total: number }>('/account/sessions', undefined, signal),
  });

export const useAccountSessions = () => useQuery(sessionsQueryOptions());

export function useEndSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/account/sessions/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['account', 'sessions'] }),
  });
}

export function useEndOtherSessions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete<{ ended: number }>('/account/sessions'),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['account', 'sessions'] }),
  });
}
