import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { Domain, DomainFilters } from '../types';

export type DomainListParams = DomainFilters & { page?: number; per_page?: number };

export const getDomains = (params: DomainListParams, signal?: AbortSignal) =>
  api.get<Paginated<Domain>>('/domains', params, signal);

export const getDomainsQueryOptions = (params: DomainListParams) =>
  queryOptions({
    queryKey: ['domains', 'list', params],
    queryFn: ({ signal }) => getDomains(params, signal),
    placeholderData: keepPreviousData,
  });

export const useDomains = (params: DomainListParams) => useQuery(getDomainsQueryOptions(params));

/** Every domain matching the filters, page by page (for exports and charts). */
export async function getAllDomains(filters: DomainFilters, limit = 10_000, signal?: AbortSignal): Promise<Domain[]> {
  const out: Domain[] = [];
  for (let page = 1; ; page++) {
    const res = await getDomains({ ...filters, page, per_page: 200 }, signal);
    out.push(...res.items);
    if (res.items.length === 0 || out.length >= res.total || out.length >= limit) return out;
  }
}
