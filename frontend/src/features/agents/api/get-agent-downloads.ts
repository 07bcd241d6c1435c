import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { AgentDownloads } from '../types';

export const getAgentDownloads = (signal?: AbortSignal) => api.get<AgentDownloads>('/agent-downloads', undefined, signal);

export const getAgentDownloadsQueryOptions = () =>
  queryOptions({ queryKey: ['agent-downloads'], queryFn: ({ signal }) => getAgentDownloads(signal), staleTime: 60_000 });

export const useAgentDownloads = () => useQuery(getAgentDownloadsQueryOptions());
