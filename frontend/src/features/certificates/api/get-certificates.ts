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
};

/** The inventory filters the page offers; '' is "any". */
export type CertificateFilters = { page: number; revocation: '' | Revocation['state'] };

export const CERTIFICATES_PER_PAGE = 50;

export const getCertificates = (f: CertificateFilters, signal?: AbortSignal) =>
  api.get<Paginated<Certificate>>('/certificates', { page: f.page, per_page: CERTIFICATES_PER_PAGE, revocation: f.revocation }, signal);

export const useCertificates = (f: CertificateFilters) =>
  useQuery({
    queryKey: ['certificates', 'list', f],
    queryFn: ({ signal }) => getCertificates(f, signal),
    placeholderData: keepPreviousData,
  });
