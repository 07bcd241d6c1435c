import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export type CACert = { subject: string; sha256: string; not_after: string };

export type CABundle = {
  id: string;
  name: string;
  certificates: number;
  subjects: CACert[];
  created_at: string;
  pem?: string;
};

export const useCABundles = () =>
  useQuery({ queryKey: ['ca-bundles'], queryFn: ({ signal }) => api.get<{ items: CABundle[]; total: number }>('/ca-bundles', undefined, signal) });

/** The bundle with its PEM, fetched when someone asks to download it. */
export const getCABundle = (id: string) => api.get<CABundle>(`/ca-bundles/${encodeURIComponent(id)}`);

export function useCreateCABundle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; pem: string }) => api.post<CABundle>('/ca-bundles', input),
    // Trust verdicts change with the bundles.
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['ca-bundles'] });
      qc.invalidateQueries({ queryKey: ['domains'] });
    },
  });
}

export function useDeleteCABundle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/ca-bundles/${encodeURIComponent(id)}`),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['ca-bundles'] });
      qc.invalidateQueries({ queryKey: ['domains'] });
    },
  });
}
