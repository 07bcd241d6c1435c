import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { AlertEvent } from '../types';

export type EventFilters = { type?: string; state?: string; domain_id?: string; group_id?: string; page?: number; per_page?: number };

export const getEvents = (f: EventFilters, signal?: AbortSignal) => api.get<Paginated<AlertEvent>>('/events', f, signal);

export const useEvents = (f: EventFilters, opts: { refetchInterval?: number } = {}) =>
  useQuery({
    queryKey: ['events', f],
    queryFn: ({ signal }) => getEvents(f, signal),
    placeholderData: keepPreviousData,
    refetchInterval: opts.refetchInterval ?? 30_000,
  });

export const useEvent = (id: string) =>
  useQuery({
    queryKey: ['event', id],
    queryFn: ({ signal }) => api.get<AlertEvent>(`/events/${encodeURIComponent(id)}`, undefined, signal),
  });

/** What a person can do about an open event: acknowledge it, snooze it, or take either back. */
export type EventCare =
  | { action: 'acknowledge' | 'unacknowledge' | 'unsnooze' }
  | { action: 'snooze'; until?: string; until_change?: boolean };

export function useCareForEvent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (c: EventCare) => {
      const path = `/events/${encodeURIComponent(id)}`;
      switch (c.action) {
        case 'acknowledge':
          return api.post<AlertEvent>(`${path}/acknowledge`);
        case 'unacknowledge':
          return api.delete<AlertEvent>(`${path}/acknowledge`);
        case 'unsnooze':
          return api.delete<AlertEvent>(`${path}/snooze`);
        case 'snooze':
          return api.post<AlertEvent>(`${path}/snooze`, { until: c.until, until_change: c.until_change });
      }
    },
    onSuccess: (ev) => {
      qc.setQueryData(['event', id], ev);
      return qc.invalidateQueries({ queryKey: ['events'] });
    },
  });
}
