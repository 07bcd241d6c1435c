import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type ClusterDomain = { id: string; host: string; port: number; not_after: string };
export type ExpiryCluster = { date: string; endpoints: number; certificates: number; domains: ClusterDomain[] };
export type ExpiryClusters = { items: ExpiryCluster[]; total: number; days: number; min: number };

export type StaleEndpoint = {
  domain_id: string;
  host: string;
  port: number;
  name: string;
  served_sha256: string;
  newer_sha256: string;
  newer_domain_id: string;
  newer_host: string;
  newer_port: number;
};

export const useExpiryClusters = (days = 90, min = 2) =>
  useQuery({
    queryKey: ['domains', 'insights', 'clusters', days, min],
    queryFn: ({ signal }) => api.get<ExpiryClusters>('/insights/expiry-clusters', { days, min }, signal),
    refetchInterval: 5 * 60_000,
  });

export const useStaleEndpoints = () =>
  useQuery({
    queryKey: ['domains', 'insights', 'stale'],
    queryFn: ({ signal }) => api.get<{ items: StaleEndpoint[]; total: number }>('/insights/stale', undefined, signal),
  });
