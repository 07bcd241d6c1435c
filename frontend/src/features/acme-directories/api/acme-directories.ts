import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** The ACME directory of an internal CA, asked for its renewal windows (ACME Renewal Information). */
export type ACMEDirectory = {
  id: string;
  name: string;
  directory_url: string;
  issuer_sha256: string;
  issuer_key_id: string;
  created_at: string;
};

export type ACMEDirectoryInput = { name: string; directory_url: string; issuer_sha256: string };

export const useACMEDirectories = () =>
  useQuery({
    queryKey: ['acme-directories'],
    queryFn: ({ signal }) => api.get<{ items: ACMEDirectory[]; total: number }>('/acme-directories', undefined, signal),
  });

export function useCreateACMEDirectory() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ACMEDirectoryInput) => api.post<ACMEDirectory>('/acme-directories', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['acme-directories'] }),
  });
}

export function useDeleteACMEDirectory() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/acme-directories/${encodeURIComponent(id)}`),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['acme-directories'] });
      qc.invalidateQueries({ queryKey: ['domains'] });
    },
  });
}
