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

/** Endpoints by the key exchange group of their latest check; group is empty for the unknown ones. */
export type KeyExchangeInsight = {
  items: { group: string; post_quantum: boolean; endpoints: number }[];
  total: number;
  readiness: { ready: number; not_ready: number; unknown: number };
};

export const useKeyExchangeInsight = () =>
  useQuery({
    queryKey: ['domains', 'insights', 'key-exchange'],
    queryFn: ({ signal }) => api.get<KeyExchangeInsight>('/insights/key-exchange', undefined, signal),
  });

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
