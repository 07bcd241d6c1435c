import { useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { DomainStatus } from '../types';

/** A "check now": done once every domain got a result stored after it. */
export type CheckRequest = {
  id: string;
  created_at: string;
  done: boolean;
  domains: { domain_id: string; completed_at: string | null; status: DomainStatus; checked_at: string | null }[];
};

/** Asks for the domains to be checked now: by their agents, or by the server. */
export const checkDomains = (ids: string[]) =>
  ids.length === 1
    ? api.post<CheckRequest>(`/domains/${encodeURIComponent(ids[0]!)}/check`)
    : api.post<CheckRequest>('/domains/check', { ids });

export const getCheckRequest = (id: string, signal?: AbortSignal) =>
  api.get<CheckRequest>(`/check-requests/${encodeURIComponent(id)}`, undefined, signal);

/** How often a pending check request is looked at, and for how long. */
export const CHECK_POLL_MS = 1000;
export const CHECK_GIVE_UP_MS = 120_000;

/**
 * Check now: posts the request, then follows it until done (or given up),
 * and refreshes the domains once their results are in.
 */
export function useCheckNow() {
  const qc = useQueryClient();
  const start = useMutation({ mutationFn: checkDomains });
  const req = start.data;
  const follow = useQuery({
    queryKey: ['check-requests', req?.id],
    queryFn: ({ signal }) => getCheckRequest(req!.id, signal),
    enabled: !!req && !req.done,
    refetchInterval: (q) => {
      const age = req ? Date.now() - new Date(req.created_at).getTime() : 0;
      return q.state.data?.done || age > CHECK_GIVE_UP_MS ? false : CHECK_POLL_MS;
    },
  });
  const current = follow.data ?? req;
  const done = current?.done ?? false;
  useEffect(() => {
    if (done) void qc.invalidateQueries({ queryKey: ['domains'] });
  }, [done, qc]);
  const givenUp = !!req && !done && !follow.isFetching && Date.now() - new Date(req.created_at).getTime() > CHECK_GIVE_UP_MS;
  return { start, current, done, givenUp, error: start.error ?? follow.error };
}
