import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Certificate } from './get-certificates';

/** What the certificate's own fields say (CertificateFacts in the API). */
export type CertificateFacts = {
  sha1: string;
  spki_sha256: string;
  common_name: string;
  dns_names: string[];
  ip_addresses: string[];
  uris: string[];
  emails: string[];
  curve?: string;
  key_usage: string[];
  ext_key_usage: string[];
  self_signed: boolean;
  crl_distribution_points: string[];
  ocsp_servers: string[];
};

/** A domain of the organization serving the certificate now. */
export type ServingDomain = { domain_id: string; host: string; port: number; protocol: string; position: number };

export type ChainLink = { position: number; sha256: string; subject: string; issuer: string; not_after: string };

export type CertificateDetail = Certificate & {
  facts: CertificateFacts;
  pem: string;
  served_by: ServingDomain[];
  /** The chain the first of served_by serves it in, leaf first. */
  chain: ChainLink[];
  /** Endpoints that served it as their leaf, most recently seen first. */
  history?: CertificateServing[];
};

/** An endpoint that served a certificate, and whether it moved on. */
export type CertificateServing = {
  domain_id: string;
  host: string;
  port: number;
  protocol: string;
  first_seen: string;
  last_seen: string;
  checks: number;
  replaced_at: string | null;
  replaced_by: string;
};

export const getCertificate = (sha256: string, signal?: AbortSignal) =>
  api.get<CertificateDetail>(`/certificates/${encodeURIComponent(sha256)}`, undefined, signal);

export const useCertificate = (sha256: string) =>
  useQuery(queryOptions({ queryKey: ['certificates', 'detail', sha256], queryFn: ({ signal }) => getCertificate(sha256, signal) }));
