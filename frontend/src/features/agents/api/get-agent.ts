import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Agent } from '../types';

export const getAgent = (id: string, signal?: AbortSignal) => api.get<Agent>(`/agents/${encodeURIComponent(id)}`, undefined, signal);

export const getAgentQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['agents', 'one', id], queryFn: ({ signal }) => getAgent(id, signal), refetchInterval: 30_000 });

export const useAgent = (id: string) => useQuery(getAgentQueryOptions(id));
