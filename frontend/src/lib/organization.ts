import { queryOptions } from '@tanstack/react-query';
import { api } from './api-client';

// The organization's settings: shared because the days-left colours of every
// page follow its expiring threshold. One query key, one fetch, one cache.

export type CertificatePolicy = {
  min_rsa_bits: number;
  min_ec_bits: number;
  allow_sha1: boolean;
  max_validity_days: number;
  /** Mirrors expiring_threshold_days; read only. */
  expiring_days: number;
  renew_after_fraction: number;
};

export type Organization = {
  id: string;
  name: string;
  expiring_threshold_days: number;
  policy: CertificatePolicy;
  /** Agents must authenticate by client certificate; token-only agents are refused. */
  require_agent_mtls: boolean;
  /** Each agent enrollment waits for an admin's approval. */
  require_enrollment_approval: boolean;
};

export const getOrganization = (signal?: AbortSignal) => api.get<Organization>('/organization', undefined, signal);

export const organizationQueryOptions = () =>
  queryOptions({ queryKey: ['organization'], queryFn: ({ signal }) => getOrganization(signal), staleTime: 5 * 60_000 });
