import { useQuery } from '@tanstack/react-query';
import type { Domain } from '../types';
import { getAllDomains } from './get-domains';

export const TIMELINE_DAYS = 90;

export type TimelineDay = { day: number; date: Date; domains: Pick<Domain, 'id' | 'host' | 'port' | 'days_left'>[] };

export type Timeline = { days: TimelineDay[]; overdue: number; truncated: boolean };

/** Buckets certificates by the day they expire, from today to `span` days ahead. */
export function bucketByDay(domains: Pick<Domain, 'id' | 'host' | 'port' | 'not_after' | 'days_left'>[], now: Date, span = TIMELINE_DAYS): Timeline {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days: TimelineDay[] = Array.from({ length: span }, (_, i) => ({
    day: i,
    date: new Date(start.getFullYear(), start.getMonth(), start.getDate() + i),
    domains: [],
  }));
  let overdue = 0;
  for (const d of domains) {
    if (!d.not_after) continue;
    const t = new Date(d.not_after);
    if (t.getTime() <= now.getTime()) {
      overdue++;
      continue;
    }
    const idx = Math.floor((new Date(t.getFullYear(), t.getMonth(), t.getDate()).getTime() - start.getTime()) / 86_400_000);
    if (idx >= 0) days[Math.min(idx, span - 1)]!.domains.push({ id: d.id, host: d.host, port: d.port, days_left: d.days_left });
  }
  return { days, overdue, truncated: false };
}

const LIMIT = 2000;

export async function getExpiryTimeline(signal?: AbortSignal): Promise<Timeline> {
  const now = new Date();
  const before = new Date(now.getTime() + TIMELINE_DAYS * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const domains = await getAllDomains({ expires_before: before, sort: 'days_left' }, LIMIT, signal);
  return { ...bucketByDay(domains, now), truncated: domains.length >= LIMIT };
}

export const useExpiryTimeline = () =>
  useQuery({ queryKey: ['domains', 'timeline'], queryFn: ({ signal }) => getExpiryTimeline(signal), refetchInterval: 5 * 60_000 });
