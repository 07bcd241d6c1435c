import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type Paginated } from '@/lib/api-client';
import type { Revocation } from '@/lib/revocation';

/** A certificate of the organization's inventory (GET /certificates). */
export type Certificate = {
  sha256: string;
  subject: string;
  issuer: string;
  serial: string;
  not_before: string;
  not_after: string;
  days_left: number;
  key_type: string;
  key_bits: number;
  signature_algorithm: string;
  is_ca: boolean;
  trust_status: string;
  /** Domains serving it now. */
  serving: number;
  first_seen: string;
  last_seen: string;
  /** null until the server checked it (self-signed roots never are). */
  revocation: Revocation | null;
  /** In lists: the first DNS names it covers, and how many in all. */
  names?: string[];
  name_count?: number;
  /** In lists: the first domains serving it now (serving counts them all). */
  endpoints?: { domain_id: string; host: string; port: number; protocol: string; position: number }[];
};

/** A page of the inventory: total_exact is false when total is the server's
 * estimate (the agent filter on a large inventory). */
export type CertificatePage = Paginated<Certificate> & { total_exact: boolean };

/** The inventory filters the page offers; '' is "any". */
export type CertificateFilters = {
  page: number;
  per_page: number;
  revocation: '' | Revocation['state'];
  q: string;
  issuer: string;
  key_type: string;
  trust_status: string;
  /** Expiring within this many days ('' for any). */
  expires_within: string;
  tag: string;
  agent_id: string;
  sort: string;
};

/** The day the expiry filter ends on, as the API takes it. */
export function expiresBefore(days: string, now = new Date()): string | undefined {
  const n = Number(days);
  if (!days || !Number.isFinite(n)) return undefined;
  return new Date(now.getTime() + n * 86_400_000).toISOString();
}

export const getCertificates = ({ expires_within, ...f }: CertificateFilters, signal?: AbortSignal) =>
  api.get<CertificatePage>('/certificates', { ...f, expires_before: expiresBefore(expires_within) }, signal);

/** The organization's agents, to filter by (the agents feature's own list is not imported here). */
export const useAgentOptions = () =>
  useQuery({
    queryKey: ['certificates', 'agent-options'],
    queryFn: ({ signal }) => api.get<Paginated<{ id: string; name: string }>>('/agents', { per_page: 200 }, signal),
    staleTime: 60_000,
  });

export const useCertificates = (f: CertificateFilters) =>
  useQuery({
    queryKey: ['certificates', 'list', f],
    queryFn: ({ signal }) => getCertificates(f, signal),
    placeholderData: keepPreviousData,
  });
