import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { ApiToken } from '../types';

export const getTokens = (page: number, perPage: number, signal?: AbortSignal) =>
  api.get<Paginated<ApiToken>>('/tokens', { page, per_page: perPage }, signal);

export const getTokensQueryOptions = (page = 1, perPage = 50) =>
  queryOptions({
    queryKey: ['tokens', 'list', page, perPage],
    queryFn: ({ signal }) => getTokens(page, perPage, signal),
    placeholderData: keepPreviousData,
  });

export const useTokens = (page = 1, perPage = 50) => useQuery(getTokensQueryOptions(page, perPage));
