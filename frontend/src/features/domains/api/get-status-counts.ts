import { useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { DomainStatus } from '../types';

export type StatusCounts = Record<DomainStatus, number> & {
  total: number;
  /** Certificates not yet expired whose days left are at most 7, 14 and 30, whatever their verdict. */
  within: { 7: number; 14: number; 30: number };
};

const count = (params: Record<string, string>, signal?: AbortSignal) =>
  api.get<Paginated<unknown>>('/domains', { ...params, per_page: 1 }, signal).then((r) => r.total);

const isoAt = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Counts come from the list totals, so they match what the lists show. A
 * status filter selects a problem, so a domain both invalid and expiring
 * counts under both, and the states may add up to more than the total.
 */
export async function getStatusCounts(signal?: AbortSignal): Promise<StatusCounts> {
  const now = Date.now();
  // days_left <= n  ⇔  not_after < now + (n + 1) days
  const before = (days: number) => count({ expires_before: isoAt(now + days * 86_400_000) }, signal);
  const [total, pending, ok, due, expiring, expired, invalid, unreachable, gone, b8, b15, b31] = await Promise.all([
    count({}, signal),
    count({ status: 'pending' }, signal),
    count({ status: 'ok' }, signal),
    count({ status: 'due' }, signal),
    count({ status: 'expiring' }, signal),
    count({ status: 'expired' }, signal),
    count({ status: 'invalid' }, signal),
    count({ status: 'unreachable' }, signal),
    before(0),
    before(8),
    before(15),
    before(31),
  ]);
  return {
    total, pending, ok, due, expiring, expired, invalid, unreachable,
    within: { 7: b8 - gone, 14: b15 - gone, 30: b31 - gone },
  };
}

export const useStatusCounts = () =>
  useQuery({ queryKey: ['domains', 'counts'], queryFn: ({ signal }) => getStatusCounts(signal), refetchInterval: 60_000 });
