import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, isNotFound, type Paginated } from '@/lib/api-client';

// The inventory endpoint is being built on the server; until it answers,
// the page says so instead of showing anything.
export type Certificate = {
  sha256: string;
  subject?: string;
  issuer?: string;
  not_after?: string;
  days_left?: number | null;
  trust_status?: string;
  serving?: number;
  is_ca?: boolean;
};

export type CertificatesPage = Paginated<Certificate> | { unavailable: true };

export const getCertificates = async (page: number, q: string, signal?: AbortSignal): Promise<CertificatesPage> => {
  try {
    return await api.get<Paginated<Certificate>>('/certificates', { page, per_page: 50, q }, signal);
  } catch (e) {
    if (isNotFound(e)) return { unavailable: true };
    throw e;
  }
};

export const useCertificates = (page: number, q: string) =>
  useQuery({
    queryKey: ['certificates', 'list', page, q],
    queryFn: ({ signal }) => getCertificates(page, q, signal),
    placeholderData: keepPreviousData,
    retry: false,
  });
