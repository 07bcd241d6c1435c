import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { DomainDetail } from '../types';

export const getDomain = (id: string, signal?: AbortSignal) =>
  api.get<DomainDetail>(`/domains/${encodeURIComponent(id)}`, undefined, signal);

export const getDomainQueryOptions = (id: string) =>
  queryOptions({ queryKey: ['domains', 'detail', id], queryFn: ({ signal }) => getDomain(id, signal) });

export const useDomain = (id: string) => useQuery(getDomainQueryOptions(id));
