import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isNotFound, type Paginated } from '@/lib/api-client';

export type DiscoveryJob = {
  id: string;
  agent_id: string;
  hosts: string[];
  ports: string;
  interval_seconds: number;
  rate_per_second: number;
  auto_adopt?: boolean;
  created_at: string;
  updated_at: string;
};

export type DiscoveryJobInput = {
  agent_id: string;
  hosts: string[];
  ports: string;
  interval_seconds?: number;
  rate_per_second?: number;
};

export type Discovered = {
  id: string;
  agent_id?: string;
  discovery_job_id?: string | null;
  domain_id?: string | null;
  address: string;
  port: number;
  protocol: string;
  sni: string;
  sha256: string;
  not_after?: string | null;
  days_left?: number | null;
  verdict_status?: string;
  trust_status?: string;
  problems?: string[] | null;
  state: 'new' | 'known' | 'ignored' | string;
  suggested_names?: string[] | null;
  first_seen_at: string;
  last_seen_at: string;
};

type List<T> = { items: T[]; total: number };

export const useDiscoveryJobs = () =>
  useQuery({ queryKey: ['discovery', 'jobs'], queryFn: ({ signal }) => api.get<List<DiscoveryJob>>('/discovery-jobs', { per_page: 200 }, signal) });

export function useSaveDiscoveryJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id?: string; input: DiscoveryJobInput }) =>
      id ? api.patch<DiscoveryJob>(`/discovery-jobs/${encodeURIComponent(id)}`, input) : api.post<DiscoveryJob>('/discovery-jobs', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['discovery'] }),
  });
}

export function useDeleteDiscoveryJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/discovery-jobs/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['discovery'] }),
  });
}

/** Found endpoints; `unavailable` while the server has no such endpoint yet. */
export const useDiscovered = (state: string, page: number, perPage = 50) =>
  useQuery({
    queryKey: ['discovery', 'found', state, page, perPage],
    queryFn: async ({ signal }): Promise<Paginated<Discovered> | { unavailable: true }> => {
      try {
        return await api.get<Paginated<Discovered>>('/discovered', { state, page, per_page: perPage }, signal);
      } catch (e) {
        if (isNotFound(e)) return { unavailable: true };
        throw e;
      }
    },
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

export function useDiscoveredAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, ids }: { action: 'adopt' | 'ignore'; ids: string[] }) => api.post<unknown>(`/discovered/${action}`, { ids }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['discovery'] });
      qc.invalidateQueries({ queryKey: ['domains'] });
    },
  });
}
