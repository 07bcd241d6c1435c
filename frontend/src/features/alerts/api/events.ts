import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { AlertEvent } from '../types';

export type EventFilters = { type?: string; state?: string; domain_id?: string; page?: number; per_page?: number };

export const getEvents = (f: EventFilters, signal?: AbortSignal) => api.get<Paginated<AlertEvent>>('/events', f, signal);

export const useEvents = (f: EventFilters, opts: { refetchInterval?: number } = {}) =>
  useQuery({
    queryKey: ['events', f],
    queryFn: ({ signal }) => getEvents(f, signal),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval ?? 30_000,
  });
