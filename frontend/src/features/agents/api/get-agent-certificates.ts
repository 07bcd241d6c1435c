import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { AgentCertificate } from '../types';

export const getAgentCertificates = (id: string, page: number, perPage: number, signal?: AbortSignal) =>
  api.get<Paginated<AgentCertificate>>(`/agents/${encodeURIComponent(id)}/certificates`, { page, per_page: perPage }, signal);

// Under ['agents'], so that every change to an agent refreshes its history too.
export const getAgentCertificatesQueryOptions = (id: string, page = 1, perPage = 50) =>
  queryOptions({
    queryKey: ['agents', 'certificates', id, page, perPage],
    queryFn: ({ signal }) => getAgentCertificates(id, page, perPage, signal),
    placeholderData: keepPreviousData,
  });

export const useAgentCertificates = (id: string, page = 1, perPage = 50) => useQuery(getAgentCertificatesQueryOptions(id, page, perPage));
