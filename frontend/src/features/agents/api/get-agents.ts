import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { Agent } from '../types';

export const getAgents = (page: number, perPage: number, signal?: AbortSignal) =>
  api.get<Paginated<Agent>>('/agents', { page, per_page: perPage }, signal);

export const getAgentsQueryOptions = (page = 1, perPage = 50) =>
  queryOptions({
    queryKey: ['agents', 'list', page, perPage],
    queryFn: ({ signal }) => getAgents(page, perPage, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });

export const useAgents = (page = 1, perPage = 50) => useQuery(getAgentsQueryOptions(page, perPage));

/** Every agent, for pickers and name lookups (organizations have few). */
export const useAllAgents = () =>
  useQuery({
    queryKey: ['agents', 'all'],
    queryFn: async ({ signal }) => {
      const out: Agent[] = [];
      for (let page = 1; page <= 50; page++) {
        const r = await getAgents(page, 200, signal);
        out.push(...r.items);
        if (r.items.length === 0 || out.length >= r.total) break;
      }
      return out;
    },
    staleTime: 30_000,
  });
