import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';

export type RevocationProblem = 'stale' | 'expiring' | 'stalled' | 'regressed';

/** A CRL or OCSP responder the organization's certificates name (GET /revocation-sources). */
export type RevocationSource = {
  kind: 'crl' | 'ocsp';
  url: string;
  issuer?: string;
  crl_number?: string;
  number_since?: string;
  regressed_from?: string;
  this_update?: string;
  next_update?: string;
  size_bytes?: number;
  answered_at: string | null;
  checked_at: string;
  error?: string;
  failures: number;
  problems: RevocationProblem[];
  /** Where it last came from: fetched by the server, pushed by an agent, or uploaded. */
  origin: 'fetched' | 'agent' | 'uploaded';
  agent_id?: string;
  agent_name?: string;
};

export const getRevocationSources = (page: number, signal?: AbortSignal) =>
  api.get<Paginated<RevocationSource>>('/revocation-sources', { page, per_page: 50 }, signal);

export const useRevocationSources = (page: number) =>
  useQuery({
    queryKey: ['revocation-sources', 'list', page],
    queryFn: ({ signal }) => getRevocationSources(page, signal),
    placeholderData: keepPreviousData,
  });
