import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { Domain, DomainFilters } from '../types';

export type DomainListParams = DomainFilters & { page?: number; per_page?: number; cursor?: string };

/** A page of domains; next_cursor asks for the page after it at any depth. */
export type DomainPage = Paginated<Domain> & { next_cursor: string | null; total_exact: boolean };

export const getDomains = (params: DomainListParams, signal?: AbortSignal) =>
  api.get<DomainPage>('/domains', params, signal);

export const getDomainsQueryOptions = (params: DomainListParams) =>
  queryOptions({
    queryKey: ['domains', 'list', params],
    queryFn: ({ signal }) => getDomains(params, signal),
    placeholderData: keepPreviousData,
  });

export const useDomains = (params: DomainListParams) => useQuery(getDomainsQueryOptions(params));

/** Every domain matching the filters (up to limit), following next_cursor
 * so that each page costs the server the same however deep it is. */
export async function getAllDomains(filters: DomainFilters, limit = 10_000, signal?: AbortSignal): Promise<Domain[]> {
  const out: Domain[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await getDomains({ ...filters, per_page: 200, cursor }, signal);
    out.push(...res.items);
    if (res.next_cursor === null || out.length >= limit) return out;
    cursor = res.next_cursor;
  }
}
