import { useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { DomainStatus } from '../types';

export type StatusCounts = Record<DomainStatus, number> & {
  total: number;
  /** Expiring certificates by threshold: within 7, 8–14 and 15–30 days. */
  within7: number;
  within14: number;
};

const count = (params: Record<string, string>, signal?: AbortSignal) =>
  api.get<Paginated<unknown>>('/domains', { ...params, per_page: 1 }, signal).then((r) => r.total);

const isoDaysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** Counts per status come from the list totals, so they match the lists exactly. */
export async function getStatusCounts(signal?: AbortSignal): Promise<StatusCounts> {
  const [total, pending, ok, expiring, expired, invalid, unreachable, within7, within14] = await Promise.all([
    count({}, signal),
    count({ status: 'pending' }, signal),
    count({ status: 'ok' }, signal),
    count({ status: 'expiring' }, signal),
    count({ status: 'expired' }, signal),
    count({ status: 'invalid' }, signal),
    count({ status: 'unreachable' }, signal),
    count({ status: 'expiring', expires_before: isoDaysFromNow(8) }, signal),
    count({ status: 'expiring', expires_before: isoDaysFromNow(15) }, signal),
  ]);
  return { total, pending, ok, expiring, expired, invalid, unreachable, within7, within14 };
}

export const useStatusCounts = () =>
  useQuery({ queryKey: ['domains', 'counts'], queryFn: ({ signal }) => getStatusCounts(signal), refetchInterval: 60_000 });
